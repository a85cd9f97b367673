/**
 * What the CNN benchmark's contenders share: the problem each is given, what each must offer,
 * and where each of the engine's parameters lives in TensorFlow.js's and convnetjs's layouts,
 * for the default network (one convolution). Both libraries keep activations channel-last
 * (height, width, channel), the engine channel-first.
 */
import type { CnnArchitecture, CnnTrainer, LabelledImages, TrainSettings } from "../src/engine";

/** A contender: `step` runs one mini-batch step; `params` reads its parameters in the engine's layout. */
export interface CnnContender {
  name: string;
  step: () => void;
  params: () => Float64Array;
  dispose?: () => void;
}

/** What every contender is given: the data, the batches in order, and the initial weights. */
export interface CnnProblem {
  data: LabelledImages;
  settings: TrainSettings;
  /** The image indices of each step's batch (the engine's order), cycled through. */
  batches: Int32Array[];
  /** The engine's trainer at step 0 (its params are the shared initial weights). */
  reference: CnnTrainer;
}

/** conv1 weight (k, c, a, b): engine `[K][C][3][3]`, tfjs `[3][3][C][K]`, convnetjs filter k at `(a·3 + b)·C + c`. */
export function convIndex(arch: CnnArchitecture, k: number, c: number, a: number, b: number) {
  const { filters: K, inChannels: C } = arch.conv1;
  return {
    engine: ((k * C + c) * 3 + a) * 3 + b,
    tfjs: ((a * 3 + b) * C + c) * K + k,
    convnetjs: (a * 3 + b) * C + c,
  };
}

/**
 * Dense input i of the engine (channel c, row y, column x of the pooled map) in the
 * channel-last flattening both libraries use: `(y·W + x)·C + c`.
 */
export function denseInputIndex(arch: CnnArchitecture, i: number): number {
  const { channels: C, outHeight: H, outWidth: W } = arch.pool1;
  const c = Math.floor(i / (H * W));
  const y = Math.floor((i % (H * W)) / W);
  const x = i % W;
  return (y * W + x) * C + c;
}
