import type { PracticeState } from "../exercise";

/**
 * The input cell that kernel tap `tap` sees at output position `p` (0 over the padding):
 * the x in the term δ · x.
 */
export function seenCell(state: PracticeState, p: number, tap: number): number {
  const { image, kernel, options, sweep } = state;
  const row = Math.floor(p / sweep.outWidth) * options.stride - options.padding;
  const col = (p % sweep.outWidth) * options.stride - options.padding;
  const r = row + Math.floor(tap / kernel.width) * options.dilation;
  const c = col + (tap % kernel.width) * options.dilation;
  if (r < 0 || r >= image.height || c < 0 || c >= image.width) return 0;
  return image.data[r * image.width + c] as number;
}
