/**
 * The running sums of a sweep inside the network: the first `position` positions' terms
 * added in row-major order from zero, exactly as the engine forms one image's gradient (so
 * at the last position they equal it to the bit).
 */
import type { NetworkSweepResult } from "../../worker/client";

/** One filter's sums over the first positions of its sweep. */
export interface NetworkSums {
  /** Σ δ · patch, `[C][kh][kw]`. */
  readonly weightGrad: Float64Array;
  /** Σ δ. */
  readonly biasGrad: number;
  /** Σ δ · w placed over each patch: this filter's share of the layer below's δ, `[C][H][W]`. */
  readonly below: Float64Array;
  /** How many of the summed positions had a δ other than zero. */
  readonly contributed: number;
}

/** The sums of the first `position` positions of `result`'s sweep. */
export function networkSums(result: NetworkSweepResult, position: number): NetworkSums {
  const s = result.sweep;
  const { inChannels: C, inHeight: H, inWidth: W, outWidth: ow } = s.shape;
  const { kernelHeight: kh, kernelWidth: kw, stride, padding, dilation } = s.shape;
  const size = s.weights.length;
  const weightGrad = new Float64Array(size);
  const below = new Float64Array(C * H * W);
  let biasGrad = 0;
  let contributed = 0;
  for (let p = 0; p < position; p++) {
    const delta = s.delta[p] as number;
    for (let t = 0; t < size; t++) {
      weightGrad[t] = (weightGrad[t] as number) + (s.kernelTerms[p * size + t] as number);
    }
    biasGrad += delta;
    if (delta === 0) continue;
    contributed++;
    const top = Math.floor(p / ow) * stride - padding;
    const left = (p % ow) * stride - padding;
    for (let c = 0; c < C; c++) {
      for (let a = 0; a < kh; a++) {
        const r = top + a * dilation;
        if (r < 0 || r >= H) continue;
        for (let b = 0; b < kw; b++) {
          const q = left + b * dilation;
          if (q < 0 || q >= W) continue;
          const i = (c * H + r) * W + q;
          below[i] = (below[i] as number) + delta * (s.weights[(c * kh + a) * kw + b] as number);
        }
      }
    }
  }
  return { weightGrad, biasGrad, below, contributed };
}

/** The image-by-image sum of a batch's gradients of the filter (`[B][C·kh·kw]`), in order. */
export function batchSum(imageGrads: Float64Array, size: number): Float64Array {
  const sum = new Float64Array(size);
  for (let i = 0; i < imageGrads.length / size; i++) {
    for (let t = 0; t < size; t++) {
      sum[t] = (sum[t] as number) + (imageGrads[i * size + t] as number);
    }
  }
  return sum;
}
