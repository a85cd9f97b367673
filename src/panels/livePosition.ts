import { type AppState, appStore } from "../state/store";
import { useApp } from "../state/useApp";
import { focusIndex, type PositionView, positionView } from "./positionView";

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
  // While a new sweep is computed, the old one may not match the new image's shape.
  const view =
    s.sweep !== null && positionViewShape(s) !== null
      ? positionView(s.sweep, focusIndex(s.position), s.image, s.target)
      : null;
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

/** The numbers of a shape key made as `${height}x${width}` (and more `x…` parts). */
export function sizesOf(key: string): number[] {
  return key.split("x").map(Number);
}

/** The window's cells relative to its top-left (the kernel's taps with dilation), per shape. */
const windows = new Map<string, { row: number; col: number }[]>();

/**
 * The cells the filter sees, relative to the window's origin, for the sweep shown (its kernel
 * shape and dilation): the structure a MovingWindow draws once. Null before a sweep.
 */
export function useWindowCells(): readonly { row: number; col: number }[] | null {
  const key = useApp((s) =>
    s.sweep ? `${s.sweep.kernelHeight}x${s.sweep.kernelWidth}x${s.sweep.options.dilation}` : null,
  );
  if (key === null) return null;
  let cells = windows.get(key);
  if (cells === undefined) {
    const [kH, kW, d] = sizesOf(key) as [number, number, number];
    cells = [];
    for (let a = 0; a < kH; a++)
      for (let b = 0; b < kW; b++) cells.push({ row: a * d, col: b * d });
    windows.set(key, cells);
  }
  return cells;
}

/** Speeds above this add more than one position per 60 Hz frame. */
const ONE_PER_FRAME = 60;

/**
 * The least time between two paints of the per-position views, for useFramePaint: once a
 * frame, except while a sweep plays faster than one position a frame; then every other frame
 * (30 Hz), which still shows every 2nd … 60th position and halves the page's work.
 */
export function paintInterval(): number {
  const s = appStore.getState();
  return s.playing && s.speed > ONE_PER_FRAME ? 25 : 1;
}

/** The same for the status, which otherwise shows every change at once. */
export function statusInterval(): number {
  const s = appStore.getState();
  return s.playing && s.speed > ONE_PER_FRAME ? 25 : 0;
}
