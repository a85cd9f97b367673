import { useEffect } from "react";
import { handleShortcut } from "./shortcuts";
import { startApp } from "./start";

/**
 * Starts the app once (state, first sweep, saving unless `save` is false) and listens for the
 * page's keys: the shortcuts, and "?" for their list (`onHelp`, when there is one).
 */
export function useAppStart(options: { save?: boolean; onHelp?: () => void }): void {
  const { save = true, onHelp } = options;
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
