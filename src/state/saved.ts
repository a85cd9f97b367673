import { errorText } from "../engine/errorText";
import { commit, setNotice } from "./commit";
import { stateProblem } from "./stateRules";
import { appStore } from "./store";

/** The localStorage key of the work saved in this browser. */
export const SAVED_KEY = "convsweep-saved";
/**
 * Where saved work that could not be restored is kept (the latest such entry), so that it is
 * never lost silently: the notice offers it as a download.
 */
export const UNRESTORED_KEY = "convsweep-saved-unrestored";
/** Saves wait this long after the last change, so a drawing stroke or training saves once. */
const SAVE_DELAY_MS = 400;

/**
 * Reads the saved work: null when there is none or storage is unavailable. A corrupted entry
 * is removed and reported (never thrown): the app starts fresh.
 */
export function readSaved(): unknown {
  let text: string | null;
  try {
    text = localStorage.getItem(SAVED_KEY);
  } catch {
    return null;
  }
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    setAside(text, "Your saved work was damaged and could not be read, so the app starts fresh.");
    return null;
  }
}

/**
 * Moves saved work that cannot be restored out of the way (new work is saved again as usual)
 * and says so, offering it as a file, in a message of its own that later notices do not
 * replace. `why` leads the message.
 */
function setAside(text: string, why: string): void {
  let kept = true;
  try {
    localStorage.setItem(UNRESTORED_KEY, text);
  } catch {
    kept = false;
  }
  forgetSaved();
  commit({
    setAside: {
      text: `${why} ${kept ? "The saved work is kept in this browser" : "The saved work could not be kept in this browser"}: download it now to keep it.`,
      work: text,
    },
  });
}

export function forgetSaved(): void {
  try {
    localStorage.removeItem(SAVED_KEY);
  } catch {
    // Nothing saved can be removed where storage is blocked.
  }
}

/** Restores saved work if there is any; resolves true when it was restored. */
export async function restoreSavedWork(): Promise<boolean> {
  const doc = readSaved();
  if (doc === null) return false;
  // The state file's code is fetched only when there is saved work to restore. If it cannot be
  // fetched (the connection dropped during the page's load), the work is set aside, never
  // overwritten by the fresh start's.
  let restoreSaved: typeof import("./loading")["restoreSaved"];
  try {
    ({ restoreSaved } = await import("./loading"));
  } catch (error) {
    setAside(
      JSON.stringify(doc),
      `Your saved work could not be opened: the code that opens it could not be loaded (${errorText(error)}), so the app starts fresh.`,
    );
    return false;
  }
  const ok = await restoreSaved(doc);
  if (!ok) {
    // restoreSaved said why in a notice: the set-aside work's message says it instead.
    const why = appStore.getState().notice?.text ?? "";
    setNotice(null);
    setAside(JSON.stringify(doc), why);
  }
  return ok;
}

let warned = false;
let codeWarned = false;

/** Saves the current state; one that breaks the state rules never replaces the last saved. */
async function save(): Promise<void> {
  const state = appStore.getState();
  if (stateProblem(state) !== null) return;
  let code: [typeof import("./link"), typeof import("./loading")];
  try {
    code = await Promise.all([import("./link"), import("./loading")]);
  } catch (error) {
    // Its code could not be fetched (the connection dropped): say so once; the next change
    // tries again.
    if (!codeWarned) {
      codeWarned = true;
      setNotice({
        kind: "error",
        text: `Your work is not being saved: the code that saves it could not be loaded (${errorText(error)}). Each change tries again, so it is saved once the connection is back.`,
      });
    }
    return;
  }
  codeWarned = false;
  const [{ linkDocument }, { currentLinkedState }] = code;
  try {
    localStorage.setItem(SAVED_KEY, JSON.stringify(linkDocument(currentLinkedState())));
  } catch {
    // Over quota or blocked: say so once; the work itself is untouched.
    if (!warned) {
      warned = true;
      setNotice({
        kind: "error",
        text: "This browser would not store your work (storage is full or blocked): it will not be restored after a reload. Export it to keep it.",
      });
    }
  }
}

/** Saves the work whenever it changes (debounced). Returns the unsubscribe. */
export function keepSaving(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = appStore.subscribe((s, prev) => {
    if (
      s.image === prev.image &&
      s.kernel === prev.kernel &&
      s.bias === prev.bias &&
      s.target === prev.target &&
      s.options === prev.options &&
      s.reduction === prev.reduction &&
      s.learningRate === prev.learningRate &&
      s.position === prev.position &&
      s.updates === prev.updates
    ) {
      return;
    }
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => void save(), SAVE_DELAY_MS);
  });
  return () => {
    if (timer !== null) clearTimeout(timer);
    unsubscribe();
  };
}
