/**
 * Seeded random cases for the CNN layer tests, and the channel-first ↔ channel-last
 * conversions the TensorFlow.js comparisons need (the engine keeps `[C][H][W]`, tfjs NHWC).
 */
import { type ConvShape, convShape } from "../../../../src/engine";
import { mulberry32, type Rand, randomInt } from "../random";

export { mulberry32, randomInt };

/** A Float64Array of uniform values in [min, max). */
export function randomArray(rand: Rand, length: number, min = -1, max = 1): Float64Array {
  return Float64Array.from({ length }, () => min + (max - min) * rand());
}

/** One multi-channel convolution problem: shape, input, weights, bias and a δ from above. */
export interface ConvLayerCase {
  shape: ConvShape;
  input: Float64Array;
  weights: Float64Array;
  bias: Float64Array;
  outputGrad: Float64Array;
}

/**
 * A random valid layer: 1–4 channels, 1–4 filters, kernels 1–5 (or exactly 3x3, stride 1,
 * no padding when `fast`), stride 1–4, padding 0–3. With `sparse`, about 3 in 4 δ are zero
 * (as after a max-pool).
 */
export function randomConvCase(rand: Rand, fast = false, sparse = false): ConvLayerCase {
  for (;;) {
    const kh = fast ? 3 : randomInt(rand, 1, 5);
    const kw = fast ? 3 : randomInt(rand, 1, 5);
    const padding = fast ? 0 : randomInt(rand, 0, 3);
    const stride = fast ? 1 : randomInt(rand, 1, 4);
    const inHeight = randomInt(rand, 1, 12);
    const inWidth = randomInt(rand, 1, 12);
    if (kh > inHeight + 2 * padding || kw > inWidth + 2 * padding) continue;
    const shape = convShape({
      inChannels: randomInt(rand, 1, 4),
      inHeight,
      inWidth,
      filters: randomInt(rand, 1, 4),
      kernelHeight: kh,
      kernelWidth: kw,
      stride,
      padding,
    });
    const outputGrad = randomArray(rand, shape.filters * shape.outHeight * shape.outWidth);
    if (sparse) for (let i = 0; i < outputGrad.length; i++) if (rand() < 0.75) outputGrad[i] = 0;
    return {
      shape,
      input: randomArray(rand, shape.inChannels * inHeight * inWidth, 0, 1),
      weights: randomArray(rand, shape.filters * shape.inChannels * kh * kw),
      bias: randomArray(rand, shape.filters),
      outputGrad,
    };
  }
}

/** A short description for test names. */
export function describeConv(s: ConvShape): string {
  return `${s.inChannels}x${s.inHeight}x${s.inWidth} → ${s.filters} filters ${s.kernelHeight}x${s.kernelWidth}, stride ${s.stride}, padding ${s.padding}`;
}

/** `[C][H][W]` → `[H][W][C]` as float32. */
export function toHwc(data: Float64Array, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let k = 0; k < c; k++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) out[(y * w + x) * c + k] = data[(k * h + y) * w + x] as number;
  return out;
}

/** `[H][W][C]` → `[C][H][W]`. */
export function fromHwc(data: ArrayLike<number>, c: number, h: number, w: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let k = 0; k < c; k++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) out[(k * h + y) * w + x] = data[(y * w + x) * c + k] as number;
  return out;
}

/** Engine weights `[K][C][kh][kw]` → tfjs filter `[kh][kw][C][K]` as float32. */
export function toHwio(
  w: Float64Array,
  k: number,
  c: number,
  kh: number,
  kw: number,
): Float32Array {
  const out = new Float32Array(w.length);
  for (let f = 0; f < k; f++)
    for (let ch = 0; ch < c; ch++)
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++)
          out[((a * kw + b) * c + ch) * k + f] = w[((f * c + ch) * kh + a) * kw + b] as number;
  return out;
}

/** tfjs filter `[kh][kw][C][K]` → engine weights `[K][C][kh][kw]`. */
export function fromHwio(
  w: ArrayLike<number>,
  k: number,
  c: number,
  kh: number,
  kw: number,
): Float64Array {
  const out = new Float64Array(w.length);
  for (let f = 0; f < k; f++)
    for (let ch = 0; ch < c; ch++)
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++)
          out[((f * c + ch) * kh + a) * kw + b] = w[((a * kw + b) * c + ch) * k + f] as number;
  return out;
}
