import { commit, setNotice } from "../state/commit";
import { useApp } from "../state/useApp";
import { downloadBlob } from "../viz/download";

/** The latest message: errors are alerts, other news is announced politely. */
export function NoticeBar() {
  const notice = useApp((s) => s.notice);
  const engineError = useApp((s) => s.engineError);
  return (
    <div className="notices">
      {engineError ? (
        <p className="notice error" role="alert">
          The engine stopped working: {engineError} Reload the page to try again; export your state
          first.
        </p>
      ) : null}
      <div aria-live="polite">
        {notice ? (
          <p
            className={`notice ${notice.kind}`}
            role={notice.kind === "error" ? "alert" : undefined}
          >
            {notice.text}{" "}
            {notice.action ? (
              <button type="button" className="primary" onClick={notice.action.run}>
                {notice.action.label}
              </button>
            ) : null}{" "}
            <button
              type="button"
              className="link"
              onClick={() => setNotice(null)}
              aria-label="Dismiss message"
            >
              ✕
            </button>
          </p>
        ) : null}
      </div>
    </div>
  );
}

/**
 * Saved work that could not be restored and was set aside: its message and download stay until
 * dismissed, whatever notices come after. It sits in the page's flow under the control bar, not
 * in it, so that it does not cover the page while it scrolls.
 */
export function SetAsideNotice() {
  const setAside = useApp((s) => s.setAside);
  if (setAside === null) return null;
  return (
    <div className="notices set-aside">
      <p className="notice error" role="alert">
        {setAside.text}{" "}
        <button
          type="button"
          className="primary"
          onClick={() =>
            downloadBlob(
              new Blob([setAside.work], { type: "application/json" }),
              "convsweep-saved-work.json",
            )
          }
        >
          Download the saved work
        </button>{" "}
        <button
          type="button"
          className="link"
          onClick={() => commit({ setAside: null })}
          aria-label="Dismiss the saved work's message"
        >
          ✕
        </button>
      </p>
    </div>
  );
}
