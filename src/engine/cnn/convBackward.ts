import { checkBuffer } from "./checks";
import { type ConvShape, filterSize, firstTap, isConv3x3, lastTap } from "./conv";

/**
 * Backward pass of one image through a convolution layer, given `outputGrad = δ = ∂L/∂out`
 * (`[K][outH][outW]`, what the layers above send back):
 *
 * - `weightGrad[k] += Σ_positions δ[k][i][j] · patch(i, j)`: each filter's gradient is the sum,
 *   over its positions, of δ times the input patch it saw there (every input channel). That
 *   image's sum is formed first, from zero, in row-major position order, and then added to
 *   `weightGrad` once, so a batch's gradient is exactly the sum of its images' sums (in image
 *   order) and `convContributions` reproduces each image's sum to the bit.
 * - `biasGrad[k] += Σ_positions δ[k][i][j]`, formed the same way.
 * - `inputGrad` (written, not added; skipped when null) `= Σ_k Σ_positions δ[k][i][j] · w[k]`
 *   placed over the patch: the δ of the layer below. Terms arrive filter by filter, positions
 *   in row-major order within each filter.
 *
 * Positions where δ is zero are skipped: they would add ±0, which leaves a sum that starts
 * at +0 unchanged to the bit. After a max-pool and a ReLU most positions are such zeros.
 */
export function convBackward(
  s: ConvShape,
  input: Float64Array,
  weights: Float64Array,
  outputGrad: Float64Array,
  weightGrad: Float64Array,
  biasGrad: Float64Array,
  inputGrad: Float64Array | null,
): void {
  checkBuffer("input", input, s.inChannels * s.inHeight * s.inWidth);
  checkBuffer("weights", weights, s.filters * filterSize(s));
  checkBuffer("outputGrad", outputGrad, s.filters * s.outHeight * s.outWidth);
  checkBuffer("weightGrad", weightGrad, weights.length);
  checkBuffer("biasGrad", biasGrad, s.filters);
  if (inputGrad !== null) checkBuffer("inputGrad", inputGrad, input.length);
  const plane = s.outHeight * s.outWidth;
  if (scratch.length < plane) scratch = new Int32Array(plane);
  const positions = scratch;
  if (inputGrad !== null) inputGrad.fill(0);
  const fast = isConv3x3(s);
  for (let k = 0; k < s.filters; k++) {
    // The positions of filter k whose δ is not zero, in row-major order, and their δ sum.
    let count = 0;
    let sum = 0;
    for (let p = 0; p < plane; p++) {
      const d = outputGrad[k * plane + p] as number;
      if (d !== 0) {
        positions[count++] = p;
        sum += d;
      }
    }
    biasGrad[k] = (biasGrad[k] as number) + sum;
    if (fast) {
      kernelGrad3x3(s, k, positions, count, input, outputGrad, weightGrad);
      if (inputGrad !== null) inputGrad3x3(s, k, positions, count, weights, outputGrad, inputGrad);
    } else {
      if (s.padding === 0 && s.dilation === 1) {
        kernelGradValid(s, k, positions, count, input, outputGrad, weightGrad);
      } else {
        kernelGradGeneral(s, k, positions, count, input, outputGrad, weightGrad);
      }
      if (inputGrad !== null) {
        inputGradGeneral(s, k, positions, count, weights, outputGrad, inputGrad);
      }
    }
  }
}

/**
 * Reused list of non-zero positions, grown on demand. Safe because convBackward never
 * calls out or yields while it is in use; it is not shared with any other function.
 */
let scratch = new Int32Array(0);

function kernelGradGeneral(
  s: ConvShape,
  k: number,
  positions: Int32Array,
  count: number,
  x: Float64Array,
  g: Float64Array,
  wg: Float64Array,
): void {
  const { inChannels: C, inHeight: H, inWidth: W, kernelHeight: kh, kernelWidth: kw } = s;
  const { stride, padding, dilation: d, outWidth: ow } = s;
  const plane = s.outHeight * ow;
  const fsize = filterSize(s);
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        // Taps over the padding see zero: their terms are ±0 and change nothing.
        let sum = 0;
        for (let n = 0; n < count; n++) {
          const p = positions[n] as number;
          const i = (p / ow) | 0;
          const r = i * stride - padding + a * d;
          const q = (p - i * ow) * stride - padding + b * d;
          if (r >= 0 && r < H && q >= 0 && q < W) {
            sum += (g[k * plane + p] as number) * (x[(c * H + r) * W + q] as number);
          }
        }
        const t = k * fsize + (c * kh + a) * kw + b;
        wg[t] = (wg[t] as number) + sum;
      }
    }
  }
}

/** Reused δ values and patch corners of one filter's non-zero positions (kernelGradValid). */
let gathered = new Float64Array(0);
let corners = new Int32Array(0);

/**
 * kernelGradGeneral without padding or dilation, where every tap of every patch is inside the
 * input: each position's δ and the input index of its patch's corner are gathered once, so
 * each tap's sum is a plain loop. The same terms in the same order: the same bits.
 */
function kernelGradValid(
  s: ConvShape,
  k: number,
  positions: Int32Array,
  count: number,
  x: Float64Array,
  g: Float64Array,
  wg: Float64Array,
): void {
  const { inChannels: C, inHeight: H, inWidth: W, kernelHeight: kh, kernelWidth: kw } = s;
  const { stride, outWidth: ow } = s;
  const plane = s.outHeight * ow;
  const fsize = filterSize(s);
  if (gathered.length < count) {
    gathered = new Float64Array(plane);
    corners = new Int32Array(plane);
  }
  const d = gathered;
  const at = corners;
  for (let n = 0; n < count; n++) {
    const p = positions[n] as number;
    const i = (p / ow) | 0;
    d[n] = g[k * plane + p] as number;
    at[n] = i * stride * W + (p - i * ow) * stride;
  }
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const offset = c * H * W + a * W + b;
        let sum = 0;
        for (let n = 0; n < count; n++) {
          sum += (d[n] as number) * (x[(at[n] as number) + offset] as number);
        }
        const t = k * fsize + (c * kh + a) * kw + b;
        wg[t] = (wg[t] as number) + sum;
      }
    }
  }
}

function inputGradGeneral(
  s: ConvShape,
  k: number,
  positions: Int32Array,
  count: number,
  w: Float64Array,
  g: Float64Array,
  ig: Float64Array,
): void {
  const { inChannels: C, inHeight: H, inWidth: W, kernelHeight: kh, kernelWidth: kw } = s;
  const { stride, padding, dilation, outWidth: ow } = s;
  const plane = s.outHeight * ow;
  const fsize = filterSize(s);
  for (let n = 0; n < count; n++) {
    const p = positions[n] as number;
    const d = g[k * plane + p] as number;
    const i = (p / ow) | 0;
    const top = i * stride - padding;
    const left = (p - i * ow) * stride - padding;
    const aFirst = firstTap(top, dilation);
    const aLast = lastTap(top, kh, dilation, H);
    const bFirst = firstTap(left, dilation);
    const bLast = lastTap(left, kw, dilation, W);
    for (let c = 0; c < C; c++) {
      for (let a = aFirst; a <= aLast; a++) {
        const cell = (c * H + top + a * dilation) * W + left;
        const tap = k * fsize + (c * kh + a) * kw;
        for (let b = bFirst; b <= bLast; b++) {
          ig[cell + b * dilation] =
            (ig[cell + b * dilation] as number) + d * (w[tap + b] as number);
        }
      }
    }
  }
}

/** 3x3, stride 1, no padding: the nine sums of one filter and channel in locals. */
function kernelGrad3x3(
  s: ConvShape,
  k: number,
  positions: Int32Array,
  count: number,
  x: Float64Array,
  g: Float64Array,
  wg: Float64Array,
): void {
  const { inChannels: C, inHeight: H, inWidth: W, outWidth: ow } = s;
  const g0 = k * s.outHeight * ow;
  for (let c = 0; c < C; c++) {
    let s00 = 0;
    let s01 = 0;
    let s02 = 0;
    let s10 = 0;
    let s11 = 0;
    let s12 = 0;
    let s20 = 0;
    let s21 = 0;
    let s22 = 0;
    for (let n = 0; n < count; n++) {
      const p = positions[n] as number;
      const d = g[g0 + p] as number;
      const i = (p / ow) | 0;
      const r0 = (c * H + i) * W + (p - i * ow);
      const r1 = r0 + W;
      const r2 = r1 + W;
      s00 += d * (x[r0] as number);
      s01 += d * (x[r0 + 1] as number);
      s02 += d * (x[r0 + 2] as number);
      s10 += d * (x[r1] as number);
      s11 += d * (x[r1 + 1] as number);
      s12 += d * (x[r1 + 2] as number);
      s20 += d * (x[r2] as number);
      s21 += d * (x[r2 + 1] as number);
      s22 += d * (x[r2 + 2] as number);
    }
    const t = (k * C + c) * 9;
    wg[t] = (wg[t] as number) + s00;
    wg[t + 1] = (wg[t + 1] as number) + s01;
    wg[t + 2] = (wg[t + 2] as number) + s02;
    wg[t + 3] = (wg[t + 3] as number) + s10;
    wg[t + 4] = (wg[t + 4] as number) + s11;
    wg[t + 5] = (wg[t + 5] as number) + s12;
    wg[t + 6] = (wg[t + 6] as number) + s20;
    wg[t + 7] = (wg[t + 7] as number) + s21;
    wg[t + 8] = (wg[t + 8] as number) + s22;
  }
}

function inputGrad3x3(
  s: ConvShape,
  k: number,
  positions: Int32Array,
  count: number,
  w: Float64Array,
  g: Float64Array,
  ig: Float64Array,
): void {
  const { inChannels: C, inHeight: H, inWidth: W, outWidth: ow } = s;
  const g0 = k * s.outHeight * ow;
  for (let c = 0; c < C; c++) {
    const t = (k * C + c) * 9;
    const w00 = w[t] as number;
    const w01 = w[t + 1] as number;
    const w02 = w[t + 2] as number;
    const w10 = w[t + 3] as number;
    const w11 = w[t + 4] as number;
    const w12 = w[t + 5] as number;
    const w20 = w[t + 6] as number;
    const w21 = w[t + 7] as number;
    const w22 = w[t + 8] as number;
    for (let n = 0; n < count; n++) {
      const p = positions[n] as number;
      const d = g[g0 + p] as number;
      const i = (p / ow) | 0;
      const r0 = (c * H + i) * W + (p - i * ow);
      const r1 = r0 + W;
      const r2 = r1 + W;
      ig[r0] = (ig[r0] as number) + d * w00;
      ig[r0 + 1] = (ig[r0 + 1] as number) + d * w01;
      ig[r0 + 2] = (ig[r0 + 2] as number) + d * w02;
      ig[r1] = (ig[r1] as number) + d * w10;
      ig[r1 + 1] = (ig[r1 + 1] as number) + d * w11;
      ig[r1 + 2] = (ig[r1 + 2] as number) + d * w12;
      ig[r2] = (ig[r2] as number) + d * w20;
      ig[r2 + 1] = (ig[r2 + 1] as number) + d * w21;
      ig[r2 + 2] = (ig[r2 + 2] as number) + d * w22;
    }
  }
}
