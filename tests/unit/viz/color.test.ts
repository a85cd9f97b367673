import { interpolateRdBu } from "d3-scale-chromatic";
import { expect, test } from "vitest";
import { divergingColor, parseRgb } from "../../../src/viz/color";

test("the diverging scale paints exactly d3's interpolateRdBu, from -maxAbs (t = 1) to +maxAbs (t = 0)", () => {
  for (let i = 0; i <= 255; i++) {
    const value = -1 + (2 * i) / 255;
    expect(divergingColor(value, 1), `entry ${i}`).toEqual(
      parseRgb(interpolateRdBu((255 - i) / 255)),
    );
  }
  expect(divergingColor(-7, 2)).toEqual(parseRgb(interpolateRdBu(1)));
  expect(divergingColor(7, 2)).toEqual(parseRgb(interpolateRdBu(0)));
});

test("the diverging scale is blue below zero, near white at zero, red above", () => {
  const [r0, , b0] = divergingColor(-1, 1);
  const [r1, , b1] = divergingColor(1, 1);
  expect(b0).toBeGreaterThan(r0);
  expect(r1).toBeGreaterThan(b1);
  expect(divergingColor(0, 1).every((c) => c > 230)).toBe(true);
});
