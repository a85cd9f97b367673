import { forwardInto } from "./conv2d";
import { createGrid, type Grid } from "./grid";
import { checkReduction, lossDivisor, type Reduction } from "./loss";
import {
  type ConvOptions,
  checkConvArguments,
  checkFinite,
  checkShape,
  type ResolvedConvOptions,
} from "./validate";

/**
 * Everything a sweep produces, position by position, in one flat buffer.
 *
 * Record p (p = row * outWidth + col, row-major) occupies
 * `records[p * recordLength … (p + 1) * recordLength)` and holds, for K = kernel cells:
 * - `[RECORD_OUT]`: the output value at the position,
 * - `[RECORD_DELTA]`: delta = ∂L/∂out there,
 * - `[RECORD_KERNEL_GRAD … + K)`: the kernel-gradient terms, delta · the input cells the
 *   kernel saw (0 over padding), kernel-shaped, row-major,
 * - `[RECORD_KERNEL_GRAD + K … + 2K)`: the input-gradient patch, delta · kernel.
 * So recordLength = 2 + 2K (20 for a 3x3 kernel). A position's input-gradient patch is
 * placed with its tap (a, b) on input cell (row·stride − padding + a·dilation,
 * col·stride − padding + b·dilation); taps that fall in the padding are dropped.
 */
export interface Sweep {
  readonly inputHeight: number;
  readonly inputWidth: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly options: ResolvedConvOptions;
  readonly reduction: Reduction;
  /** Numbers per position: 2 + 2 · kernel cells. */
  readonly recordLength: number;
  /** outHeight · outWidth records, laid out as described on `Sweep`. */
  readonly records: Float64Array;
  /** The loss of the whole sweep (before any update). */
  readonly loss: number;
}

/** Offset of the output value in a record. */
export const RECORD_OUT = 0;
/** Offset of delta in a record. */
export const RECORD_DELTA = 1;
/** Offset of the first kernel-gradient term in a record. */
export const RECORD_KERNEL_GRAD = 2;

/** Numbers per position for a kernel of `kernelCells` cells. */
export function recordLengthFor(kernelCells: number): number {
  return 2 + 2 * kernelCells;
}

/** Offset of the first input-gradient term in a record. */
export function recordInputGradOffset(kernelCells: number): number {
  return RECORD_KERNEL_GRAD + kernelCells;
}

/**
 * Runs the forward pass, the loss gradient and every position's contribution, and lays them
 * out as a `Sweep`. Record p's terms are exactly `positionContributions(...)`'s entry p.
 *
 * With `outputGrad` (a δ = ∂L/∂out given directly, e.g. painted by hand; the output's shape,
 * finite), the loss is `L = Σ δ·out`, so ∂L/∂out is `outputGrad` exactly: it is each record's
 * delta, the target and the reduction are not used for it, and `loss` is Σ δ·out.
 */
export function computeSweep(
  input: Grid,
  kernel: Grid,
  bias: number,
  target: Grid,
  options: ConvOptions | undefined,
  reduction: Reduction,
  outputGrad: Grid | null = null,
): Sweep {
  const checked = checkConvArguments(input, kernel, options);
  checkFinite("bias", bias);
  checkShape("target", target, checked.out, "the output shape");
  checkReduction(reduction);
  if (outputGrad !== null) checkShape("outputGrad", outputGrad, checked.out, "the output shape");
  const given = outputGrad?.data ?? null;
  const { stride, padding, dilation } = checked.options;
  const { height: outH, width: outW } = checked.out;
  const { height: inH, width: inW, data: x } = input;
  const { height: kH, width: kW, data: k } = kernel;
  const kCells = kH * kW;
  const len = recordLengthFor(kCells);
  const n = outH * outW;
  const div = lossDivisor(reduction, n);
  const records = new Float64Array(n * len);
  let sq: number;
  if (given === null && kH === 3 && kW === 3 && stride === 1 && padding === 0 && dilation === 1) {
    sq = sweep3x3(x, inW, outH, outW, k, bias, target.data, div, records);
  } else {
    const out = createGrid(outH, outW);
    forwardInto(input, kernel, bias, checked.options, out);
    const igOffset = recordInputGradOffset(kCells);
    sq = 0;
    for (let row = 0; row < outH; row++) {
      const top = row * stride - padding;
      for (let col = 0; col < outW; col++) {
        const p = row * outW + col;
        const base = p * len;
        const y = out.data[p] as number;
        let delta: number;
        if (given === null) {
          const e = y - (target.data[p] as number);
          sq += e * e;
          delta = e / div;
        } else {
          delta = given[p] as number;
          sq += delta * y;
        }
        records[base + RECORD_OUT] = y;
        records[base + RECORD_DELTA] = delta;
        const left = col * stride - padding;
        for (let a = 0; a < kH; a++) {
          const r = top + a * dilation;
          const rowInside = r >= 0 && r < inH;
          for (let b = 0; b < kW; b++) {
            const c = left + b * dilation;
            const tap = a * kW + b;
            const seen = rowInside && c >= 0 && c < inW ? (x[r * inW + c] as number) : 0;
            records[base + RECORD_KERNEL_GRAD + tap] = delta * seen;
            records[base + igOffset + tap] = delta * (k[tap] as number);
          }
        }
      }
    }
  }
  return {
    inputHeight: inH,
    inputWidth: inW,
    kernelHeight: kH,
    kernelWidth: kW,
    outHeight: outH,
    outWidth: outW,
    options: checked.options,
    reduction,
    recordLength: len,
    records,
    loss: given !== null ? sq : reduction === "sum" ? 0.5 * sq : (0.5 * sq) / n,
  };
}

/**
 * computeSweep's records for a 3x3 kernel, stride 1, no padding, no dilation, written in one
 * pass with the window in locals; returns Σ (out − target)². Same values as the general loop.
 */
function sweep3x3(
  x: Float64Array,
  inW: number,
  outH: number,
  outW: number,
  w: Float64Array,
  bias: number,
  target: Float64Array,
  div: number,
  records: Float64Array,
): number {
  const k00 = w[0] as number;
  const k01 = w[1] as number;
  const k02 = w[2] as number;
  const k10 = w[3] as number;
  const k11 = w[4] as number;
  const k12 = w[5] as number;
  const k20 = w[6] as number;
  const k21 = w[7] as number;
  const k22 = w[8] as number;
  let sq = 0;
  let base = 0;
  for (let i = 0; i < outH; i++) {
    const r0 = i * inW;
    const r1 = r0 + inW;
    const r2 = r1 + inW;
    let x00 = x[r0] as number;
    let x01 = x[r0 + 1] as number;
    let x10 = x[r1] as number;
    let x11 = x[r1 + 1] as number;
    let x20 = x[r2] as number;
    let x21 = x[r2 + 1] as number;
    const o = i * outW;
    for (let j = 0; j < outW; j++) {
      const x02 = x[r0 + j + 2] as number;
      const x12 = x[r1 + j + 2] as number;
      const x22 = x[r2 + j + 2] as number;
      let s = 0;
      s += k00 * x00;
      s += k01 * x01;
      s += k02 * x02;
      s += k10 * x10;
      s += k11 * x11;
      s += k12 * x12;
      s += k20 * x20;
      s += k21 * x21;
      s += k22 * x22;
      // The bias is added to the taps' sum, as the multi-channel layers add it (one order).
      s = bias + s;
      const e = s - (target[o + j] as number);
      sq += e * e;
      const d = e / div;
      records[base] = s;
      records[base + 1] = d;
      records[base + 2] = d * x00;
      records[base + 3] = d * x01;
      records[base + 4] = d * x02;
      records[base + 5] = d * x10;
      records[base + 6] = d * x11;
      records[base + 7] = d * x12;
      records[base + 8] = d * x20;
      records[base + 9] = d * x21;
      records[base + 10] = d * x22;
      records[base + 11] = d * k00;
      records[base + 12] = d * k01;
      records[base + 13] = d * k02;
      records[base + 14] = d * k10;
      records[base + 15] = d * k11;
      records[base + 16] = d * k12;
      records[base + 17] = d * k20;
      records[base + 18] = d * k21;
      records[base + 19] = d * k22;
      base += 20;
      x00 = x01;
      x01 = x02;
      x10 = x11;
      x11 = x12;
      x20 = x21;
      x21 = x22;
    }
  }
  return sq;
}

/** The shared gradients accumulated over a prefix of a sweep's positions. */
export interface SweepSums {
  /** Σ of the kernel-gradient terms so far (kernel-shaped). */
  readonly kernelGrad: Grid;
  /** Σ of the deltas so far. */
  biasGrad: number;
  /** Σ of the input-gradient patches so far, placed on the input (input-shaped). */
  readonly inputGrad: Grid;
  /** How many positions are summed: records [0, position). */
  position: number;
}

/** Empty sums (position 0) of the right shapes for a sweep. */
export function emptySums(sweep: Sweep): SweepSums {
  return {
    kernelGrad: createGrid(sweep.kernelHeight, sweep.kernelWidth),
    biasGrad: 0,
    inputGrad: createGrid(sweep.inputHeight, sweep.inputWidth),
    position: 0,
  };
}

/**
 * Moves `sums` to `position` (0 … outHeight·outWidth). Forward moves add the next records in
 * order; a backward move starts again from zero, because subtracting would not give back the
 * same floating-point sums. Either way the result is exactly the ordered sum of the first
 * `position` contributions.
 */
export function sumsAt(sweep: Sweep, sums: SweepSums, position: number): SweepSums {
  const total = sweep.outHeight * sweep.outWidth;
  if (!Number.isInteger(position) || position < 0 || position > total) {
    throw new RangeError(`position must be an integer from 0 to ${total}; got ${position}`);
  }
  if (position < sums.position) {
    sums.kernelGrad.data.fill(0);
    sums.inputGrad.data.fill(0);
    sums.biasGrad = 0;
    sums.position = 0;
  }
  const { records, recordLength: len, outWidth, kernelWidth: kW, inputHeight: inH } = sweep;
  const { inputWidth: inW } = sweep;
  const { stride, padding, dilation } = sweep.options;
  const kCells = sweep.kernelHeight * kW;
  const igOffset = recordInputGradOffset(kCells);
  const kg = sums.kernelGrad.data;
  const ig = sums.inputGrad.data;
  let biasGrad = sums.biasGrad;
  for (let p = sums.position; p < position; p++) {
    const base = p * len;
    biasGrad += records[base + RECORD_DELTA] as number;
    for (let tap = 0; tap < kCells; tap++) {
      kg[tap] = (kg[tap] as number) + (records[base + RECORD_KERNEL_GRAD + tap] as number);
    }
    const top = Math.floor(p / outWidth) * stride - padding;
    const left = (p % outWidth) * stride - padding;
    for (let a = 0; a < sweep.kernelHeight; a++) {
      const r = top + a * dilation;
      if (r < 0 || r >= inH) continue;
      for (let b = 0; b < kW; b++) {
        const c = left + b * dilation;
        if (c < 0 || c >= inW) continue;
        const cell = r * inW + c;
        ig[cell] = (ig[cell] as number) + (records[base + igOffset + a * kW + b] as number);
      }
    }
  }
  sums.biasGrad = biasGrad;
  sums.position = position;
  return sums;
}
