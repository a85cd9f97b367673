/** The labels of the header's tools, in their order (HeaderTools.tsx). */
const LABELS = [
  "Contents ▾",
  "Practice",
  "Paint δ",
  "Theme: system",
  "Figure SVG",
  "Figure PNG",
  "Copy link",
  "Copy embed code",
  "Show as code",
  "Export",
  "Import",
];

/**
 * Holds the header tools' place while their chunk loads: the same buttons, invisible and out
 * of the accessibility tree, so the controls below do not move when the real ones arrive.
 * Like every placeholder of a chunk still loading, they carry `data-pending`.
 */
export function HeaderToolsSpace() {
  return (
    <>
      {LABELS.map((label) => (
        <button
          key={label}
          type="button"
          disabled
          tabIndex={-1}
          aria-hidden="true"
          data-pending
          style={{ visibility: "hidden" }}
        >
          {label}
        </button>
      ))}
    </>
  );
}
