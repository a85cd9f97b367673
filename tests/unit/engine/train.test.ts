/**
 * train(): it learns, it stops cleanly when it diverges, and its losses are recorded
 * before each step's update. Cases run both the fused 3x3 path and the general path.
 */
import { describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  type Grid,
  gridFromRows,
  isFusedCase,
  type Params,
  type Problem,
  type Reduction,
  resolveOptions,
  squaredErrorGrad,
  squaredErrorLoss,
  train,
} from "../../../src/engine";
import { expectSameBits, expectSameNumber } from "./compare";
import { mulberry32, randomGrid } from "./random";

/** The vertical-edge (Sobel x) filter the targets are made with. */
const VERTICAL_EDGE = gridFromRows([
  [1, 0, -1],
  [2, 0, -2],
  [1, 0, -1],
]);
/** Where learning starts: the horizontal-edge filter, far from the vertical one. */
const HORIZONTAL_EDGE = gridFromRows([
  [1, 2, 1],
  [0, 0, 0],
  [-1, -2, -1],
]);

type Options = { stride: number; padding: number; dilation: number };

function edgeProblem(options: Options, reduction: Reduction): Problem {
  const input = randomGrid(mulberry32(2024), 32, 32, 0, 1);
  const target = conv2d(input, VERTICAL_EDGE, 0, options);
  return { input, target, options, reduction };
}

function lossAt(problem: Problem, params: Params): number {
  const out = conv2d(problem.input, params.kernel, params.bias, problem.options);
  return squaredErrorLoss(out, problem.target, problem.reduction);
}

const start = (): Params => ({ kernel: HORIZONTAL_EDGE, bias: 0.5 });

const paths: [string, Options][] = [
  ["fused path (3x3, stride 1, no padding)", { stride: 1, padding: 0, dilation: 1 }],
  ["general path (padding 1)", { stride: 1, padding: 1, dilation: 1 }],
  ["general path (stride 2, dilation 2)", { stride: 2, padding: 2, dilation: 2 }],
];

const cases = paths.flatMap(([name, options]) =>
  (["sum", "mean"] as const).map((r) => [`${name}, ${r}`, options, r] as const),
);

test("the cases run the path they are named after", () => {
  expect(paths.map(([, o]) => isFusedCase(VERTICAL_EDGE, resolveOptions(o)))).toEqual([
    true,
    false,
    false,
  ]);
});

describe("train() learns a vertical-edge filter", () => {
  test.each(cases)("%s: the loss falls more than 100-fold", (_name, options, reduction) => {
    const problem = edgeProblem(options, reduction);
    const n = problem.target.data.length;
    // A rate below 2 / (largest curvature): about 0.5 for the mean over inputs in [0, 1).
    const rate = reduction === "mean" ? 0.5 : 0.5 / n;
    const result = train(problem, start(), rate, 300);
    expect(result.diverged).toBe(false);
    expect(result.losses.length).toBe(300);
    const before = lossAt(problem, start());
    const after = lossAt(problem, result.params);
    expect(before).toBeGreaterThan(1e-2);
    expect(after).toBeLessThan(before / 100);
    // It found the filter the target was made with, not merely some other minimum.
    result.params.kernel.data.forEach((w, t) => {
      expect(w).toBeCloseTo(VERTICAL_EDGE.data[t] as number, 1);
    });
    expect(result.params.bias).toBeCloseTo(0, 1);
  });

  test("train() does not change its arguments", () => {
    const problem = edgeProblem({ stride: 1, padding: 0, dilation: 1 }, "mean");
    const params = {
      kernel: gridFromRows([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ]),
      bias: 0.5,
    };
    const input = problem.input.data.slice();
    train(problem, params, 0.1, 3);
    expect(Array.from(params.kernel.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(params.bias).toBe(0.5);
    expectSameBits(problem.input.data, input, "input");
  });
});

describe("train() with a huge learning rate", () => {
  test.each(cases)("%s: diverged, with the last finite parameters", (_name, options, reduction) => {
    const problem = edgeProblem(options, reduction);
    const steps = 1000;
    const result = train(problem, start(), 1e6, steps);
    expect(result.diverged).toBe(true);
    const done = result.losses.length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(steps);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.params.kernel.data.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(result.params.bias)).toBe(true);
    // They are the parameters after exactly `done` steps...
    const replay = train(problem, start(), 1e6, done);
    expect(replay.diverged).toBe(false);
    expectSameBits(result.params.kernel.data, replay.params.kernel.data, "kernel");
    expectSameNumber(result.params.bias, replay.params.bias, "bias");
    expectSameBits(result.losses, replay.losses, "losses");
    // ...with that step's gradient (the last completed one)...
    expectSameBits(result.kernelGrad.data, replay.kernelGrad.data, "kernelGrad");
    expectSameNumber(result.biasGrad, replay.biasGrad, "biasGrad");
    // ...and one more step from them is the one that is not finite.
    const next = train(problem, result.params, 1e6, 1);
    expect(next.diverged).toBe(true);
    expect(next.losses.length).toBe(0);
    expectSameBits(next.params.kernel.data, result.params.kernel.data, "kernel kept");
    expectSameNumber(next.params.bias, result.params.bias, "bias kept");
  });

  test.each(paths)(
    "%s: a non-finite first step returns the starting parameters, no losses, no gradient",
    (_name, options) => {
      const problem = edgeProblem(options, "sum");
      const result = train(problem, start(), Number.MAX_VALUE, 5);
      expect(result.diverged).toBe(true);
      expect(result.losses.length).toBe(0);
      expectSameBits(result.params.kernel.data, HORIZONTAL_EDGE.data, "kernel");
      expect(result.params.bias).toBe(0.5);
      // No step completed, so there is no gradient to report (as with zero steps).
      expect(Array.from(result.kernelGrad.data)).toEqual(new Array(9).fill(0));
      expect(result.biasGrad).toBe(0);
    },
  );
});

describe("losses[s] is the loss before step s", () => {
  test.each(cases)("%s", (_name, options, reduction) => {
    const problem = edgeProblem(options, reduction);
    const n = problem.target.data.length;
    const rate = reduction === "mean" ? 0.3 : 0.3 / n;
    const steps = 6;
    const result = train(problem, start(), rate, steps);
    expect(result.losses.length).toBe(steps);
    let params = start();
    for (let s = 0; s < steps; s++) {
      // The loss at the parameters reached after s steps, i.e. before step s's update.
      expectSameNumber(result.losses[s] as number, lossAt(problem, params), `losses[${s}]`);
      params = train(problem, start(), rate, s + 1).params;
    }
    // The final parameters are one update past the last recorded loss.
    expectSameBits(result.params.kernel.data, params.kernel.data, "kernel");
    // And the losses fall step by step at a stable rate.
    for (let s = 1; s < steps; s++) {
      expect(result.losses[s]).toBeLessThan(result.losses[s - 1] as number);
    }
  });

  test("zero steps: no losses and the starting parameters", () => {
    const problem = edgeProblem({ stride: 1, padding: 0, dilation: 1 }, "mean");
    const result = train(problem, start(), 0.1, 0);
    expect(result.losses.length).toBe(0);
    expect(result.diverged).toBe(false);
    expectSameBits(result.params.kernel.data, HORIZONTAL_EDGE.data, "kernel");
    expect(result.params.bias).toBe(0.5);
  });

  test("the reported gradient is the last step's, at the parameters before its update", () => {
    const problem = edgeProblem({ stride: 1, padding: 1, dilation: 1 }, "mean");
    const before = train(problem, start(), 0.2, 3).params;
    const result = train(problem, start(), 0.2, 4);
    const out = conv2d(problem.input, before.kernel, before.bias, problem.options);
    const grads = conv2dBackward(
      problem.input,
      before.kernel as Grid,
      squaredErrorGrad(out, problem.target, "mean"),
      problem.options,
    );
    expectSameBits(result.kernelGrad.data, grads.kernelGrad.data, "kernelGrad");
    expectSameNumber(result.biasGrad, grads.biasGrad, "biasGrad");
  });
});
