/**
 * Where each of the engine's parameters lives in TensorFlow.js's and convnetjs's layouts,
 * for the default network (one convolution). Both libraries keep activations channel-last
 * (height, width, channel), the engine channel-first.
 */
import type { CnnArchitecture } from "../src/engine";

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
