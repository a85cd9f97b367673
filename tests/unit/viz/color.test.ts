import { schemeRdBu } from "d3-scale-chromatic";
import { expect, test } from "vitest";
import { divergingColor, parseRgb, rdBu } from "../../../src/viz/color";

test("rdBu passes through ColorBrewer's 11 RdBu classes (d3's schemeRdBu[11]) and clamps", () => {
  const classes = (schemeRdBu[11] ?? []).map(parseRgb);
  expect(classes).toHaveLength(11);
  classes.forEach((colour, k) => {
    expect(rdBu(k / 10), `class ${k}`).toEqual(colour);
  });
  expect(rdBu(-0.5)).toEqual(classes[0]);
  expect(rdBu(1.5)).toEqual(classes[10]);
});

test("the diverging scale is blue below zero, near white at zero, red above", () => {
  const [r0, , b0] = divergingColor(-1, 1);
  const [r1, , b1] = divergingColor(1, 1);
  expect(b0).toBeGreaterThan(r0);
  expect(r1).toBeGreaterThan(b1);
  expect(divergingColor(0, 1).every((c) => c > 230)).toBe(true);
});
