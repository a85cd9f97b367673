/**
 * Beside the store: the one setter every action uses (`commit`), the state (`get`), and a
 * stroke's change waiting for its sweep (it lands together with the sweep, in one update).
 */
import { emptySums } from "../engine/index";
import { type AppState, appStore, initialState } from "./store";
import { endTraining } from "./trainingRun";

export const get = appStore.getState;

/** A change of the store: an object of fields, or a function of the state giving one. */
export type Change = Partial<AppState> | ((state: AppState) => Partial<AppState>);

/**
 * Every change the actions make goes through here (the store's guard then checks it, see
 * guard.ts). A stroke's change still waiting for its sweep (see `unswept`) lands first, so
 * that what comes after it is applied after it; `strokeStays` leaves it waiting, for a change
 * that does not touch what a stroke changes (the drag flag, the playing flag).
 */
export function commit(change: Change, options: { strokeStays?: boolean } = {}): void {
  if (options.strokeStays !== true) landUnswept();
  appStore.setState(change);
}

/** Puts the app back to its first state (tests; the page never calls it). */
export function resetApp(): void {
  endTraining();
  dropUnswept();
  appStore.setState(initialState(), true);
}

/** Shows a message to the person; null clears it. */
export function setNotice(notice: AppState["notice"]): void {
  commit({ notice });
}

/**
 * What a stroke has changed (the image, its target, a fresh loss curve) that the store does
 * not hold yet. It lands together with its sweep, in one update: the input, the maps and the
 * sums repaint in the same frame and never disagree. Should the sweep take longer than
 * STROKE_WAIT_MS (a worker being replaced), it lands alone and the panels show "pending", as
 * for any other change.
 */
let unswept: Partial<AppState> | null = null;
let unsweptTimer: ReturnType<typeof setTimeout> | null = null;

/** How long a stroke's change waits for its sweep before it is shown without it. */
export const STROKE_WAIT_MS = 40;

/** The store's state as a stroke has left it, the change not yet shown included. */
export function current(): AppState {
  return unswept === null ? get() : { ...get(), ...unswept };
}

/** The store's "a sweep is on its way" fields: position 0 and empty sums. */
export function pendingFields(state: AppState): Partial<AppState> {
  return {
    sweepPending: true,
    position: 0,
    sums: state.sweep === null ? null : emptySums(state.sweep),
  };
}

/** Forgets a stroke's change that is waiting for its sweep; returns it (null if none). */
export function dropUnswept(): Partial<AppState> | null {
  if (unsweptTimer !== null) clearTimeout(unsweptTimer);
  unsweptTimer = null;
  const change = unswept;
  unswept = null;
  return change;
}

/** Puts a stroke's change that is still waiting for its sweep into the store, now. */
export function landUnswept(): void {
  const change = dropUnswept();
  if (change !== null) appStore.setState((now) => ({ ...change, ...pendingFields(now) }));
}

/** Keeps a stroke's change waiting for its sweep (shown alone after STROKE_WAIT_MS). */
export function holdUnswept(change: Partial<AppState>): void {
  unswept = { ...unswept, ...change };
  unsweptTimer ??= setTimeout(landUnswept, STROKE_WAIT_MS);
}
