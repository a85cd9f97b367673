import { engineLane } from "./engineClient";

/**
 * The training run whose reports may still reach the store; null when none is. Whatever
 * replaces the parameters or the problem (Reset, Import, a link, a stroke, an option, an
 * update) ends the run first, so a late report or frame never lands on the newer state.
 */
let live: object | null = null;

/** Makes a new run the live one and returns its token. */
export function beginTraining(): object {
  const run = {};
  live = run;
  return run;
}

/** True while `run` is the live run: only then may its reports change the store. */
export function isLive(run: object): boolean {
  return live === run;
}

/** The run has ended by itself (finished, stopped or failed): it is no longer live. */
export function trainingEnded(run: object): void {
  if (live === run) live = null;
}

/** Ends the live training run, if any: its worker run is cancelled and its reports dropped. */
export function endTraining(): void {
  if (live === null) return;
  live = null;
  engineLane("train").cancel();
}
