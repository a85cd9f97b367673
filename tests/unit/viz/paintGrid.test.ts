import { expect, test } from "vitest";
import { createGrid, type Grid } from "../../../src/engine/index";
import { divergingColor } from "../../../src/viz/color";
import { paintGrid } from "../../../src/viz/paintGrid";
import { mulberry32 } from "../engine/random";

/** A canvas with a 2D context that keeps what putImageData put, as a browser would. */
function fakeCanvas() {
  const screen = { width: 0, height: 0, pixels: new Uint8ClampedArray(0) };
  const canvas = {
    dataset: {} as Record<string, string>,
    get width() {
      return screen.width;
    },
    set width(w: number) {
      screen.width = w;
      screen.pixels = new Uint8ClampedArray(w * screen.height * 4); // resizing clears
    },
    get height() {
      return screen.height;
    },
    set height(h: number) {
      screen.height = h;
      screen.pixels = new Uint8ClampedArray(screen.width * h * 4);
    },
    getContext: () => ({
      createImageData: (width: number, height: number) => ({
        width,
        height,
        data: new Uint8ClampedArray(width * height * 4),
      }),
      putImageData: (
        image: { width: number; data: Uint8ClampedArray },
        _dx: number,
        _dy: number,
        sx = 0,
        sy = 0,
        sw = image.width,
        sh = image.data.length / 4 / image.width,
      ) => {
        for (let y = sy; y < sy + sh; y++)
          for (let x = sx; x < sx + sw; x++)
            for (let k = 0; k < 4; k++) {
              const o = (y * image.width + x) * 4 + k;
              screen.pixels[o] = image.data[o] as number;
            }
      },
    }),
  };
  return { canvas: canvas as unknown as HTMLCanvasElement, screen };
}

function randomGrid(rand: () => number, h: number, w: number, zeros = 0.5): Grid {
  const g = createGrid(h, w);
  for (let i = 0; i < g.data.length; i++) g.data[i] = rand() < zeros ? 0 : rand() * 2 - 1;
  return g;
}

test("repainting only what changed gives the same pixels as painting from scratch", () => {
  const rand = mulberry32(3);
  const color = (v: number) => divergingColor(v, 1);
  const { canvas, screen } = fakeCanvas();
  let grid = randomGrid(rand, 9, 7);
  let fade = 30;
  paintGrid(canvas, grid, color, fade);
  for (let n = 0; n < 200; n++) {
    // Move the fade and change a few cells, as a playing sweep does; now and then a new shape.
    fade = Math.floor(rand() * (grid.data.length + 2)) - 1;
    const next = createGrid(grid.height, grid.width, Float64Array.from(grid.data));
    for (let k = 0; k < 3; k++)
      next.data[Math.floor(rand() * next.data.length)] = rand() < 0.2 ? Number.NaN : rand() - 0.5;
    grid = n % 50 === 49 ? randomGrid(rand, 4 + (n % 7), 5) : next;
    paintGrid(canvas, grid, color, fade);
    const fresh = fakeCanvas();
    paintGrid(fresh.canvas, grid, color, fade);
    expect(Array.from(screen.pixels), `paint ${n}`).toEqual(Array.from(fresh.screen.pixels));
  }
  expect(Number(canvas.dataset.painted)).toBe(201);
});
