/**
 * The formula view's maths: the term shown is the sweep's own, and before + term is exactly the
 * ordered sum; the general index, simplified.
 */
import { describe, expect, test } from "vitest";
import {
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
import { describeCase } from "../engine/random";
import { caseAndSweep, SEEDS } from "./sweepCases";

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

  test.each(SEEDS)(
    "seed %i: sums carried between calls (a playing sweep) give the same terms to the bit",
    (seed) => {
      const { c, sweep } = caseAndSweep(seed);
      const n = sweep.outHeight * sweep.outWidth;
      const tap = (c.kernel.height * c.kernel.width) >> 1;
      const running = emptySums(sweep);
      // Forward one position at a time, then a jump back, as a played and scrubbed sweep moves.
      const moves = [0, 1, 2, 3, ...Array.from({ length: 12 }, (_, i) => i), n, 1];
      for (const P of moves.filter((p) => p <= n)) {
        expect(formulaTerm(sweep, c.input, P, tap, running), `P=${P}`).toEqual(
          formulaTerm(sweep, c.input, P, tap),
        );
      }
    },
  );

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
