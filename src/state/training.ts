import { errorText, type Grid } from "../engine/index";
import { SupersededError, type TrainOutcome, type TrainProgress } from "../worker/client";
import { commit, get, landUnswept } from "./commit";
import { engineLane } from "./engineClient";
import { appendLoss, EXPLODING_FACTOR, isExploding } from "./lossHistory";
import { MAX_UPDATES } from "./stateRules";
import type { LossPoint } from "./store";
import { backTo, requestSweep } from "./sweep";
import { beginTraining, isLive, trainingEnded } from "./trainingRun";
import { COUNTER_FULL, withinLimit } from "./update";

/** Training many steps in the worker, following the curve and the filter as it learns. */

export function setTrainSteps(trainSteps: number): void {
  commit({ trainSteps });
}

/** While training, the curve and the filter are redrawn at most this many times a second. */
export const TRAINING_REDRAW_HZ = 20;

/** While training, the sweep of the changing filter is redone at most this often. */
export const TRAINING_SWEEP_INTERVAL_MS = 200;

/** Parameters after some steps of a run. */
interface Reached {
  kernel: Grid;
  bias: number;
  updates: number;
}

/**
 * What one run has reported and not yet shown. Reports can come far faster than the screen
 * refreshes: what they bring (losses, the filter, a sweep of it) is applied in an animation
 * frame, at most TRAINING_REDRAW_HZ times a second, and only while the run is the live one.
 */
class ReportedSteps {
  readonly #run: object;
  readonly #start: number;
  #losses: LossPoint[] = [];
  #params: Reached | null = null;
  #frame: number | null = null;
  #lastApplied = Number.NEGATIVE_INFINITY;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(run: object, start: number) {
    this.#run = run;
    this.#start = start;
  }

  /** Losses of the steps from `from` on (step counts within the run). */
  addLosses(from: number, losses: Float64Array): void {
    losses.forEach((loss, i) => {
      this.#losses.push({ update: this.#start + from + i, loss });
    });
  }

  /** The parameters after `step` steps, to show in the next frame. */
  setParams(kernel: Grid, bias: number, step: number): void {
    this.#params = { kernel, bias, updates: this.#start + step };
    if (typeof requestAnimationFrame !== "function") this.apply();
    else this.#frame ??= requestAnimationFrame(this.#whenDue);
  }

  #whenDue = (now: number): void => {
    if (now - this.#lastApplied < 1000 / TRAINING_REDRAW_HZ) {
      this.#frame = requestAnimationFrame(this.#whenDue);
      return;
    }
    this.#lastApplied = now;
    this.apply();
  };

  /** Shows what is pending now (also when the run ends). */
  apply(): void {
    if (this.#frame !== null && typeof cancelAnimationFrame === "function") {
      cancelAnimationFrame(this.#frame);
    }
    this.#frame = null;
    if (!isLive(this.#run)) return;
    const losses = this.#losses;
    const params = this.#params;
    this.#losses = [];
    this.#params = null;
    if (losses.length > 0) commit((now) => appendLoss(now, losses));
    if (params === null) return;
    commit(params);
    // A sweep redraws every panel: a few a second show the filter learning; the last one
    // comes when training ends.
    const now = Date.now();
    if (now - this.#lastSweep >= TRAINING_SWEEP_INTERVAL_MS) {
      this.#lastSweep = now;
      void requestSweep();
    }
  }
}

/**
 * Trains `requested` SGD steps in the worker (cut so the update counter stays within
 * MAX_UPDATES). A run stops itself when the loss grows EXPLODING_FACTOR times or a weight
 * leaves ±MAX_WEIGHT, keeping the last report within the limits and offering the last good
 * filter. Whatever replaces the state meanwhile ends the run (trainingRun.ts).
 */
export async function train(requested = get().trainSteps): Promise<void> {
  landUnswept();
  const s = get();
  if (s.training) return;
  if (s.paintedDelta !== null) {
    const text = "Training follows the target's loss: leave Paint δ to train.";
    commit({ notice: { kind: "error", text } });
    return;
  }
  const steps = Math.min(requested, MAX_UPDATES - s.updates);
  if (steps <= 0) {
    commit({ notice: { kind: "error", text: COUNTER_FULL } });
    return;
  }
  const run = beginTraining();
  const start = s.updates;
  const reported = new ReportedSteps(run, start);
  // The last parameters no worse than where training started: what "back" restores.
  let good: Reached = { kernel: s.kernel, bias: s.bias, updates: start };
  let first: number | null = null;
  let exploded = false;
  let stepsReported = 0;
  const explodingIn = (losses: Float64Array) =>
    first !== null && losses.some((loss) => isExploding(loss, first as number));
  const onProgress = (progress: TrainProgress) => {
    if (exploded || !isLive(run)) return;
    first ??= progress.losses[0] ?? null;
    reported.addLosses(progress.step - progress.losses.length, progress.losses);
    stepsReported = progress.step;
    const outOfLimit = !withinLimit(progress.kernel, progress.bias);
    if (explodingIn(progress.losses) || outOfLimit) {
      exploded = true;
      engineLane("train").stop();
    } else if (first !== null && progress.loss <= first) {
      good = { kernel: progress.kernel, bias: progress.bias, updates: start + progress.step };
    }
    if (!outOfLimit) reported.setParams(progress.kernel, progress.bias, progress.step);
  };
  commit({ training: true, playing: false, notice: null });
  let outcome: TrainOutcome;
  try {
    outcome = await engineLane("train").trainShared(
      {
        image: s.image,
        target: s.target,
        options: s.options,
        reduction: s.reduction,
        kernel: s.kernel,
        bias: s.bias,
        learningRate: s.learningRate,
        steps,
        reportEvery: Math.max(1, Math.floor(steps / 100)),
      },
      onProgress,
    );
  } catch (error) {
    if (!isLive(run)) return;
    reported.apply();
    trainingEnded(run);
    commit(
      error instanceof SupersededError
        ? { training: false }
        : {
            training: false,
            notice: { kind: "error", text: `Training failed: ${errorText(error)}` },
          },
    );
    return;
  }
  if (!isLive(run)) return;
  // Past ±MAX_WEIGHT after the last report: the run blew up, and its last report is kept.
  exploded ||= !withinLimit(outcome.kernel, outcome.bias);
  if (!exploded) {
    first ??= outcome.losses[0] ?? null;
    reported.addLosses(stepsReported, outcome.losses);
  }
  reported.apply();
  trainingEnded(run);
  const blewUp = outcome.diverged || exploded || explodingIn(outcome.losses);
  const done = exploded ? get().updates - start : outcome.steps;
  const cause = outcome.diverged
    ? "or the weights stopped being finite"
    : `grew over ${EXPLODING_FACTOR.toExponential(0)} times`;
  commit({
    kernel: exploded ? get().kernel : outcome.kernel,
    bias: exploded ? get().bias : outcome.bias,
    updates: start + done,
    training: false,
    notice: blewUp
      ? {
          kind: "error",
          text: `Training blew up after ${done} steps: the loss ${cause}, so it was stopped. Lower the learning rate (η = ${get().learningRate}).`,
          ...backTo(good),
        }
      : null,
  });
  void requestSweep();
}

/** Stops training at the next chunk, keeping the filter it has reached. */
export function stopTraining(): void {
  engineLane("train").stop();
}
