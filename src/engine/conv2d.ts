import { createGrid, type Grid } from "./grid";
import {
  type ConvOptions,
  checkConvArguments,
  checkFinite,
  checkGrid,
  checkWithoutScans,
  isFusedCase,
  type ResolvedConvOptions,
} from "./validate";

/**
 * Cross-correlation, as every deep-learning library calls "convolution":
 * `out[i][j] = bias + Σ_a Σ_b kernel[a][b] * inPadded[i*stride + a*dilation][j*stride + b*dilation]`.
 * Throws RangeError for bad arguments (see docs/engine.md).
 */
export function conv2d(input: Grid, kernel: Grid, bias: number, options?: ConvOptions): Grid {
  const checked = checkWithoutScans((scan) => {
    const result = checkConvArguments(input, kernel, options, scan);
    checkFinite("bias", bias);
    return result;
  });
  const out = createGrid(checked.out.height, checked.out.width);
  if (isFusedCase(kernel, checked.options)) {
    // Every input value is a term of some output: a finite sum of the outputs means a finite
    // input (see checkWithoutScans), and the input is scanned only when it is not.
    if (!Number.isFinite(forward3x3(input, kernel, bias, out))) checkGrid("input", input);
  } else {
    checkGrid("input", input);
    forwardInto(input, kernel, bias, checked.options, out);
  }
  return out;
}

/** The first and last kernel tap (inclusive) that land inside [0, size) from `origin`. */
export function tapRange(
  origin: number,
  taps: number,
  dilation: number,
  size: number,
): [number, number] {
  const first = origin < 0 ? Math.ceil(-origin / dilation) : 0;
  const last = Math.min(taps - 1, Math.floor((size - 1 - origin) / dilation));
  return [first, last];
}

/**
 * The forward pass for arguments already checked, written into `out` (of the output shape).
 * Padding cells are skipped: they are zero, and the terms are summed in (a, b) order.
 */
export function forwardInto(
  input: Grid,
  kernel: Grid,
  bias: number,
  options: ResolvedConvOptions,
  out: Grid,
): void {
  if (isFusedCase(kernel, options)) {
    forward3x3(input, kernel, bias, out);
    return;
  }
  const { stride, padding, dilation } = options;
  const { height: inH, width: inW, data: x } = input;
  const { height: kH, width: kW, data: k } = kernel;
  const { height: outH, width: outW, data: y } = out;
  for (let i = 0; i < outH; i++) {
    const top = i * stride - padding;
    const [aFirst, aLast] = tapRange(top, kH, dilation, inH);
    for (let j = 0; j < outW; j++) {
      const left = j * stride - padding;
      const [bFirst, bLast] = tapRange(left, kW, dilation, inW);
      let s = 0;
      for (let a = aFirst; a <= aLast; a++) {
        const row = (top + a * dilation) * inW + left;
        const kRow = a * kW;
        for (let b = bFirst; b <= bLast; b++) {
          s += (k[kRow + b] as number) * (x[row + b * dilation] as number);
        }
      }
      // The taps' sum, then the bias: the order of the multi-channel layers (docs/engine.md).
      y[i * outW + j] = bias + s;
    }
  }
}

/**
 * The forward pass of a 3x3 kernel, stride 1, no padding, no dilation: the window slides
 * along each row in locals. Same terms in the same order as the general loop. Returns the
 * sum of the outputs, which is finite only when every output is.
 */
function forward3x3(input: Grid, kernel: Grid, bias: number, out: Grid): number {
  const { width: inW, data: x } = input;
  const { height: outH, width: outW, data: y } = out;
  const w = kernel.data;
  const k00 = w[0] as number;
  const k01 = w[1] as number;
  const k02 = w[2] as number;
  const k10 = w[3] as number;
  const k11 = w[4] as number;
  const k12 = w[5] as number;
  const k20 = w[6] as number;
  const k21 = w[7] as number;
  const k22 = w[8] as number;
  let sum = 0;
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
      y[o + j] = s;
      sum += s;
      x00 = x01;
      x01 = x02;
      x10 = x11;
      x11 = x12;
      x20 = x21;
      x21 = x22;
    }
  }
  return sum;
}
