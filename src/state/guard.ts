import type { StoreApi } from "zustand/vanilla";
import { type StateField, type StateFields, stateProblem } from "./stateRules";

/** The store's fields that the state rules speak of. */
const RULED: readonly StateField[] = [
  "image",
  "kernel",
  "bias",
  "target",
  "targetKernel",
  "paintedDelta",
  "options",
  "reduction",
  "learningRate",
  "updates",
  "position",
  "sums",
];

/** What the guard tells about a change it refused. */
export type Refusal = (problem: string) => void;

/**
 * Makes every change to the store pass the state rules (stateRules.ts) before it lands: a
 * change that would leave a state the app's own Import refuses is not made, and `refused`
 * is told why. The one place the rule is held, whichever action or module calls setState;
 * actions check what a person asks for first and explain it better, so this is the net under
 * them. Only the fields a change touches are scanned again, so a played frame costs little.
 */
export function guardStore<S extends StateFields>(store: StoreApi<S>, refused: Refusal): void {
  const setState = store.setState;
  const guarded = (
    partial: S | Partial<S> | ((state: S) => S | Partial<S>),
    replace?: boolean,
  ): void => {
    const prev = store.getState();
    const patch = typeof partial === "function" ? partial(prev) : partial;
    const next = (replace === true ? patch : { ...prev, ...patch }) as S;
    const changed = new Set(RULED.filter((field) => next[field] !== prev[field]));
    if (changed.size > 0) {
      const problem = stateProblem(next, changed);
      if (problem !== null) {
        refused(problem);
        return;
      }
    }
    if (replace === true) setState(next, true);
    else setState(patch);
  };
  store.setState = guarded as StoreApi<S>["setState"];
}
