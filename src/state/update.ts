import { type Grid, sgdUpdate } from "../engine/index";
import { commit, get } from "./commit";
import { randomFilter } from "./filters";
import { MAX_UPDATES, MAX_WEIGHT } from "./stateRules";
import { backTo, requestSweep } from "./sweep";
import { endTraining } from "./trainingRun";

/** The one update of the one filter, and going back to where it started. */

/** kernel ← kernel − learningRate · sums, the same for the bias; then a new sweep at position 0. */
export function applyUpdate(): void {
  const { sums, sweepPending } = get();
  if (sums === null || sweepPending) return;
  applyGradient(sums.kernelGrad, sums.biasGrad);
}

/** The message for an update counter that has reached its limit. */
export const COUNTER_FULL = `The update counter has reached its limit (${MAX_UPDATES.toLocaleString("en-US")}): press Reset to start counting from 0 again.`;

/**
 * One SGD update of the one kernel and bias with a given gradient; then a new sweep at 0.
 * An update that would carry a weight past ±MAX_WEIGHT (a learning rate far too large) is not
 * made: the message says so and offers the last good filter.
 */
export function applyGradient(kernelGrad: Grid, biasGrad: number): void {
  const { kernel, bias, learningRate, updates } = get();
  if (updates >= MAX_UPDATES) {
    commit({ playing: false, notice: { kind: "error", text: COUNTER_FULL } });
    return;
  }
  const params = sgdUpdate({ kernel, bias }, kernelGrad, biasGrad, learningRate);
  if (!withinLimit(params.kernel, params.bias)) {
    commit({
      playing: false,
      notice: {
        kind: "error",
        text: `This update was not applied: η·Σ would move the filter past ±${MAX_WEIGHT.toLocaleString("en-US")}, where its numbers stop being meaningful. The learning rate (η = ${learningRate}) is far too large: lower it.`,
        ...backTo(get().goodParams),
      },
    });
    return;
  }
  endTraining();
  commit({
    kernel: params.kernel,
    bias: params.bias,
    updates: updates + 1,
    playing: false,
    training: false,
  });
  void requestSweep();
}

/** True when every weight and the bias are finite and within ±MAX_WEIGHT. */
export function withinLimit(kernel: Grid, bias: number): boolean {
  if (!(Math.abs(bias) <= MAX_WEIGHT)) return false;
  return kernel.data.every((w) => Math.abs(w) <= MAX_WEIGHT);
}

/** Back to the initial kernel and bias, no updates, position 0; the image stays. */
export function reset(): void {
  endTraining();
  const { initialKernel, initialBias } = get();
  commit({
    kernel: initialKernel,
    bias: initialBias,
    updates: 0,
    lossHistory: [],
    lossStride: 1,
    goodParams: null,
    playing: false,
    training: false,
    notice: null,
  });
  void requestSweep();
}

/** Draws a new random initial filter (next seed) and resets to it. */
export function reinitialise(): void {
  const seed = get().initSeed + 1;
  const kernel = randomFilter(seed);
  commit({ initSeed: seed, initialKernel: kernel, initialBias: 0 });
  reset();
}
