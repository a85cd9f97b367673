import { tapRange } from "./conv2d";
import { createGrid, type Grid } from "./grid";
import {
  allFinite,
  type ConvOptions,
  checkConvArguments,
  checkGrid,
  checkShape,
  checkWithoutScans,
  isFusedCase,
  type ResolvedConvOptions,
} from "./validate";

/** The gradients of a scalar loss with respect to a convolution's kernel, bias and input. */
export interface ConvGradients {
  /** ∂L/∂kernel: the sum over every output position of delta times the input cells the kernel saw. */
  kernelGrad: Grid;
  /** ∂L/∂bias: the sum of every delta. */
  biasGrad: number;
  /** ∂L/∂input: every position's delta · kernel, added where the kernel touched the input. */
  inputGrad: Grid;
}

/**
 * Gradients of any scalar loss L, given `outputGrad = ∂L/∂out` (the shape of conv2d's output).
 * Positions are visited in row-major order, so the result is exactly the sum of
 * `positionContributions` taken in order.
 */
export function conv2dBackward(
  input: Grid,
  kernel: Grid,
  outputGrad: Grid,
  options?: ConvOptions,
): ConvGradients {
  const checked = checkWithoutScans((scan) => {
    const result = checkConvArguments(input, kernel, options, scan);
    checkShape("outputGrad", outputGrad, result.out, "the output shape", scan);
    return result;
  });
  const kernelGrad = createGrid(kernel.height, kernel.width);
  const inputGrad = createGrid(input.height, input.width);
  const biasGrad = backwardInto(input, kernel, outputGrad, checked.options, kernelGrad, inputGrad);
  // With a plain 3x3 kernel every input value is a term of a kernel-gradient sum and every
  // delta of the bias gradient's: finite sums mean finite arguments (see checkWithoutScans).
  if (
    !isFusedCase(kernel, checked.options) ||
    !(Number.isFinite(biasGrad) && allFinite(kernelGrad.data))
  ) {
    checkGrid("input", input);
    checkGrid("outputGrad", outputGrad);
  }
  return { kernelGrad, biasGrad, inputGrad };
}

/**
 * The backward pass for checked arguments: adds into `kernelGrad` and `inputGrad` (zeroed by
 * the caller; inputGrad may be null when it is not wanted) and returns the bias gradient. A kernel tap over the zero padding contributes
 * `delta * 0` to kernelGrad (as positionContributions reports it) and nothing to inputGrad.
 */
export function backwardInto(
  input: Grid,
  kernel: Grid,
  outputGrad: Grid,
  options: ResolvedConvOptions,
  kernelGrad: Grid,
  inputGrad: Grid | null,
): number {
  if (inputGrad !== null && isFusedCase(kernel, options)) {
    return backward3x3(input, kernel, outputGrad, kernelGrad, inputGrad);
  }
  const { stride, padding, dilation } = options;
  const { height: inH, width: inW, data: x } = input;
  const { height: kH, width: kW, data: k } = kernel;
  const { height: outH, width: outW, data: g } = outputGrad;
  const kg = kernelGrad.data;
  const ig = inputGrad?.data;
  let biasGrad = 0;
  // Each kernelGrad[t] gets exactly one term per position, in position order, whichever
  // order the taps of one position are visited in: inside taps first, then padding taps.
  for (let i = 0; i < outH; i++) {
    const top = i * stride - padding;
    const [aFirst, aLast] = tapRange(top, kH, dilation, inH);
    for (let j = 0; j < outW; j++) {
      const left = j * stride - padding;
      const [bFirst, bLast] = tapRange(left, kW, dilation, inW);
      const delta = g[i * outW + j] as number;
      biasGrad += delta;
      for (let a = aFirst; a <= aLast; a++) {
        const row = (top + a * dilation) * inW + left;
        const kRow = a * kW;
        for (let b = bFirst; b <= bLast; b++) {
          const t = kRow + b;
          const cell = row + b * dilation;
          kg[t] = (kg[t] as number) + delta * (x[cell] as number);
          if (ig !== undefined) ig[cell] = (ig[cell] as number) + delta * (k[t] as number);
        }
      }
      if (aFirst > 0 || aLast < kH - 1 || bFirst > 0 || bLast < kW - 1) {
        // Taps over the zero padding: delta · 0, as positionContributions reports them.
        for (let a = 0; a < kH; a++) {
          const rowInside = a >= aFirst && a <= aLast;
          for (let b = 0; b < kW; b++) {
            if (rowInside && b >= bFirst && b <= bLast) continue;
            const t = a * kW + b;
            kg[t] = (kg[t] as number) + delta * 0;
          }
        }
      }
    }
  }
  return biasGrad;
}

/**
 * The backward pass of a 3x3 kernel, stride 1, no padding, no dilation. Each output row is
 * visited once per kernel row `a`, which touches only input row `i + a`: that pass adds the
 * three kernel-gradient terms of row `a` (sums in locals, the window sliding along the row)
 * and the three input-gradient terms each cell of row `i + a` takes from this output row.
 * A cell's terms come from positions j − 2, j − 1 and j in that order, so its running value
 * rides in a local and is stored once whole. Every sum gets the same terms in the same order
 * as a position-by-position visit; few enough values are live to stay in registers.
 */
function backward3x3(
  input: Grid,
  kernel: Grid,
  outputGrad: Grid,
  kernelGrad: Grid,
  inputGrad: Grid,
): number {
  const { width: inW, data: x } = input;
  const { height: outH, width: outW, data: g } = outputGrad;
  const kg = kernelGrad.data;
  const w = kernel.data;
  const ig = inputGrad.data;
  let gb = 0;
  for (let i = 0; i < outH; i++) {
    const o = i * outW;
    for (let a = 0; a < 3; a++) {
      const r = (i + a) * inW;
      const t = 3 * a;
      let g0 = kg[t] as number;
      let g1 = kg[t + 1] as number;
      let g2 = kg[t + 2] as number;
      let x0 = x[r] as number;
      let x1 = x[r + 1] as number;
      // Every pass sums the deltas; the first pass's sum is the bias gradient.
      let sb = gb;
      const k0 = w[t] as number;
      const k1 = w[t + 1] as number;
      const k2 = w[t + 2] as number;
      // p0, p1, p2: the running values of input cells j, j + 1, j + 2 of row i + a.
      let p0 = ig[r] as number;
      let p1 = ig[r + 1] as number;
      for (let j = 0; j < outW; j++) {
        const x2 = x[r + j + 2] as number;
        const d = g[o + j] as number;
        sb += d;
        g0 += d * x0;
        g1 += d * x1;
        g2 += d * x2;
        let p2 = ig[r + j + 2] as number;
        p0 += d * k0;
        p1 += d * k1;
        p2 += d * k2;
        ig[r + j] = p0;
        x0 = x1;
        x1 = x2;
        p0 = p1;
        p1 = p2;
      }
      ig[r + outW] = p0;
      ig[r + outW + 1] = p1;
      if (a === 0) gb = sb;
      kg[t] = g0;
      kg[t + 1] = g1;
      kg[t + 2] = g2;
    }
  }
  return gb;
}
