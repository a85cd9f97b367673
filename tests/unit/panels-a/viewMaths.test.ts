/**
 * The maths behind the weight-maps, formula and recurrent views: what they show must be the
 * sweep's own numbers and sum exactly to the store's sums.
 */
import { describe, expect, test } from "vitest";
import {
  computeSweep,
  conv2d,
  emptySums,
  positionContributions,
  squaredErrorGrad,
  sumsAt,
} from "../../../src/engine/index";
import {
  defaultOptions,
  formulaTerm,
  indexExpression,
  indexText,
} from "../../../src/panels/Formula/formulaTerm";
import {
  DEFAULT_RECURRENT,
  draftsOf,
  PANEL_MAX_STEPS,
  parseDrafts,
} from "../../../src/panels/Recurrent/recurrentInputs";
import { movedIndex, tapName, weightTermMaps } from "../../../src/panels/WeightMaps/weightMaps";
import { describeCase, mulberry32, randomCase } from "../engine/random";

const SEEDS = Array.from({ length: 25 }, (_, i) => 7000 + i);

function caseAndSweep(seed: number) {
  const c = randomCase(mulberry32(seed), { maxInput: 12 });
  const sweep = computeSweep(c.input, c.kernel, c.bias, c.target, c.options, "sum");
  return { c, sweep };
}

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

describe("formulaTerm", () => {
  test.each(SEEDS)("seed %i: before + this term is exactly the ordered sum of P terms", (seed) => {
    const { c, sweep } = caseAndSweep(seed);
    const n = sweep.outHeight * sweep.outWidth;
    const kCells = c.kernel.height * c.kernel.width;
    const grad = squaredErrorGrad(conv2d(c.input, c.kernel, c.bias, c.options), c.target, "sum");
    const contributions = [...positionContributions(c.input, c.kernel, grad, c.options)];
    for (const P of new Set([1, Math.min(2, n), Math.ceil(n / 3), n])) {
      const store = sumsAt(sweep, emptySums(sweep), P);
      for (let tap = 0; tap < kCells; tap++) {
        const f = formulaTerm(sweep, c.input, P, tap);
        const what = `${describeCase(c)}, P=${P}, tap ${tap}`;
        expect(f.added).toBe(true);
        expect(f.count).toBe(P);
        expect(f.total).toBe(n);
        expect(f.index).toBe(P - 1);
        const pc = contributions[P - 1];
        expect(f.row, what).toBe(pc?.row);
        expect(f.col, what).toBe(pc?.col);
        expect(f.delta, what).toBe(pc?.delta);
        expect(f.product, what).toBe(pc?.kernelGrad.data[tap]);
        // The product shown is δ times the input cell shown (0 in the padding).
        expect(Object.is(f.product, f.delta * f.x) || (f.x === 0 && f.product === 0), what).toBe(
          true,
        );
        expect(Object.is(f.before + f.product, store.kernelGrad.data[tap]), what).toBe(true);
        expect(Object.is(f.biasBefore + f.delta, store.biasGrad), what).toBe(true);
      }
    }
  });

  test("the input cell is (i·s − p + a·d, j·s − p + b·d), outside the image in the padding", () => {
    const { sweep, c } = caseAndSweep(7);
    const { stride: s, padding: p, dilation: d } = sweep.options;
    const kW = sweep.kernelWidth;
    const P = Math.min(5, sweep.outHeight * sweep.outWidth);
    const tap = sweep.kernelHeight * kW - 1;
    const f = formulaTerm(sweep, c.input, P, tap);
    expect(f.inputRow).toBe(f.row * s - p + Math.floor(tap / kW) * d);
    expect(f.inputCol).toBe(f.col * s - p + (tap % kW) * d);
    const inside =
      f.inputRow >= 0 &&
      f.inputRow < c.input.height &&
      f.inputCol >= 0 &&
      f.inputCol < c.input.width;
    expect(f.inside).toBe(inside);
  });

  test("at position 0 the term is the first one, not yet added, with nothing before it", () => {
    const { sweep, c } = caseAndSweep(3);
    const f = formulaTerm(sweep, c.input, 0, 0);
    expect(f.added).toBe(false);
    expect(f.index).toBe(0);
    expect(f.before).toBe(0);
    expect(f.biasBefore).toBe(0);
  });
});

describe("indexExpression", () => {
  test("the defaults give i + a", () => {
    expect(indexText(indexExpression("i", 1, 0, 0, 1))).toBe("i");
    expect(indexText(indexExpression("j", 1, 0, 2, 1))).toBe("j+2");
    expect(defaultOptions({ stride: 1, padding: 0, dilation: 1 })).toBe(true);
  });
  test("stride, padding and dilation are put in and simplified", () => {
    expect(indexText(indexExpression("i", 2, 1, 0, 1))).toBe("2i−1");
    expect(indexText(indexExpression("i", 2, 1, 1, 1))).toBe("2i");
    expect(indexText(indexExpression("j", 3, 1, 2, 2))).toBe("3j+3");
    expect(indexText(indexExpression("j", 1, 3, 1, 2))).toBe("j−1");
    expect(defaultOptions({ stride: 1, padding: 1, dilation: 1 })).toBe(false);
  });
});

describe("the recurrent form", () => {
  test("the defaults read back as the default problem", () => {
    expect(parseDrafts(draftsOf(DEFAULT_RECURRENT))).toEqual({
      ok: true,
      problem: DEFAULT_RECURRENT,
    });
  });
  test("inputs may be separated by commas, spaces or semicolons, with a true minus", () => {
    const r = parseDrafts({ xs: "1; −0.5  2,3", w: " 0.5 ", u: "−1", h0: "0", target: "1e-1" });
    expect(r).toEqual({
      ok: true,
      problem: { xs: [1, -0.5, 2, 3], w: 0.5, u: -1, h0: 0, target: 0.1 },
    });
  });
  test("bad fields are named, and nothing throws", () => {
    const r = parseDrafts({ xs: "1, x, 2", w: "", u: "abc", h0: "Infinity", target: "0" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.xs).toMatch(/Input 2 \("x"\)/);
    expect(r.errors.w).toBeDefined();
    expect(r.errors.u).toBeDefined();
    expect(r.errors.h0).toBeDefined();
    expect(r.errors.target).toBeUndefined();
    const many = parseDrafts({
      ...draftsOf(DEFAULT_RECURRENT),
      xs: Array(PANEL_MAX_STEPS + 1)
        .fill(1)
        .join(","),
    });
    expect(many.ok).toBe(false);
    const none = parseDrafts({ ...draftsOf(DEFAULT_RECURRENT), xs: " , " });
    expect(none.ok).toBe(false);
  });
});
