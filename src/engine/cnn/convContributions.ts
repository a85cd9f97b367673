import { checkBuffer, checkInteger } from "./checks";
import { type ConvShape, filterSize } from "./conv";

/** What one output position of one filter adds to that filter's sums (one image). */
export interface ConvContribution {
  /** Output row of this position. */
  readonly row: number;
  /** Output column of this position. */
  readonly col: number;
  /** δ = ∂L/∂out[filter][row][col]: what the layers above send back to this position. */
  readonly delta: number;
  /** δ · the patch this position saw, every input channel: `[C][kh][kw]` (zero over padding). */
  readonly kernelGrad: Float64Array;
  /** This position's share of the filter's bias gradient: δ itself. */
  readonly biasGrad: number;
  /** δ · the filter's weights, `[C][kh][kw]`: what this position sends to the layer below. */
  readonly inputGradPatch: Float64Array;
  /**
   * Input coordinates of the patch's tap (0, 0) in every channel; negative with padding. Tap
   * (a, b) lands on input cell (row + a·dilation, col + b·dilation) of this origin (the
   * layer's dilation, 1 unless set); cells outside the input (in the padding) are dropped.
   */
  readonly inputOrigin: { readonly row: number; readonly col: number };
}

/**
 * The per-position contributions of one filter for one image, one entry per output position
 * in row-major order (outH · outW entries, zero δ included). Summed in order from zero:
 * - the kernelGrad entries give exactly (to the bit) what `convBackward` adds to
 *   `weightGrad` for this filter, and the biasGrad entries what it adds to `biasGrad`;
 * - the inputGradPatch entries, placed at their origins, give this filter's share of the
 *   layer below's δ; doing so for filters 0, 1, …, K−1 in turn into one buffer gives
 *   exactly `convBackward`'s `inputGrad`.
 * Each entry has buffers of its own (safe to keep). Arguments are checked before the first.
 */
export function convContributions(
  s: ConvShape,
  input: Float64Array,
  weights: Float64Array,
  outputGrad: Float64Array,
  filter: number,
): Iterable<ConvContribution> {
  checkBuffer("input", input, s.inChannels * s.inHeight * s.inWidth);
  checkBuffer("weights", weights, s.filters * filterSize(s));
  checkBuffer("outputGrad", outputGrad, s.filters * s.outHeight * s.outWidth);
  checkInteger("filter", filter, 0, s.filters - 1);
  return (function* () {
    const { inChannels: C, inHeight: H, inWidth: W, kernelHeight: kh, kernelWidth: kw } = s;
    const { stride, padding, dilation, outHeight: oh, outWidth: ow } = s;
    const fsize = filterSize(s);
    for (let row = 0; row < oh; row++) {
      for (let col = 0; col < ow; col++) {
        const delta = outputGrad[(filter * oh + row) * ow + col] as number;
        const top = row * stride - padding;
        const left = col * stride - padding;
        const kernelGrad = new Float64Array(fsize);
        const inputGradPatch = new Float64Array(fsize);
        for (let c = 0; c < C; c++) {
          for (let a = 0; a < kh; a++) {
            const r = top + a * dilation;
            for (let b = 0; b < kw; b++) {
              const q = left + b * dilation;
              const inside = r >= 0 && r < H && q >= 0 && q < W;
              const t = (c * kh + a) * kw + b;
              kernelGrad[t] = delta * (inside ? (input[(c * H + r) * W + q] as number) : 0);
              inputGradPatch[t] = delta * (weights[filter * fsize + t] as number);
            }
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

/**
 * How many of one filter's output positions contribute something: those whose δ is not zero
 * (e.g. "212 of 900 positions contribute"). The rest add ±0 to every sum.
 */
export function contributingPositions(
  s: ConvShape,
  outputGrad: Float64Array,
  filter: number,
): number {
  checkBuffer("outputGrad", outputGrad, s.filters * s.outHeight * s.outWidth);
  checkInteger("filter", filter, 0, s.filters - 1);
  const plane = s.outHeight * s.outWidth;
  let count = 0;
  for (let p = filter * plane; p < (filter + 1) * plane; p++) {
    if ((outputGrad[p] as number) !== 0) count++;
  }
  return count;
}
