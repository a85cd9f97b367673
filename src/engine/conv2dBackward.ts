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
  const { height: inH, width: inW, data: x } = input;
  const { height: kH, width: kW, data: k } = kernel;
  const { height: outH, width: outW, data: g } = outputGrad;
  const kg = kernelGrad.data;
  const ig = inputGrad?.data;
  let biasGrad = 0;
  for (let i = 0; i < outH; i++) {
    const top = i * stride - padding;
    for (let j = 0; j < outW; j++) {
      const left = j * stride - padding;
      const delta = g[i * outW + j] as number;
      biasGrad += delta;
      for (let a = 0; a < kH; a++) {
        const r = top + a * dilation;
        const rowInside = r >= 0 && r < inH;
        for (let b = 0; b < kW; b++) {
          const c = left + b * dilation;
          const t = a * kW + b;
          if (rowInside && c >= 0 && c < inW) {
            const cell = r * inW + c;
            kg[t] = (kg[t] as number) + delta * (x[cell] as number);
            if (ig !== undefined) ig[cell] = (ig[cell] as number) + delta * (k[t] as number);
          } else {
            kg[t] = (kg[t] as number) + delta * 0;
          }
        }
      }
    }
  }
  return biasGrad;
}
