import { useEffect } from "react";
import { useApp } from "../state/useApp";
import { releaseDeferred } from "../viz/deferred";
import { handleShortcut } from "./shortcuts";
import { startApp } from "./start";

/**
 * Starts the app once (state, first sweep, saving unless `save` is false) and listens for the
 * page's keys: the shortcuts, and "?" for their list (`onHelp`, when there is one).
 */
export function useAppStart(options: { save?: boolean; onHelp?: () => void }): void {
  const { save = true, onHelp } = options;
  // The deferred chunks (src/viz/deferred.ts) load a frame after the first sweep is shown, or
  // after an engine error, so the first interaction never waits for them.
  const shown = useApp((s) => s.sweep !== null || s.engineError !== null);
  useEffect(() => {
    if (!shown) return;
    const frame = requestAnimationFrame(releaseDeferred);
    return () => cancelAnimationFrame(frame);
  }, [shown]);
  useEffect(() => {
    const stop = startApp({ save });
    const onKey = (e: KeyboardEvent) => {
      if (
        onHelp &&
        e.key === "?" &&
        !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement)
      ) {
        e.preventDefault();
        onHelp();
        return;
      }
      handleShortcut(e);
    };
    window.addEventListener("keydown", onKey);
    return () => {
      stop();
      window.removeEventListener("keydown", onKey);
    };
  }, [save, onHelp]);
}
