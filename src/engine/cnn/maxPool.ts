import { checkBuffer, checkInteger } from "./checks";

/**
 * The shape of a 2x2 max-pool with stride 2 over `[C][H][W]`: output `[C][⌊H/2⌋][⌊W/2⌋]`.
 * With an odd side the last row or column is dropped (as "valid" pooling does).
 */
export interface PoolShape {
  /** Channels, pooled independently. */
  readonly channels: number;
  /** Input rows (≥ 2). */
  readonly inHeight: number;
  /** Input columns (≥ 2). */
  readonly inWidth: number;
  /** ⌊inHeight / 2⌋. */
  readonly outHeight: number;
  /** ⌊inWidth / 2⌋. */
  readonly outWidth: number;
}

/** Checks a pool's input shape and derives its output; throws RangeError naming the field. */
export function poolShape(channels: number, inHeight: number, inWidth: number): PoolShape {
  checkInteger("channels", channels, 1, 4096);
  checkInteger("inHeight", inHeight, 2, 4096);
  checkInteger("inWidth", inWidth, 2, 4096);
  return {
    channels,
    inHeight,
    inWidth,
    outHeight: Math.floor(inHeight / 2),
    outWidth: Math.floor(inWidth / 2),
  };
}

/**
 * Max-pool forward: each output cell is the largest of its 2x2 window, and `winners` records
 * which input cell (its index in `input`) that was.
 *
 * Ties: the first maximum in the window's row-major order wins (top-left, top-right,
 * bottom-left, bottom-right; a later cell must be strictly greater), as in TensorFlow.js's
 * CPU backend and convnetjs. After a ReLU, ties are mostly all-zero windows; δ routed to a
 * zero cell is then stopped by the ReLU, so the choice changes no gradient there.
 */
export function maxPoolForward(
  s: PoolShape,
  input: Float64Array,
  out: Float64Array,
  winners: Int32Array,
): void {
  const { channels: C, inHeight: H, inWidth: W, outHeight: oh, outWidth: ow } = s;
  checkBuffer("input", input, C * H * W);
  checkBuffer("out", out, C * oh * ow);
  if (!(winners instanceof Int32Array) || winners.length !== out.length) {
    throw new RangeError(`winners must be an Int32Array of ${out.length}; got ${winners?.length}`);
  }
  let o = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < oh; i++) {
      const top = (c * H + 2 * i) * W;
      for (let j = 0; j < ow; j++) {
        const first = top + 2 * j;
        let best = first;
        let max = input[first] as number;
        const v1 = input[first + 1] as number;
        if (v1 > max) {
          max = v1;
          best = first + 1;
        }
        const v2 = input[first + W] as number;
        if (v2 > max) {
          max = v2;
          best = first + W;
        }
        const v3 = input[first + W + 1] as number;
        if (v3 > max) {
          max = v3;
          best = first + W + 1;
        }
        out[o] = max;
        winners[o] = best;
        o++;
      }
    }
  }
}

/**
 * Max-pool backward: the whole δ of each output cell goes to the cell that won its window;
 * every other input cell gets 0. Writes `inputGrad` (windows do not overlap, so each input
 * cell receives at most one δ).
 */
export function maxPoolBackward(
  s: PoolShape,
  winners: Int32Array,
  outputGrad: Float64Array,
  inputGrad: Float64Array,
): void {
  checkBuffer("outputGrad", outputGrad, s.channels * s.outHeight * s.outWidth);
  checkBuffer("inputGrad", inputGrad, s.channels * s.inHeight * s.inWidth);
  inputGrad.fill(0);
  for (let o = 0; o < outputGrad.length; o++) {
    inputGrad[winners[o] as number] = outputGrad[o] as number;
  }
}
