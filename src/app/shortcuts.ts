import { togglePlay } from "../state/playback";
import { finishSweep, setPosition, step, stepBack } from "../state/sweep";
import { applyUpdate } from "../state/update";

/** Elements that use these keys themselves; shortcuts stay out of their way. */
function ownsKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ["INPUT", "SELECT", "TEXTAREA", "BUTTON", "A", "CANVAS", "SUMMARY"].includes(
    target.tagName,
  );
}

/** Page-wide keys: arrows step, Space plays/pauses, Home/End jump, Enter applies the update. */
export function handleShortcut(e: KeyboardEvent): void {
  if (e.altKey || e.ctrlKey || e.metaKey || ownsKeys(e.target)) return;
  const action = keyAction(e.key);
  if (action) {
    e.preventDefault();
    action();
  }
}

function keyAction(key: string): (() => void) | null {
  switch (key) {
    case "ArrowRight":
      return step;
    case "ArrowLeft":
      return stepBack;
    case " ":
      return togglePlay;
    case "Home":
      return () => setPosition(0);
    case "End":
      return finishSweep;
    case "Enter":
      return applyUpdate;
    default:
      return null;
  }
}
