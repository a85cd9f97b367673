import type { LossPoint } from "./store";

/** The loss curve keeps at most about this many points, however long training runs. */
export const MAX_LOSS_POINTS = 4096;

/** A loss curve of bounded size: every `stride`-th update, plus the first and the latest. */
export interface LossCurve {
  /** Points in update order: all on the stride except perhaps the first and the last. */
  lossHistory: LossPoint[];
  /** Only updates that are multiples of this are kept (besides the first and the latest). */
  lossStride: number;
}

/**
 * Appends points (in update order; ones not after the curve's last are ignored). When the
 * curve outgrows MAX_LOSS_POINTS its stride doubles and the points between are dropped, so a
 * 100,000-step run keeps a few thousand points and memory stays flat. Returns a new curve.
 */
export function appendLoss(curve: LossCurve, added: Iterable<LossPoint>): LossCurve {
  let stride = curve.lossStride;
  const points = curve.lossHistory.slice();
  for (const p of added) {
    const last = points[points.length - 1];
    if (last !== undefined && last.update >= p.update) continue;
    // The latest point is kept even off the stride; it gives way to the next one.
    if (last !== undefined && points.length > 1 && last.update % stride !== 0) points.pop();
    points.push(p);
  }
  while (points.length > MAX_LOSS_POINTS) {
    stride *= 2;
    const kept = points.filter(
      (p, i) => i === 0 || i === points.length - 1 || p.update % stride === 0,
    );
    points.length = 0;
    points.push(...kept);
  }
  return { lossHistory: points, lossStride: stride };
}

/** Training counts as exploding once the loss is this many times the loss it started from. */
export const EXPLODING_FACTOR = 1e6;

/** True when a loss is not finite, or has grown EXPLODING_FACTOR times past `first`. */
export function isExploding(loss: number, first: number): boolean {
  return !Number.isFinite(loss) || loss > EXPLODING_FACTOR * Math.max(first, Number.MIN_VALUE);
}
