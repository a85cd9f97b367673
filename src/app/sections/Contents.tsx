import { goToSection, SECTIONS, withParam } from "./sections";

/**
 * A compact table of contents: a link per section of the page (`#view=…`, a deep link that
 * also works from another tab), opening to a list.
 */
export function Contents() {
  return (
    <nav aria-label="Contents" className="contents">
      <details>
        <summary>Contents</summary>
        <ol>
          {SECTIONS.map((section) => (
            <li key={section.id}>
              <a
                href={`#view=${section.id}`}
                onClick={(e) => {
                  e.preventDefault();
                  const details = e.currentTarget.closest("details");
                  if (details) details.open = false;
                  // The address shows the section; the state stays in the page, not re-opened.
                  const fragment = withParam(window.location.hash, "view", section.id);
                  window.history.replaceState(null, "", `#${fragment}`);
                  void goToSection(section);
                }}
              >
                {section.title}
              </a>
            </li>
          ))}
        </ol>
      </details>
    </nav>
  );
}
