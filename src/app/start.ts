import { openLink, requestSweep } from "../state/actions";
import { linkValue } from "../state/link";

/** Opens the state in the URL fragment when there is one, else the default state's sweep. */
export async function openFromLocation(): Promise<void> {
  const value = linkValue(window.location.hash);
  if (value === null || !(await openLink(value))) await requestSweep();
}

/** Starts the app's first sweep and follows links pasted into this tab (a hash change only). */
export function startApp(): () => void {
  void openFromLocation();
  const onHash = () => {
    if (linkValue(window.location.hash) !== null) void openFromLocation();
  };
  window.addEventListener("hashchange", onHash);
  return () => window.removeEventListener("hashchange", onHash);
}
