import fc from "fast-check";
import { expect, test } from "vitest";
import { cropRect, rgbaToPlanar, toGray } from "../../../src/images";

test.each([
  // source w, h, target w, h → x, y, width, height
  [200, 100, 32, 32, 50, 0, 100, 100],
  [100, 200, 32, 32, 0, 50, 100, 100],
  [64, 64, 32, 32, 0, 0, 64, 64],
  [4000, 3000, 64, 32, 0, 500, 4000, 2000],
  [3000, 4000, 32, 64, 500, 0, 2000, 4000],
  [101, 100, 1, 1, 0, 0, 100, 100],
  [1, 4096, 128, 1, 0, 2047, 1, 1],
  [4096, 1, 1, 128, 2047, 0, 1, 1],
  [1, 1, 128, 128, 0, 0, 1, 1],
  [640, 480, 28, 28, 80, 0, 480, 480],
])(
  "cropRect(%i, %i, %i, %i) keeps the largest centred rectangle",
  (sw, sh, dw, dh, x, y, width, height) => {
    expect(cropRect(sw, sh, dw, dh)).toEqual({ x, y, width, height });
  },
);

test("cropRect stays inside the source, is centred, uses one full side and keeps the target's aspect within a pixel", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8000 }),
      fc.integer({ min: 1, max: 8000 }),
      fc.integer({ min: 1, max: 128 }),
      fc.integer({ min: 1, max: 128 }),
      (sw, sh, dw, dh) => {
        const { x, y, width, height } = cropRect(sw, sh, dw, dh);
        for (const v of [x, y, width, height]) expect(Number.isInteger(v)).toBe(true);
        expect(x >= 0 && y >= 0 && width >= 1 && height >= 1).toBe(true);
        expect(x + width <= sw && y + height <= sh).toBe(true);
        // Centred: the margins differ by at most a pixel.
        expect(Math.abs(sw - width - 2 * x)).toBeLessThanOrEqual(1);
        expect(Math.abs(sh - height - 2 * y)).toBeLessThanOrEqual(1);
        // Largest: one side is the source's whole side, the other the target's aspect of it.
        const fullHeight = height === sh && Math.abs(width - (sh * dw) / dh) < 1;
        const fullWidth = width === sw && Math.abs(height - (sw * dh) / dw) < 1;
        expect(fullHeight || fullWidth).toBe(true);
      },
    ),
    { numRuns: 2000 },
  );
});

test("cropRect refuses sizes that are not whole positive numbers", () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    expect(() => cropRect(bad, 10, 10, 10)).toThrow(RangeError);
    expect(() => cropRect(10, 10, 10, bad)).toThrow(/whole number/);
  }
});

test("rgbaToPlanar lays RGBA out as [3][H][W]", () => {
  // 2 rows x 3 columns, opaque; pixel p has R = p, G = 10 + p, B = 20 + p.
  const rgba = new Uint8Array(24);
  for (let p = 0; p < 6; p++) rgba.set([p, 10 + p, 20 + p, 255], 4 * p);
  expect([...rgbaToPlanar(rgba, 2, 3)]).toEqual([
    0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25,
  ]);
});

test("rgbaToPlanar composites on white: every colour and alpha, rounded as c·a/255 + 255·(1 − a/255)", () => {
  for (let a = 0; a < 256; a++) {
    const rgba = new Uint8Array(4 * 256);
    for (let c = 0; c < 256; c++) rgba.set([c, c, c, a], 4 * c);
    const expected = Array.from({ length: 256 }, (_, c) =>
      Math.round((c * a) / 255 + 255 * (1 - a / 255)),
    );
    const planar = rgbaToPlanar(rgba, 16, 16);
    expect([...planar.subarray(0, 256)], `alpha ${a}`).toEqual(expected);
    expect([...planar.subarray(512)], `alpha ${a}`).toEqual(expected);
  }
  expect([...rgbaToPlanar(new Uint8Array([0, 0, 0, 0]), 1, 1)]).toEqual([255, 255, 255]);
  expect([...rgbaToPlanar(new Uint8Array([0, 0, 0, 128]), 1, 1)]).toEqual([127, 127, 127]);
});

test("rgbaToPlanar writes into a larger buffer at an offset, and refuses wrong sizes", () => {
  const out = new Uint8Array(10).fill(9);
  rgbaToPlanar(new Uint8Array([1, 2, 3, 255]), 1, 1, out, 4);
  expect([...out]).toEqual([9, 9, 9, 9, 1, 2, 3, 9, 9, 9]);
  expect(() => rgbaToPlanar(new Uint8Array(7), 1, 2)).toThrow(RangeError);
  expect(() => rgbaToPlanar(new Uint8Array(4), 1, 1, new Uint8Array(2))).toThrow(RangeError);
});

test("toGray is BT.601 luma rounded, image by image", () => {
  // Two 1x2 images: (white, red) and (green, blue).
  const rgb = new Uint8Array(12);
  rgb.set([255, 255, 255, 0, 255, 0]); // image 1: R = [255, 255], G = [255, 0], B = [255, 0]
  rgb.set([0, 0, 255, 0, 0, 255], 6); // image 2: R = [0, 0], G = [255, 0], B = [0, 255]
  expect([...toGray(rgb, 2, 1, 2)]).toEqual([255, 76, 150, 29]);
  expect(() => toGray(rgb, 3, 1, 2)).toThrow(RangeError);
});

test("toGray matches 0.299 R + 0.587 G + 0.114 B rounded, and lies between the channels", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      (r, g, b) => {
        const [gray] = toGray(new Uint8Array([r, g, b]), 1, 1, 1);
        const exact = (299 * r + 587 * g + 114 * b) / 1000;
        expect(Math.abs((gray ?? -1) - exact)).toBeLessThanOrEqual(0.5);
        expect(gray).toBeGreaterThanOrEqual(Math.min(r, g, b));
        expect(gray).toBeLessThanOrEqual(Math.max(r, g, b));
      },
    ),
    { numRuns: 3000 },
  );
});
