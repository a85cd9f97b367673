/**
 * The one-weight recurrent net: forward values, backpropagation through time against finite
 * differences and against forward-mode derivatives, the per-step contributions against
 * "untied" copies of w, and argument checking.
 */
import { describe, expect, test } from "vitest";
import {
  MAX_RECURRENT_STEPS,
  type RecurrentProblem,
  recurrentForward,
  recurrentGradients,
  recurrentLoss,
} from "../../../src/engine";
import { expectSameNumber } from "./compare";
import { mulberry32, type Rand, randomInt } from "./random";

function randomProblem(rand: Rand): RecurrentProblem {
  const T = randomInt(rand, 1, 8);
  return {
    xs: Array.from({ length: T }, () => 2 * rand() - 1),
    w: 3 * rand() - 1.5,
    u: 3 * rand() - 1.5,
    h0: 2 * rand() - 1,
    target: 2 * rand() - 1,
  };
}

/** The forward pass with a separate copy w_t of w at each step (untied). */
function untiedLoss(p: RecurrentProblem, ws: readonly number[]): number {
  let h = p.h0;
  p.xs.forEach((x, i) => {
    h = Math.tanh((ws[i] as number) * h + p.u * x);
  });
  const e = h - p.target;
  return 0.5 * e * e;
}

const H = 1e-5;
/** Central differences of a smooth function: error O(h²) ≈ 1e-10, far below a wrong gradient. */
const TOLERANCE = 1e-8;

function central(f: (v: number) => number, v: number): number {
  return (f(v + H) - f(v - H)) / (2 * H);
}

const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);

describe("recurrentForward", () => {
  test("computes h_t = tanh(w·h_{t−1} + u·x_t) from h_0", () => {
    const hs = recurrentForward({ xs: [1, -0.5, 0.25], w: 0.8, u: 1.2, h0: 0.1, target: 0 });
    const h1 = Math.tanh(0.8 * 0.1 + 1.2 * 1);
    const h2 = Math.tanh(0.8 * h1 + 1.2 * -0.5);
    const h3 = Math.tanh(0.8 * h2 + 1.2 * 0.25);
    expect(hs).toEqual([0.1, h1, h2, h3]);
  });

  test("one known value: w = u = 1, h_0 = 0, x = [0, 1] gives h_2 = tanh(1)", () => {
    expect(recurrentForward({ xs: [0, 1], w: 1, u: 1, h0: 0, target: 0 })).toEqual([
      0,
      0,
      Math.tanh(1),
    ]);
  });

  test("the loss is ½ (h_T − target)² and matches the gradients' forward pass", () => {
    const p = { xs: [0.5, -1, 0.75, 0.2], w: 1.1, u: -0.7, h0: 0.3, target: 0.4 };
    const hs = recurrentForward(p);
    const hT = hs[hs.length - 1] as number;
    expect(recurrentLoss(p)).toBe(0.5 * (hT - 0.4) * (hT - 0.4));
    const r = recurrentGradients(p);
    expect(r.output).toBe(hT);
    expect(r.loss).toBe(recurrentLoss(p));
    expect(r.steps.map((s) => s.h)).toEqual(hs.slice(1));
    expect(r.steps.map((s) => s.hPrev)).toEqual(hs.slice(0, -1));
  });
});

describe("recurrentGradients (backpropagation through time)", () => {
  test.each(SEEDS)(
    "seed %i: the per-step contributions, summed in order, are exactly the totals",
    (seed) => {
      const r = recurrentGradients(randomProblem(mulberry32(seed)));
      let w = 0;
      let u = 0;
      for (const s of r.steps) {
        expectSameNumber(s.wGrad, s.delta * s.hPrev, `w contribution at t=${s.t}`);
        expectSameNumber(s.uGrad, s.delta * s.x, `u contribution at t=${s.t}`);
        w += s.wGrad;
        u += s.uGrad;
        expectSameNumber(s.wGradSum, w, `running ∂L/∂w at t=${s.t}`);
        expectSameNumber(s.uGradSum, u, `running ∂L/∂u at t=${s.t}`);
      }
      expectSameNumber(r.wGrad, w, "∂L/∂w");
      expectSameNumber(r.uGrad, u, "∂L/∂u");
    },
  );

  test.each(SEEDS)("seed %i: ∂L/∂w, ∂L/∂u and ∂L/∂h_0 match central differences", (seed) => {
    const p = randomProblem(mulberry32(seed));
    const r = recurrentGradients(p);
    const dw = central((w) => recurrentLoss({ ...p, w }), p.w);
    const du = central((u) => recurrentLoss({ ...p, u }), p.u);
    const dh0 = central((h0) => recurrentLoss({ ...p, h0 }), p.h0);
    expect(Math.abs(r.wGrad - dw)).toBeLessThan(TOLERANCE);
    expect(Math.abs(r.uGrad - du)).toBeLessThan(TOLERANCE);
    expect(Math.abs(r.h0Grad - dh0)).toBeLessThan(TOLERANCE);
  });

  test.each(SEEDS)(
    "seed %i: each step's contribution is the gradient of that step's own copy of w",
    (seed) => {
      const p = randomProblem(mulberry32(seed));
      const r = recurrentGradients(p);
      const ws = p.xs.map(() => p.w);
      for (const s of r.steps) {
        const i = s.t - 1;
        const d = central(
          (v) =>
            untiedLoss(
              p,
              ws.map((w, k) => (k === i ? v : w)),
            ),
          p.w,
        );
        expect(Math.abs(s.wGrad - d), `step ${s.t}`).toBeLessThan(TOLERANCE);
      }
    },
  );

  test.each(SEEDS)("seed %i: BPTT agrees with forward-mode derivatives to rounding", (seed) => {
    const p = randomProblem(mulberry32(seed));
    // Forward mode: carry dh/dw and dh/du along with h.
    let h = p.h0;
    let dhw = 0;
    let dhu = 0;
    for (const x of p.xs) {
      const next = Math.tanh(p.w * h + p.u * x);
      const g = 1 - next * next;
      dhw = g * (h + p.w * dhw);
      dhu = g * (x + p.w * dhu);
      h = next;
    }
    const r = recurrentGradients(p);
    expect(Math.abs(r.wGrad - (h - p.target) * dhw)).toBeLessThan(1e-14);
    expect(Math.abs(r.uGrad - (h - p.target) * dhu)).toBeLessThan(1e-14);
  });

  test("the delta flows back through w: ∂L/∂h_{t−1} = w · delta_t, delta_t = ∂L/∂h_t · (1 − h_t²)", () => {
    const p = { xs: [1, -0.5, 0.8, 0.3, -1], w: 0.9, u: 0.7, h0: 0.2, target: 1 };
    const r = recurrentGradients(p);
    const last = r.steps[r.steps.length - 1];
    expect(last?.hGrad).toBe(r.output - 1);
    r.steps.forEach((s, i) => {
      expect(s.delta).toBe(s.hGrad * (1 - s.h * s.h));
      const next = r.steps[i + 1];
      if (next) expect(s.hGrad).toBe(next.delta * p.w);
    });
    expect(r.h0Grad).toBe((r.steps[0]?.delta as number) * p.w);
  });

  test("does not change its argument", () => {
    const xs = [0.5, 0.25];
    const p = { xs, w: 1, u: 1, h0: 0, target: 0 };
    recurrentGradients(p);
    expect(xs).toEqual([0.5, 0.25]);
  });
});

describe("bad arguments throw a RangeError naming the argument and the value", () => {
  const ok: RecurrentProblem = { xs: [1, 2], w: 0.5, u: 0.5, h0: 0, target: 0 };
  test.each([
    [{ ...ok, w: Number.NaN }, /w must be a finite number; got NaN/],
    [{ ...ok, u: Number.POSITIVE_INFINITY }, /u must be a finite number; got Infinity/],
    [{ ...ok, h0: Number.NEGATIVE_INFINITY }, /h0 must be a finite number; got -Infinity/],
    [{ ...ok, target: "1" as unknown as number }, /target must be a finite number; got "1"/],
    [{ ...ok, xs: [1, Number.NaN] }, /xs\[1\] must be a finite number; got NaN/],
    [{ ...ok, xs: [] }, /xs must have 1 to 16 entries .*; got 0/],
    [
      { ...ok, xs: Array.from({ length: MAX_RECURRENT_STEPS + 1 }, () => 0) },
      /xs must have 1 to 16 entries .*; got 17/,
    ],
    [{ ...ok, xs: "12" as unknown as number[] }, /xs must be an array of numbers; got string/],
  ])("%#: %o", (problem, message) => {
    for (const f of [recurrentGradients, recurrentForward, recurrentLoss]) {
      expect(() => f(problem)).toThrow(RangeError);
      expect(() => f(problem)).toThrow(message);
    }
  });

  test("a problem that is not an object", () => {
    expect(() => recurrentGradients(null as unknown as RecurrentProblem)).toThrow(
      /problem must be an object; got null/,
    );
  });
});
