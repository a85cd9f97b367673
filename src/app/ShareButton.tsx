import { useRef, useState } from "react";
import { errorText } from "../engine/index";
import { setNotice } from "../state/sweep";
import { viewedSection, withParam } from "./sections/sections";

/** "Copy link": the whole state in the URL fragment, copied to the clipboard when allowed. */
export function ShareButton() {
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const share = async () => {
    try {
      // The section in view goes with the state: the link opens there.
      const { shareLink } = await import("../state/loading");
      const fragment = withParam(await shareLink(), "view", viewedSection());
      const url = `${window.location.origin}${window.location.pathname}${window.location.search}#${fragment}`;
      // replaceState: updating the address bar must not re-open the state (no hashchange).
      window.history.replaceState(null, "", `#${fragment}`);
      setLink(url);
      try {
        await navigator.clipboard.writeText(url);
        setCopied(true);
      } catch {
        setCopied(false);
        requestAnimationFrame(() => field.current?.select());
      }
    } catch (error) {
      setNotice({
        kind: "error",
        text: `The link could not be made: ${errorText(error)}`,
      });
    }
  };
  return (
    <div className="share">
      <button type="button" onClick={() => void share()}>
        Copy link
      </button>
      {link ? (
        <span className="share-result">
          <input
            ref={field}
            readOnly
            value={link}
            aria-label="Link to this state"
            onFocus={(e) => e.target.select()}
          />
          <span aria-live="polite">{copied ? "Copied." : "Copy it from here."}</span>
          <button
            type="button"
            className="link"
            aria-label="Close the link"
            onClick={() => setLink(null)}
          >
            ✕
          </button>
        </span>
      ) : null}
    </div>
  );
}
