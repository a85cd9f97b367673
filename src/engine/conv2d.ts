import { createGrid, type Grid } from "./grid";
import {
  type ConvOptions,
  checkConvArguments,
  checkFinite,
  type ResolvedConvOptions,
} from "./validate";

/**
 * Cross-correlation, as every deep-learning library calls "convolution":
 * `out[i][j] = bias + Σ_a Σ_b kernel[a][b] * inPadded[i*stride + a*dilation][j*stride + b*dilation]`.
 * Throws RangeError for bad arguments (see CONTRACT.md §1).
 */
export function conv2d(input: Grid, kernel: Grid, bias: number, options?: ConvOptions): Grid {
  const checked = checkConvArguments(input, kernel, options);
  checkFinite("bias", bias);
  const out = createGrid(checked.out.height, checked.out.width);
  forwardInto(input, kernel, bias, checked.options, out);
  return out;
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
  const { stride, padding, dilation } = options;
  const { height: inH, width: inW, data: x } = input;
  const { height: kH, width: kW, data: k } = kernel;
  const { height: outH, width: outW, data: y } = out;
  for (let i = 0; i < outH; i++) {
    const top = i * stride - padding;
    for (let j = 0; j < outW; j++) {
      const left = j * stride - padding;
      let s = bias;
      for (let a = 0; a < kH; a++) {
        const r = top + a * dilation;
        if (r < 0 || r >= inH) continue;
        const row = r * inW;
        for (let b = 0; b < kW; b++) {
          const c = left + b * dilation;
          if (c < 0 || c >= inW) continue;
          s += (k[a * kW + b] as number) * (x[row + c] as number);
        }
      }
      y[i * outW + j] = s;
    }
  }
}
