import { setNotice } from "../state/commit";
import { useApp } from "../state/useApp";

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
