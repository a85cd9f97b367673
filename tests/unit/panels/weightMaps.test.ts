/**
 * The weight-maps view's maths: each map cell is the sweep's own kernel-gradient term, and the
 * maps sum to the store's sums; keyboard moves inside a map.
 */
import { describe, expect, test } from "vitest";
import {
  conv2d,
  emptySums,
  positionContributions,
  squaredErrorGrad,
  sumsAt,
} from "../../../src/engine/index";
import { movedIndex, tapName, weightTermMaps } from "../../../src/panels/WeightMaps/weightMaps";
import { describeCase } from "../engine/random";
import { caseAndSweep, SEEDS } from "./sweepCases";

describe("weightTermMaps", () => {
  test.each(SEEDS)(
    "seed %i: map t summed over the first P positions is the store's kernelGrad[t]",
    (seed) => {
      const { c, sweep } = caseAndSweep(seed);
      const maps = weightTermMaps(sweep);
      const n = sweep.outHeight * sweep.outWidth;
      expect(maps.length, describeCase(c)).toBe(c.kernel.height * c.kernel.width);
      for (const P of [0, 1, Math.floor(n / 2), n]) {
        const sums = sumsAt(sweep, emptySums(sweep), P);
        maps.forEach((map, t) => {
          expect(map.height).toBe(sweep.outHeight);
          expect(map.width).toBe(sweep.outWidth);
          let s = 0;
          for (let p = 0; p < P; p++) s += map.data[p] as number;
          expect(
            Object.is(s, sums.kernelGrad.data[t]),
            `${describeCase(c)}, P=${P}, tap ${t}`,
          ).toBe(true);
        });
      }
    },
  );

  test("each map cell is exactly positionContributions' kernel-gradient term", () => {
    const { c, sweep } = caseAndSweep(42);
    const maps = weightTermMaps(sweep);
    const grad = squaredErrorGrad(conv2d(c.input, c.kernel, c.bias, c.options), c.target, "sum");
    let p = 0;
    for (const pc of positionContributions(c.input, c.kernel, grad, c.options)) {
      pc.kernelGrad.data.forEach((v, t) => {
        expect(maps[t]?.data[p]).toBe(v);
      });
      p++;
    }
  });

  test("tap names are w[a][b] in row-major order", () => {
    expect([0, 1, 2, 3, 8].map((t) => tapName(t, 3))).toEqual([
      "w[0][0]",
      "w[0][1]",
      "w[0][2]",
      "w[1][0]",
      "w[2][2]",
    ]);
    expect(tapName(9, 5)).toBe("w[1][4]");
  });
});

describe("movedIndex (keyboard inside a map)", () => {
  test("arrows move one cell and stop at the edges; Home and End jump", () => {
    // 4 rows x 5 cols; index 7 is row 1, col 2.
    expect(movedIndex(7, "ArrowLeft", 4, 5)).toBe(6);
    expect(movedIndex(7, "ArrowRight", 4, 5)).toBe(8);
    expect(movedIndex(7, "ArrowUp", 4, 5)).toBe(2);
    expect(movedIndex(7, "ArrowDown", 4, 5)).toBe(12);
    expect(movedIndex(5, "ArrowLeft", 4, 5)).toBe(5);
    expect(movedIndex(9, "ArrowRight", 4, 5)).toBe(9);
    expect(movedIndex(2, "ArrowUp", 4, 5)).toBe(2);
    expect(movedIndex(17, "ArrowDown", 4, 5)).toBe(17);
    expect(movedIndex(7, "Home", 4, 5)).toBe(0);
    expect(movedIndex(7, "End", 4, 5)).toBe(19);
    expect(movedIndex(7, "a", 4, 5)).toBeNull();
  });
});
