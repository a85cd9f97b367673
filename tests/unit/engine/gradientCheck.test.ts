/**
 * The gradient check: the sum of every position's contribution against finite differences of
 * the loss. The squared error of a convolution is quadratic in each weight and in the bias, so
 * a central difference has no truncation error at all (only rounding, ~1e-16 · L / ε), while a
 * forward difference is off by exactly ε/2 · ∂²L/∂θ².
 */
import { describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  type GradientCheck,
  gradientCheck,
  type Params,
  type Problem,
  type Reduction,
  relativeError,
  squaredErrorGrad,
} from "../../../src/engine";
import { expectClose, expectSameBits, expectSameNumber } from "./compare";
import { type ConvCase, describeCase, mulberry32, randomCase } from "./random";

const CASES: ConvCase[] = (() => {
  const rand = mulberry32(99);
  return Array.from({ length: 16 }, () => randomCase(rand, { maxInput: 14 }));
})();

function problemOf(c: ConvCase, reduction: Reduction): Problem {
  return { input: c.input, target: c.target, options: c.options, reduction };
}

function paramsOf(c: ConvCase): Params {
  return { kernel: c.kernel, bias: c.bias };
}

/** ∂²L/∂w_t² = Σ_p x_{p,t}² / div and ∂²L/∂b² = N / div: the loss's curvature along each parameter. */
function curvatures(c: ConvCase, reduction: Reduction): { kernel: number[]; bias: number } {
  const { stride, padding, dilation } = c.options;
  const out = conv2d(c.input, c.kernel, c.bias, c.options);
  const n = out.data.length;
  const div = reduction === "sum" ? 1 : n;
  const kernel = new Array<number>(c.kernel.data.length).fill(0);
  for (let i = 0; i < out.height; i++) {
    for (let j = 0; j < out.width; j++) {
      for (let a = 0; a < c.kernel.height; a++) {
        for (let b = 0; b < c.kernel.width; b++) {
          const r = i * stride - padding + a * dilation;
          const col = j * stride - padding + b * dilation;
          const inside = r >= 0 && r < c.input.height && col >= 0 && col < c.input.width;
          const x = inside ? (c.input.data[r * c.input.width + col] as number) : 0;
          const t = a * c.kernel.width + b;
          kernel[t] = (kernel[t] as number) + (x * x) / div;
        }
      }
    }
  }
  return { kernel, bias: n / div };
}

const both = (["sum", "mean"] as const).flatMap((reduction) =>
  CASES.map((c) => [`${reduction}, ${describeCase(c)}`, c, reduction] as const),
);

describe("the summed gradient", () => {
  test.each(both)(
    "%s: is conv2dBackward's kernelGrad and biasGrad, to the bit",
    (_, c, reduction) => {
      const check = gradientCheck(problemOf(c, reduction), paramsOf(c), 1e-4);
      const out = conv2d(c.input, c.kernel, c.bias, c.options);
      const expected = conv2dBackward(
        c.input,
        c.kernel,
        squaredErrorGrad(out, c.target, reduction),
        c.options,
      );
      expectSameBits(check.kernelGrad.data, expected.kernelGrad.data, "kernelGrad");
      expectSameNumber(check.biasGrad, expected.biasGrad, "biasGrad");
      expect(check.positions).toBe(out.data.length);
    },
  );
});

describe("central differences", () => {
  test.each(both)("%s: agree with the summed gradient (ε = 1e-4)", (_, c, reduction) => {
    const check = gradientCheck(problemOf(c, reduction), paramsOf(c), 1e-4);
    expect(check.scheme).toBe("central");
    expectClose(check.numericKernelGrad.data, check.kernelGrad.data, 1e-7, "kernel", 1e-3);
    expectClose([check.numericBiasGrad], [check.biasGrad], 1e-7, "bias", 1e-3);
    expect(check.maxRelativeError).toBeLessThan(1e-6);
  });

  test("have no truncation error: even ε = 0.5 agrees to rounding, because the loss is quadratic", () => {
    for (const c of CASES.slice(0, 6)) {
      const check = gradientCheck(problemOf(c, "sum"), paramsOf(c), 0.5);
      expectClose(check.numericKernelGrad.data, check.kernelGrad.data, 1e-10, describeCase(c), 1);
    }
  });

  test("lose digits to rounding as ε shrinks: ε = 1e-10 is far worse than ε = 1e-3", () => {
    let worse = 0;
    for (const c of CASES) {
      const coarse = gradientCheck(problemOf(c, "sum"), paramsOf(c), 1e-3);
      const fine = gradientCheck(problemOf(c, "sum"), paramsOf(c), 1e-10);
      if (fine.maxRelativeError > 10 * coarse.maxRelativeError) worse++;
    }
    expect(worse).toBeGreaterThanOrEqual(CASES.length - 1);
  });
});

describe("forward differences", () => {
  test.each(both)(
    "%s: are off by ε/2 · ∂²L/∂θ², so the error shrinks in proportion to ε",
    (_, c, reduction) => {
      const curvature = curvatures(c, reduction);
      const checks = [1e-2, 1e-3].map((epsilon) =>
        gradientCheck(problemOf(c, reduction), paramsOf(c), epsilon, "forward"),
      ) as [GradientCheck, GradientCheck];
      for (const check of checks) {
        const error = Array.from(
          check.numericKernelGrad.data,
          (v, t) => v - (check.kernelGrad.data[t] as number),
        );
        const predicted = curvature.kernel.map((h) => (check.epsilon / 2) * h);
        // The prediction is exact up to rounding, which is ~1e-16 · L / ε.
        expectClose(
          error,
          predicted,
          1e-5,
          `kernel error at ε = ${check.epsilon}`,
          curvature.bias * 1e-3,
        );
        expectClose(
          [check.numericBiasGrad - check.biasGrad],
          [(check.epsilon / 2) * curvature.bias],
          1e-5,
          `bias error at ε = ${check.epsilon}`,
        );
      }
      const [coarse, fine] = checks;
      const ratio =
        (coarse.numericBiasGrad - coarse.biasGrad) / (fine.numericBiasGrad - fine.biasGrad);
      expect(ratio).toBeCloseTo(10, 3);
    },
  );
});

describe("relative errors", () => {
  test("are |a − b| / max(|a|, |b|), 0 when both are 0", () => {
    expect(relativeError(0, 0)).toBe(0);
    expect(relativeError(1, 0)).toBe(1);
    expect(relativeError(-2, 2)).toBe(2);
    expect(relativeError(100, 101)).toBeCloseTo(1 / 101, 15);
  });

  test("each entry's error is reported, and the largest of them", () => {
    const c = CASES[0] as ConvCase;
    const check = gradientCheck(problemOf(c, "mean"), paramsOf(c), 1e-3, "forward");
    const errors = Array.from(check.kernelGrad.data, (a, t) =>
      relativeError(a, check.numericKernelGrad.data[t] as number),
    );
    expectSameBits(check.kernelRelativeError.data, errors, "kernelRelativeError");
    expect(check.biasRelativeError).toBe(relativeError(check.biasGrad, check.numericBiasGrad));
    expect(check.maxRelativeError).toBe(Math.max(...errors, check.biasRelativeError));
  });

  test("a blank image has an exactly zero kernel gradient, and no error is reported for it", () => {
    const input = createGrid(6, 6);
    const kernel = createGrid(3, 3, Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const target = createGrid(4, 4);
    target.data.fill(1);
    const check = gradientCheck({ input, target, reduction: "sum" }, { kernel, bias: 0.5 }, 1e-4);
    expect(Array.from(check.kernelGrad.data)).toEqual(new Array(9).fill(0));
    expect(Array.from(check.kernelRelativeError.data)).toEqual(new Array(9).fill(0));
    expect(check.biasGrad).toBe(-8);
    expect(check.maxRelativeError).toBeLessThan(1e-9);
  });
});

describe("arguments", () => {
  const c = CASES[1] as ConvCase;

  test("the parameters are left as they were", () => {
    const before = c.kernel.data.slice();
    gradientCheck(problemOf(c, "sum"), paramsOf(c), 1e-2);
    expectSameBits(c.kernel.data, before, "kernel");
  });

  test.each([
    [
      "ε = 0",
      () => gradientCheck(problemOf(c, "sum"), paramsOf(c), 0),
      "epsilon must be a finite number > 0; got 0",
    ],
    [
      "ε < 0",
      () => gradientCheck(problemOf(c, "sum"), paramsOf(c), -1e-4),
      "epsilon must be a finite number > 0; got -0.0001",
    ],
    [
      "ε NaN",
      () => gradientCheck(problemOf(c, "sum"), paramsOf(c), Number.NaN),
      "epsilon must be a finite number > 0; got NaN",
    ],
    [
      "an unknown scheme",
      () => gradientCheck(problemOf(c, "sum"), paramsOf(c), 1e-4, "backward" as "forward"),
      'scheme must be "central" or "forward"; got "backward"',
    ],
    [
      "a NaN bias",
      () => gradientCheck(problemOf(c, "sum"), { kernel: c.kernel, bias: Number.NaN }, 1e-4),
      "bias must be a finite number; got NaN",
    ],
    [
      "an unknown reduction",
      () => gradientCheck(problemOf(c, "max" as "sum"), paramsOf(c), 1e-4),
      'reduction must be "sum" or "mean"; got "max"',
    ],
    [
      "a missing problem",
      () => gradientCheck(null as unknown as Problem, paramsOf(c), 1e-4),
      "problem must be an object {input, target, options, reduction}; got null",
    ],
  ] as const)("%s throws a RangeError naming it", (_, call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
