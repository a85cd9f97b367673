import { useRef, useState } from "react";
import { errorText } from "../../engine/index";
import { setNotice } from "../../state/sweep";
import { sectionOf, viewedSection, withParam } from "./sections";

/** The <iframe> snippet that embeds a section of ConvSweep, with this state, in a course page. */
export function embedSnippet(url: string, title: string): string {
  const attribute = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<iframe src="${attribute(url)}" title="${attribute(title)}" width="100%" height="640" style="border: 0" loading="lazy"></iframe>`;
}

/**
 * "Copy embed code": an <iframe> snippet showing the section in view (the main figure at the
 * top of the page) with the current state and little chrome, copied to the clipboard or
 * shown to copy by hand.
 */
export function EmbedButton() {
  const [snippet, setSnippet] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const make = async () => {
    try {
      const id = viewedSection() ?? "figure";
      const section = sectionOf(id);
      const { shareLink } = await import("../../state/loading");
      const fragment = withParam(await shareLink(), "embed", id);
      const url = `${window.location.origin}${window.location.pathname}#${fragment}`;
      const text = embedSnippet(url, `ConvSweep: ${section?.title ?? "the sweep"}`);
      setSnippet(text);
      try {
        await navigator.clipboard.writeText(text);
        setCopied(true);
      } catch {
        setCopied(false);
        requestAnimationFrame(() => field.current?.select());
      }
    } catch (error) {
      setNotice({ kind: "error", text: `The embed code could not be made: ${errorText(error)}` });
    }
  };
  return (
    <div className="share">
      <button type="button" onClick={() => void make()}>
        Copy embed code
      </button>
      {snippet ? (
        <span className="share-result">
          <textarea
            ref={field}
            readOnly
            value={snippet}
            rows={2}
            aria-label="Embed code"
            onFocus={(e) => e.target.select()}
          />
          <span aria-live="polite">{copied ? "Copied." : "Copy it from here."}</span>
          <button
            type="button"
            className="link"
            aria-label="Close the embed code"
            onClick={() => setSnippet(null)}
          >
            ✕
          </button>
        </span>
      ) : null}
    </div>
  );
}
