/**
 * Seeded randomness for the engine tests: every random case is reproducible from its seed.
 */
import { createGrid, type Grid, outputShape } from "../../../src/engine";

/** mulberry32, the app's own seeded PRNG: uniform numbers in [0, 1). */
export { seededRandom as mulberry32 } from "../../../src/engine/index";

export type Rand = () => number;

/** A uniform integer in [min, max] (both inclusive). */
export function randomInt(rand: Rand, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

/** A grid of uniform values in [min, max). */
export function randomGrid(rand: Rand, height: number, width: number, min = -1, max = 1): Grid {
  const grid = createGrid(height, width);
  for (let i = 0; i < grid.data.length; i++) grid.data[i] = min + (max - min) * rand();
  return grid;
}

export interface Options {
  stride: number;
  padding: number;
  dilation: number;
}

/** One convolution problem: an input, a kernel, a bias, options and a target of the output shape. */
export interface ConvCase {
  input: Grid;
  kernel: Grid;
  bias: number;
  target: Grid;
  options: Options;
}

export interface CaseLimits {
  /** Largest input side (default 20). */
  maxInput?: number;
  /** Largest kernel side (default 7). */
  maxKernel?: number;
  /** Largest stride (default 4). */
  maxStride?: number;
  /** Largest padding (default 3). */
  maxPadding?: number;
  /** Largest dilation (default 3). */
  maxDilation?: number;
  /** Never combine stride > 1 with dilation > 1 (TensorFlow.js rejects it). */
  strideOrDilation?: boolean;
}

/** A random valid problem within the limits; input values in [0, 1), the rest in [-1, 1). */
export function randomCase(rand: Rand, limits: CaseLimits = {}): ConvCase {
  const maxInput = limits.maxInput ?? 20;
  const maxKernel = limits.maxKernel ?? 7;
  for (;;) {
    const kH = randomInt(rand, 1, maxKernel);
    const kW = randomInt(rand, 1, maxKernel);
    const dilation = randomInt(rand, 1, limits.maxDilation ?? 3);
    const stride =
      limits.strideOrDilation && dilation > 1 ? 1 : randomInt(rand, 1, limits.maxStride ?? 4);
    const padding = randomInt(rand, 0, limits.maxPadding ?? 3);
    const minH = Math.max(1, (kH - 1) * dilation + 1 - 2 * padding);
    const minW = Math.max(1, (kW - 1) * dilation + 1 - 2 * padding);
    if (minH > maxInput || minW > maxInput) continue;
    const height = randomInt(rand, minH, maxInput);
    const width = randomInt(rand, minW, maxInput);
    const options = { stride, padding, dilation };
    const out = outputShape({ height, width }, { height: kH, width: kW }, options);
    return {
      input: randomGrid(rand, height, width, 0, 1),
      kernel: randomGrid(rand, kH, kW),
      bias: 2 * rand() - 1,
      target: randomGrid(rand, out.height, out.width),
      options,
    };
  }
}

/** A short description of a case for test names and failure messages. */
export function describeCase(c: ConvCase): string {
  const { stride, padding, dilation } = c.options;
  return `input ${c.input.height}x${c.input.width}, kernel ${c.kernel.height}x${c.kernel.width}, stride ${stride}, padding ${padding}, dilation ${dilation}`;
}
