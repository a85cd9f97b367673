import { createGrid, type Grid } from "./grid";
import { type ConvOptions, checkConvArguments, checkShape } from "./validate";

/** What one output position adds to the shared gradients. */
export interface PositionContribution {
  /** Output row of this position. */
  row: number;
  /** Output column of this position. */
  col: number;
  /** ∂L/∂out at this position: `outputGrad[row][col]`. */
  delta: number;
  /** delta times the input cells the kernel saw here (zero over padding); kernel-shaped. */
  kernelGrad: Grid;
  /** This position's share of the bias gradient: delta itself. */
  biasGrad: number;
  /** delta times the kernel: what this position sends back to the input cells under it. */
  inputGradPatch: Grid;
  /**
   * Input coordinates of inputGradPatch's [0][0]; may be negative with padding. Tap (a, b)
   * lands on input cell (row + a*dilation, col + b*dilation) of this origin.
   */
  inputOrigin: { row: number; col: number };
}

/**
 * One entry per output position, in row-major order. Summing every entry's kernelGrad,
 * biasGrad and inputGradPatch (placed at its origin with the dilation, cells in the padding
 * dropped) gives exactly conv2dBackward's result. Arguments are checked before the first entry.
 */
export function positionContributions(
  input: Grid,
  kernel: Grid,
  outputGrad: Grid,
  options?: ConvOptions,
): Iterable<PositionContribution> {
  const checked = checkConvArguments(input, kernel, options);
  checkShape("outputGrad", outputGrad, checked.out, "the output shape");
  const { stride, padding, dilation } = checked.options;
  return (function* () {
    const { height: inH, width: inW, data: x } = input;
    const { height: kH, width: kW, data: k } = kernel;
    const { height: outH, width: outW, data: g } = outputGrad;
    for (let row = 0; row < outH; row++) {
      for (let col = 0; col < outW; col++) {
        const delta = g[row * outW + col] as number;
        const top = row * stride - padding;
        const left = col * stride - padding;
        const kernelGrad = createGrid(kH, kW);
        const inputGradPatch = createGrid(kH, kW);
        for (let a = 0; a < kH; a++) {
          const r = top + a * dilation;
          for (let b = 0; b < kW; b++) {
            const c = left + b * dilation;
            const inside = r >= 0 && r < inH && c >= 0 && c < inW;
            const t = a * kW + b;
            kernelGrad.data[t] = delta * (inside ? (x[r * inW + c] as number) : 0);
            inputGradPatch.data[t] = delta * (k[t] as number);
          }
        }
        yield {
          row,
          col,
          delta,
          kernelGrad,
          biasGrad: delta,
          inputGradPatch,
          inputOrigin: { row: top, col: left },
        };
      }
    }
  })();
}
