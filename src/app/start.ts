import { errorText } from "../engine/errorText";
import { setNotice } from "../state/commit";
import { keepSaving, restoreSavedWork } from "../state/saved";
import { requestSweep } from "../state/sweep";
import { fragmentParam, goToSection, sectionOf } from "./sections/sections";

/**
 * Opens the state in the URL fragment when there is one, else saved work (unless `saved` is
 * false: an embedded copy, which also opens its link without a notice), else the default;
 * then goes to the section the fragment names (`view=…`).
 */
export async function openFromLocation(saved = true): Promise<void> {
  const hash = window.location.hash;
  const value = fragmentParam(hash, "state");
  // The state file's and links' code is fetched only when there is a link to open.
  let opened = false;
  if (value !== null) {
    try {
      opened = await (await import("../state/loading")).openLink(value, saved);
    } catch (error) {
      setNotice({
        kind: "error",
        text: `The link's state could not be opened: the code that opens it could not be loaded (${errorText(error)}). The app starts fresh; reload the page to open the link again.`,
      });
    }
  } else if (saved) opened = await restoreSavedWork();
  if (!opened) await requestSweep();
  const section = sectionOf(fragmentParam(hash, "view"));
  if (section !== null) void goToSection(section);
}

/**
 * Starts the app: its first state and sweep, saving the work as it changes (not when
 * `save` is false: an embedded copy must not overwrite the person's own saved work), and
 * following links pasted into this tab (a hash change only).
 */
export function startApp(options: { save?: boolean } = {}): () => void {
  const save = options.save ?? true;
  let stopSaving: (() => void) | null = null;
  let stopped = false;
  void openFromLocation(save).then(() => {
    if (!stopped && save) stopSaving = keepSaving();
  });
  const onHash = () => {
    const hash = window.location.hash;
    if (fragmentParam(hash, "state") !== null) {
      void openFromLocation(save);
      return;
    }
    const section = sectionOf(fragmentParam(hash, "view"));
    if (section !== null) void goToSection(section);
  };
  window.addEventListener("hashchange", onHash);
  return () => {
    stopped = true;
    stopSaving?.();
    window.removeEventListener("hashchange", onHash);
  };
}
