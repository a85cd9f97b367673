import { tapRange } from "./conv2d";
import { createGrid, type Grid } from "./grid";
import {
  type ConvOptions,
  checkConvArguments,
  checkShape,
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
  const checked = checkConvArguments(input, kernel, options);
  checkShape("outputGrad", outputGrad, checked.out, "the output shape");
  const kernelGrad = createGrid(kernel.height, kernel.width);
  const inputGrad = createGrid(input.height, input.width);
  const biasGrad = backwardInto(input, kernel, outputGrad, checked.options, kernelGrad, inputGrad);
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
  const { stride, padding, dilation } = options;
  if (
    kernel.height === 3 &&
    kernel.width === 3 &&
    stride === 1 &&
    padding === 0 &&
    dilation === 1
  ) {
    return backward3x3(input, kernel, outputGrad, kernelGrad, inputGrad);
  }
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
 * The backward pass of a 3x3 kernel, stride 1, no padding, no dilation, with the gradient
 * sums in locals and the window sliding along each row. Same terms, same order.
 */
function backward3x3(
  input: Grid,
  kernel: Grid,
  outputGrad: Grid,
  kernelGrad: Grid,
  inputGrad: Grid | null,
): number {
  const { width: inW, data: x } = input;
  const { height: outH, width: outW, data: g } = outputGrad;
  const kg = kernelGrad.data;
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
  let g00 = kg[0] as number;
  let g01 = kg[1] as number;
  let g02 = kg[2] as number;
  let g10 = kg[3] as number;
  let g11 = kg[4] as number;
  let g12 = kg[5] as number;
  let g20 = kg[6] as number;
  let g21 = kg[7] as number;
  let g22 = kg[8] as number;
  let gb = 0;
  const ig = inputGrad?.data;
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
      const d = g[o + j] as number;
      gb += d;
      g00 += d * x00;
      g01 += d * x01;
      g02 += d * x02;
      g10 += d * x10;
      g11 += d * x11;
      g12 += d * x12;
      g20 += d * x20;
      g21 += d * x21;
      g22 += d * x22;
      if (ig !== undefined) {
        const c0 = r0 + j;
        const c1 = r1 + j;
        const c2 = r2 + j;
        ig[c0] = (ig[c0] as number) + d * k00;
        ig[c0 + 1] = (ig[c0 + 1] as number) + d * k01;
        ig[c0 + 2] = (ig[c0 + 2] as number) + d * k02;
        ig[c1] = (ig[c1] as number) + d * k10;
        ig[c1 + 1] = (ig[c1 + 1] as number) + d * k11;
        ig[c1 + 2] = (ig[c1 + 2] as number) + d * k12;
        ig[c2] = (ig[c2] as number) + d * k20;
        ig[c2 + 1] = (ig[c2 + 1] as number) + d * k21;
        ig[c2 + 2] = (ig[c2 + 2] as number) + d * k22;
      }
      x00 = x01;
      x01 = x02;
      x10 = x11;
      x11 = x12;
      x20 = x21;
      x21 = x22;
    }
  }
  kg[0] = g00;
  kg[1] = g01;
  kg[2] = g02;
  kg[3] = g10;
  kg[4] = g11;
  kg[5] = g12;
  kg[6] = g20;
  kg[7] = g21;
  kg[8] = g22;
  return gb;
}
