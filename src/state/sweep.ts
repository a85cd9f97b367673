import { emptySums, errorText, type Grid, sumsAt } from "../engine/index";
import { SupersededError } from "../worker/client";
import {
  commit,
  current,
  dropUnswept,
  get,
  holdUnswept,
  landUnswept,
  pendingFields,
} from "./commit";
import { engineLane } from "./engineClient";
import { appendLoss, EXPLODING_FACTOR, isExploding } from "./lossHistory";
import { type AppState, copySums, type LossPoint, type Notice } from "./store";
import { endTraining } from "./trainingRun";

/**
 * The sweep of the current parameters and the cursor in it: asking the worker for a sweep,
 * judging the loss it brings, and moving the cursor. Changes go through `commit` (commit.ts).
 */

/**
 * Asks the worker for the sweep of the current image, kernel, bias and target (or painted δ),
 * and shows it
 * at `position` once it arrives. A newer request supersedes this one, so an old result never
 * reaches the screen. With `change` (a stroke's), the change is applied with the sweep of it.
 */
export async function requestSweep(
  position = 0,
  change: Partial<AppState> | null = null,
): Promise<void> {
  if (change === null) {
    commit((now) => pendingFields(now));
  } else {
    holdUnswept(change);
  }
  const s = current();
  const updates = s.updates;
  try {
    const sweep = await engineLane("sweep").sweep({
      image: s.image,
      kernel: s.kernel,
      bias: s.bias,
      target: s.target,
      options: s.options,
      reduction: s.reduction,
      ...(s.paintedDelta === null ? {} : { outputGrad: s.paintedDelta }),
    });
    const landing = dropUnswept() ?? {};
    const at = Math.min(position, sweep.outHeight * sweep.outWidth);
    commit((now) => {
      // With a painted δ the sweep's loss is Σ δ·out, not the squared error the curve follows.
      if (s.paintedDelta !== null) {
        const sums = sumsAt(sweep, emptySums(sweep), at);
        return { ...landing, sweep, sweepPending: false, position: at, sums, engineError: null };
      }
      const curve = appendLoss({ ...now, ...landing }, [{ update: updates, loss: sweep.loss }]);
      return {
        ...landing,
        sweep,
        sweepPending: false,
        position: at,
        sums: sumsAt(sweep, emptySums(sweep), at),
        engineError: null,
        ...curve,
        ...judgeLoss(now, curve.lossHistory, { kernel: s.kernel, bias: s.bias, updates }),
      };
    });
  } catch (error) {
    if (error instanceof SupersededError) return;
    landUnswept();
    commit({ sweepPending: false, engineError: errorText(error) });
  }
}

/**
 * What a new loss says about the filter it was measured for: a filter no worse than where
 * the curve started becomes the last good one; after updates by hand (not training, which
 * judges its own run) a loss EXPLODING_FACTOR times the start's says the learning rate is
 * too large, and offers the last good filter back.
 */
function judgeLoss(
  now: AppState,
  curve: LossPoint[],
  params: { kernel: Grid; bias: number; updates: number },
): Partial<AppState> {
  const first = curve[0];
  const latest = curve[curve.length - 1];
  if (first === undefined || latest === undefined || latest.update !== params.updates) return {};
  if (latest.loss <= first.loss) return { goodParams: params };
  if (now.training || latest.update === first.update || !isExploding(latest.loss, first.loss)) {
    return {};
  }
  return {
    notice: {
      kind: "error",
      text: `The loss has grown over ${EXPLODING_FACTOR.toExponential(0)} times in ${latest.update - first.update} updates: the learning rate (η = ${now.learningRate}) is too large. Lower it.`,
      ...backTo(now.goodParams),
    },
  };
}

/** The number of positions in the current sweep (0 before the first arrives). */
export function totalPositions(state: AppState = get()): number {
  return state.sweep === null ? 0 : state.sweep.outHeight * state.sweep.outWidth;
}

/** Moves the cursor to `position` (kept within 0 … total); the sums follow exactly. */
export function setPosition(position: number): void {
  const { sweep, sums, position: current } = get();
  if (sweep === null || sums === null) return;
  const next = Math.max(0, Math.min(totalPositions(), Math.round(position)));
  if (next === current) return;
  commit({ position: next, sums: sumsAt(sweep, copySums(sums), next) });
}

/** Accumulates the next position's contribution. */
export function step(): void {
  setPosition(get().position + 1);
}

/** Undoes the last accumulated position. */
export function stepBack(): void {
  setPosition(get().position - 1);
}

/** Accumulates every remaining position. */
export function finishSweep(): void {
  commit({ playing: false });
  setPosition(totalPositions());
}

/** The "back to the last good filter" remedy, when there is a good filter to go back to. */
export function backTo(good: AppState["goodParams"]): Pick<Notice, "action"> {
  if (good === null) return {};
  return { action: { label: "Back to the last good filter", run: () => restoreParams(good) } };
}

/** Puts back earlier parameters (after a blow-up), trimming the loss curve to match. */
export function restoreParams(good: { kernel: Grid; bias: number; updates: number }): void {
  endTraining();
  commit((now) => ({
    training: false,
    kernel: good.kernel,
    bias: good.bias,
    updates: good.updates,
    lossHistory: now.lossHistory.filter((p) => p.update <= good.updates),
    notice: { kind: "info", text: `Back to the filter after ${good.updates} updates.` },
  }));
  void requestSweep();
}
