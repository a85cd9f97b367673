import type { Grid } from "../engine/index";
import type { Rgb } from "./color";

/**
 * Paints a grid into a canvas, one canvas pixel per cell (CSS scales it up, pixelated).
 * Cells from index `fadeFrom` on are drawn faded: positions the sweep has not reached yet.
 */
export function paintGrid(
  canvas: HTMLCanvasElement,
  grid: Grid,
  color: (value: number) => Rgb,
  fadeFrom = Number.POSITIVE_INFINITY,
): void {
  if (canvas.width !== grid.width) canvas.width = grid.width;
  if (canvas.height !== grid.height) canvas.height = grid.height;
  const ctx = canvas.getContext("2d");
  if (ctx === null) return;
  const image = ctx.createImageData(grid.width, grid.height);
  const px = image.data;
  for (let i = 0; i < grid.data.length; i++) {
    const [r, g, b] = color(grid.data[i] as number);
    const o = i * 4;
    px[o] = r;
    px[o + 1] = g;
    px[o + 2] = b;
    px[o + 3] = i >= fadeFrom ? 56 : 255;
  }
  ctx.putImageData(image, 0, 0);
}
