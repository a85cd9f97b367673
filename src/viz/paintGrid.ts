import type { Grid } from "../engine/index";
import type { Rgb } from "./color";

/** Alpha of a cell the sweep has not reached yet, and of one it has. */
const FADED = 56;
const SHOWN = 255;

/** What a canvas shows now, kept so that the next paint redraws only what changed. */
interface Painted {
  grid: Grid;
  color: (value: number) => Rgb;
  fadeFrom: number;
  image: ImageData;
}
const painted = new WeakMap<HTMLCanvasElement, Painted>();

/** The grid a canvas last showed through paintGrid (what its pointer tip reads), if any. */
export function paintedGrid(canvas: HTMLCanvasElement | null): Grid | undefined {
  return canvas ? painted.get(canvas)?.grid : undefined;
}

/**
 * Paints a grid into a canvas, one canvas pixel per cell (CSS scales it up, pixelated).
 * Cells from index `fadeFrom` on are drawn faded: positions the sweep has not reached yet.
 *
 * With the same colour function and shape as the last paint of this canvas (a playing or
 * scrubbed sweep: the fade moves, a few sums change), only the cells whose value or fade
 * changed are recoloured, and only the rows holding them are put back: at 128x128 that is a
 * few dozen cells a frame instead of 16,384. Grids are never changed in place, so a cell whose
 * value is the same number is the same colour.
 *
 * Each paint bumps the canvas's `data-painted` counter: pixels are invisible to a
 * MutationObserver, the attribute is not (bench/page/drawing.mjs times repaints by it). No
 * style rule reads it, so the write costs no style or layout work.
 */
export function paintGrid(
  canvas: HTMLCanvasElement,
  grid: Grid,
  color: (value: number) => Rgb,
  fadeFrom = Number.POSITIVE_INFINITY,
): void {
  const ctx = canvas.getContext("2d");
  if (ctx === null) return;
  const last = painted.get(canvas);
  const { width, height, data } = grid;
  if (
    last !== undefined &&
    last.color === color &&
    last.image.width === width &&
    last.image.height === height &&
    canvas.width === width &&
    canvas.height === height
  ) {
    const px = last.image.data;
    let first = Number.POSITIVE_INFINITY;
    let end = -1;
    if (last.grid !== grid) {
      const old = last.grid.data;
      for (let i = 0; i < data.length; i++) {
        const v = data[i] as number;
        // Object.is: NaN equals NaN, and -0 is not 0 (it may colour differently).
        if (Object.is(v, old[i])) continue;
        const [r, g, b] = color(v);
        px[i * 4] = r;
        px[i * 4 + 1] = g;
        px[i * 4 + 2] = b;
        if (i < first) first = i;
        end = i + 1;
      }
    }
    const from = Math.max(0, Math.min(last.fadeFrom, fadeFrom));
    const to = Math.min(data.length, Math.max(last.fadeFrom, fadeFrom));
    for (let i = from; i < to; i++) px[i * 4 + 3] = i >= fadeFrom ? FADED : SHOWN;
    if (to > from) {
      first = Math.min(first, from);
      end = Math.max(end, to);
    }
    last.grid = grid;
    last.fadeFrom = fadeFrom;
    if (end > first) {
      const top = Math.floor(first / width);
      const bottom = Math.floor((end - 1) / width);
      ctx.putImageData(last.image, 0, 0, 0, top, width, bottom - top + 1);
    }
  } else {
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const image = ctx.createImageData(width, height);
    const px = image.data;
    for (let i = 0; i < data.length; i++) {
      const [r, g, b] = color(data[i] as number);
      const o = i * 4;
      px[o] = r;
      px[o + 1] = g;
      px[o + 2] = b;
      px[o + 3] = i >= fadeFrom ? FADED : SHOWN;
    }
    ctx.putImageData(image, 0, 0);
    painted.set(canvas, { grid, color, fadeFrom, image });
  }
  canvas.dataset.painted = String((Number(canvas.dataset.painted) || 0) + 1);
}
