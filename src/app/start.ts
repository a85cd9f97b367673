import { linkValue } from "../state/link";
import { openLink } from "../state/loading";
import { keepSaving, restoreSavedWork } from "../state/saved";
import { requestSweep } from "../state/sweep";

/** Opens the state in the URL fragment when there is one, else saved work, else the default. */
export async function openFromLocation(): Promise<void> {
  const value = linkValue(window.location.hash);
  if (value !== null && (await openLink(value))) return;
  if (value === null && (await restoreSavedWork())) return;
  await requestSweep();
}

/**
 * Starts the app: its first state and sweep, saving the work as it changes, and following
 * links pasted into this tab (a hash change only).
 */
export function startApp(): () => void {
  let stopSaving: (() => void) | null = null;
  let stopped = false;
  void openFromLocation().then(() => {
    if (!stopped) stopSaving = keepSaving();
  });
  const onHash = () => {
    if (linkValue(window.location.hash) !== null) void openFromLocation();
  };
  window.addEventListener("hashchange", onHash);
  return () => {
    stopped = true;
    stopSaving?.();
    window.removeEventListener("hashchange", onHash);
  };
}
