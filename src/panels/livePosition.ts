import { focusIndex, type PositionView, positionView } from "../state/positionView";
import type { AppState } from "../state/store";
import { useApp } from "../state/useApp";

/**
 * What the per-frame painters of the main panels share: the focused position's view of a
 * state, read outside React (see src/viz/useFramePaint.ts), computed once per state for all
 * the panels that paint it in the same frame.
 */

let cached: { key: unknown[]; view: PositionView | null } | null = null;

/** The view of the position the panels focus on (the last one added), or null before a sweep. */
export function positionViewOf(s: AppState): PositionView | null {
  const key = [s.sweep, s.position, s.image, s.target];
  if (cached?.key.every((k, i) => k === key[i])) return cached.view;
  const { sweep, image, target } = s;
  let view: PositionView | null = null;
  // While a new sweep is computed, the old one may not match the new image's shape.
  if (
    sweep !== null &&
    sweep.inputHeight === image.height &&
    sweep.inputWidth === image.width &&
    target.height === sweep.outHeight &&
    target.width === sweep.outWidth
  )
    view = positionView(sweep, focusIndex(s.position), image, target);
  cached = { key, view };
  return view;
}

/** Whether a sweep that matches the image is there to show (the panels' structure, not a frame). */
export function useHasView(): boolean {
  return useApp((s) => positionViewShape(s) !== null);
}

/** The kernel's shape of the sweep shown, "HxW", or null when none matches the image. */
export function positionViewShape(s: AppState): string | null {
  const { sweep, image, target } = s;
  if (
    sweep === null ||
    sweep.inputHeight !== image.height ||
    sweep.inputWidth !== image.width ||
    target.height !== sweep.outHeight ||
    target.width !== sweep.outWidth
  )
    return null;
  return `${sweep.kernelHeight}x${sweep.kernelWidth}`;
}

/** The number of output positions of the state's sweep (0 before the first). */
export function totalOf(s: AppState): number {
  return s.sweep ? s.sweep.outHeight * s.sweep.outWidth : 0;
}
