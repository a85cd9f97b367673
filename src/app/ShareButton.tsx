import { useRef, useState } from "react";
import { errorText } from "../engine/index";
import { setNotice } from "../state/commit";
import { withSectionParams } from "./sections/sectionParams";
import { embedSnippet, sectionOf, viewedSection, withParam } from "./sections/sections";

/** What each kind of sharing is called and what it makes. */
const KINDS = {
  link: {
    button: "Copy link",
    field: "Link to this state",
    close: "Close the link",
    failed: "The link could not be made",
  },
  embed: {
    button: "Copy embed code",
    field: "Embed code",
    close: "Close the embed code",
    failed: "The embed code could not be made",
  },
} as const;

/** The link or the <iframe> snippet of the current state (and the section last opened). */
async function make(kind: keyof typeof KINDS): Promise<string> {
  const { shareLink } = await import("../state/loading");
  const here = `${window.location.origin}${window.location.pathname}`;
  const state = withSectionParams(await shareLink(), viewedSection());
  if (kind === "embed") {
    const id = viewedSection() ?? "figure";
    const title = `ConvSweep: ${sectionOf(id)?.title ?? "the sweep"}`;
    return embedSnippet(`${here}#${withParam(state, "embed", id)}`, title);
  }
  // The section last opened goes with the state: the link opens there.
  const fragment = withParam(state, "view", viewedSection());
  // replaceState: updating the address bar must not re-open the state (no hashchange).
  window.history.replaceState(null, "", `#${fragment}`);
  return `${here}${window.location.search}#${fragment}`;
}

/**
 * "Copy link" (the whole state in the URL fragment) or "Copy embed code" (an <iframe> showing
 * one section with this state, for a course page): copied to the clipboard when allowed, and
 * shown in a field to copy by hand.
 */
export function ShareButton({
  kind = "link",
}: {
  /** A link to open, or an <iframe> snippet to embed. */
  kind?: keyof typeof KINDS;
}) {
  const names = KINDS[kind];
  const [text, setText] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const field = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const share = async () => {
    try {
      const made = await make(kind);
      setText(made);
      try {
        await navigator.clipboard.writeText(made);
        setCopied(true);
      } catch {
        setCopied(false);
        requestAnimationFrame(() => field.current?.select());
      }
    } catch (error) {
      setNotice({ kind: "error", text: `${names.failed}: ${errorText(error)}` });
    }
  };
  const fieldProps = {
    ref: field,
    readOnly: true,
    value: text ?? "",
    "aria-label": names.field,
    onFocus: (e: { target: { select(): void } }) => e.target.select(),
  };
  return (
    <div className="share">
      <button type="button" onClick={() => void share()}>
        {names.button}
      </button>
      {text ? (
        <span className="share-result">
          {kind === "embed" ? <textarea rows={2} {...fieldProps} /> : <input {...fieldProps} />}
          <span aria-live="polite">{copied ? "Copied." : "Copy it from here."}</span>
          <button
            type="button"
            className="link"
            aria-label={names.close}
            onClick={() => setText(null)}
          >
            ✕
          </button>
        </span>
      ) : null}
    </div>
  );
}
