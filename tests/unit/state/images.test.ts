import { expect, test } from "vitest";
import { IMAGE_PRESETS, presetImage } from "../../../src/state/images";

const SHAPES: [number, number][] = [
  [32, 32],
  [2, 64],
  [64, 2],
  [1, 4096],
  [4096, 1],
  [7, 3],
];

test.each(SHAPES)("every preset at %ix%i keeps that shape and draws something", (height, width) => {
  for (const preset of IMAGE_PRESETS) {
    const image = presetImage(preset, height, width);
    expect([image.height, image.width], preset).toEqual([height, width]);
    expect(image.data.length, preset).toBe(height * width);
    expect(
      image.data.every((v) => v >= 0 && v <= 1),
      preset,
    ).toBe(true);
    // Not one flat value (NaN would also show here: a Set holds it once, and fails the range).
    if (preset !== "blank") expect(new Set(image.data).size, preset).toBeGreaterThan(1);
  }
});

test("a 1x1 preset is one value in [0, 1]", () => {
  for (const preset of IMAGE_PRESETS) {
    const image = presetImage(preset, 1, 1);
    expect([image.height, image.width, image.data.length]).toEqual([1, 1, 1]);
    expect(image.data[0]).toBeGreaterThanOrEqual(0);
    expect(image.data[0]).toBeLessThanOrEqual(1);
  }
});

test("the edge and the gradient run left to right, or top to bottom on a one-column image", () => {
  const wide = presetImage("edge", 2, 4);
  expect(Array.from(wide.data)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  const tall = presetImage("edge", 4, 1);
  expect(Array.from(tall.data)).toEqual([0, 0, 1, 1]);
  expect(Array.from(presetImage("gradient", 1, 3).data)).toEqual([0, 0.5, 1]);
  expect(Array.from(presetImage("gradient", 3, 1).data)).toEqual([0, 0.5, 1]);
});

test("the digit keeps its proportions: on a wide image it sits in the middle", () => {
  // 32 rows by 96 columns: the "2" fills the middle 32 columns; the outer thirds show only
  // the faint wash (below 0.2).
  const image = presetImage("digit", 32, 96);
  const bright = (c0: number, c1: number) => {
    let n = 0;
    for (let r = 0; r < 32; r++)
      for (let c = c0; c < c1; c++) if ((image.data[r * 96 + c] as number) > 0.5) n++;
    return n;
  };
  expect(bright(0, 32)).toBe(0);
  expect(bright(64, 96)).toBe(0);
  expect(bright(32, 64)).toBeGreaterThan(50);
  // The same stroke as the 32x32 digit, shifted by 32 columns.
  const square = presetImage("digit", 32, 32);
  for (let r = 0; r < 32; r++)
    for (let c = 0; c < 32; c++) {
      const a = square.data[r * 32 + c] as number;
      const b = image.data[r * 96 + 32 + c] as number;
      if (a > 0.5 || b > 0.5) expect(b).toBeCloseTo(a, 12);
    }
});
