/**
 * compareReductions: the sum and the mean of the squared error side by side. The mean's loss
 * and gradient are the sum's divided by N, so a step of η on the mean is a step of η/N on the
 * sum: both updates land on the same parameters, up to rounding.
 */
import { describe, expect, test } from "vitest";
import {
  compareReductions,
  conv2d,
  conv2dBackward,
  type Reduction,
  sgdUpdate,
  squaredErrorGrad,
  squaredErrorLoss,
} from "../../../src/engine";
import { expectClose, expectSameBits, expectSameNumber } from "./compare";
import { type ConvCase, describeCase, mulberry32, randomCase } from "./random";

const CASES: ConvCase[] = (() => {
  const rand = mulberry32(314);
  return Array.from({ length: 12 }, () => randomCase(rand, { maxInput: 14 }));
})();

describe("compareReductions", () => {
  test.each(CASES.map((c) => [describeCase(c), c] as const))(
    "%s: each side is conv2dBackward's gradient and sgdUpdate's step, to the bit",
    (_, c) => {
      const learningRate = 0.3;
      const comparison = compareReductions(c, c, learningRate);
      const out = conv2d(c.input, c.kernel, c.bias, c.options);
      const n = out.data.length;
      expect(comparison.positions).toBe(n);
      for (const reduction of ["sum", "mean"] as const satisfies readonly Reduction[]) {
        const side = comparison[reduction];
        const rate = reduction === "sum" ? learningRate / n : learningRate;
        const grads = conv2dBackward(
          c.input,
          c.kernel,
          squaredErrorGrad(out, c.target, reduction),
          c.options,
        );
        const after = sgdUpdate(c, grads.kernelGrad, grads.biasGrad, rate);
        expectSameBits(side.kernelGrad.data, grads.kernelGrad.data, `${reduction} kernelGrad`);
        expectSameNumber(side.biasGrad, grads.biasGrad, `${reduction} biasGrad`);
        expectSameNumber(
          side.loss,
          squaredErrorLoss(out, c.target, reduction),
          `${reduction} loss`,
        );
        expect(side.learningRate).toBe(rate);
        expectSameBits(side.kernelAfter.data, after.kernel.data, `${reduction} kernelAfter`);
        expectSameNumber(side.biasAfter, after.bias, `${reduction} biasAfter`);
      }
      const { sum, mean } = comparison;
      expectClose(
        mean.kernelGrad.data,
        Array.from(sum.kernelGrad.data, (g) => g / n),
        1e-12,
        "mean kernelGrad = sum / N",
      );
      expectClose(mean.kernelAfter.data, sum.kernelAfter.data, 1e-12, "the two updates agree");
      expect(mean.biasAfter).toBeCloseTo(sum.biasAfter, 12);
    },
  );

  test("bad arguments throw the engine's RangeError, naming the argument", () => {
    const [c] = CASES as [ConvCase];
    expect(() => compareReductions(c, c, Number.NaN)).toThrow(
      "learningRate must be a finite number; got NaN",
    );
    expect(() => compareReductions(c, c, -1)).toThrow("learningRate must be ≥ 0; got -1");
    expect(() => compareReductions({ ...c, target: c.kernel }, c, 0.1)).toThrow(RangeError);
  });
});
