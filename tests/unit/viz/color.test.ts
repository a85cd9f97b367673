import { interpolateRdBu } from "d3-scale-chromatic";
import { expect, test } from "vitest";
import { divergingColor, parseRgb, rdBu } from "../../../src/viz/color";

test("rdBu paints exactly d3's interpolateRdBu, so dropping d3 from the first load changes no pixel", () => {
  for (let i = 0; i <= 1000; i++) {
    const t = i / 1000;
    expect(rdBu(t), `t = ${t}`).toEqual(parseRgb(interpolateRdBu(t)));
  }
  expect(rdBu(-0.5)).toEqual(parseRgb(interpolateRdBu(-0.5)));
  expect(rdBu(1.5)).toEqual(parseRgb(interpolateRdBu(1.5)));
});

test("the diverging scale is blue below zero, near white at zero, red above", () => {
  const [r0, , b0] = divergingColor(-1, 1);
  const [r1, , b1] = divergingColor(1, 1);
  expect(b0).toBeGreaterThan(r0);
  expect(r1).toBeGreaterThan(b1);
  expect(divergingColor(0, 1).every((c) => c > 230)).toBe(true);
});
