/**
 * The engine against TensorFlow.js (CPU backend): forward pass and the gradients of
 * L = ½Σ(out − target)² (and its mean) with respect to input, filter and bias.
 *
 * TensorFlow.js computes in float32, so values agree to a relative 1e-4 (with a floor of 1
 * near zero), not to the bit.
 *
 * Two TensorFlow.js limits shape the cases:
 * - tf.conv2d rejects stride > 1 together with dilation > 1 ("Either strides or dilations
 *   must be 1"), so dilated forward cases use stride 1;
 * - the conv2d gradient rejects dilation > 1 ("dilation rates greater than 1 are not yet
 *   supported in gradients"), so gradients are compared here without dilation only.
 *   Dilated gradients (with every stride and padding) are covered by finiteDifferences.test.ts.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { beforeAll, describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  type Reduction,
  squaredErrorGrad,
  squaredErrorLoss,
} from "../../../src/engine";
import { expectClose } from "./compare";
import { type ConvCase, describeCase, mulberry32, randomCase } from "./random";

const TOLERANCE = 1e-4;

beforeAll(async () => {
  tf.enableProdMode(); // only silences the "install tfjs-node" notice
  await tf.setBackend("cpu");
  expect(tf.getBackend()).toBe("cpu");
});

function nhwc(c: ConvCase): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(c.input.data), [1, c.input.height, c.input.width, 1]);
}

function filter(c: ConvCase): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(c.kernel.data), [c.kernel.height, c.kernel.width, 1, 1]);
}

function tfConv(c: ConvCase, x: tf.Tensor, f: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { stride, padding: p, dilation } = c.options;
  const out = tf.conv2d(
    x as tf.Tensor4D,
    f as tf.Tensor4D,
    stride,
    [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ],
    "NHWC",
    dilation,
  );
  return tf.add(out, b);
}

// Forward: half without dilation (every stride), half with any dilation (then stride 1).
const forwardCases = [
  ...Array.from({ length: 24 }, (_, i) => randomCase(mulberry32(7100 + i), { maxDilation: 1 })),
  ...Array.from({ length: 24 }, (_, i) =>
    randomCase(mulberry32(7200 + i), { strideOrDilation: true }),
  ),
];

// Gradients: no dilation (see the header); the reduction alternates.
const gradientCases = Array.from({ length: 40 }, (_, i) => ({
  c: randomCase(mulberry32(7300 + i), { maxDilation: 1 }),
  reduction: (i % 2 === 0 ? "sum" : "mean") as Reduction,
}));

describe("the seeded cases", () => {
  test("cover every stride, padding, dilation and kernel side the engine accepts", () => {
    const all = [...forwardCases, ...gradientCases.map((g) => g.c)];
    const seen = (f: (c: ConvCase) => number[]) => new Set(all.flatMap(f));
    expect([...seen((c) => [c.options.stride])].sort()).toEqual([1, 2, 3, 4]);
    expect([...seen((c) => [c.options.padding])].sort()).toEqual([0, 1, 2, 3]);
    expect([...seen((c) => [c.options.dilation])].sort()).toEqual([1, 2, 3]);
    expect([...seen((c) => [c.kernel.height, c.kernel.width])].sort()).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
    const gradStrides = new Set(gradientCases.map((g) => g.c.options.stride));
    const gradPaddings = new Set(gradientCases.map((g) => g.c.options.padding));
    expect(gradStrides.size).toBe(4);
    expect(gradPaddings.size).toBe(4);
  });
});

describe("conv2d matches tf.conv2d + tf.add (cross-correlation, explicit zero padding)", () => {
  test.each(forwardCases.map((c) => [describeCase(c), c] as const))("%s", (_name, c) => {
    const ours = conv2d(c.input, c.kernel, c.bias, c.options);
    const theirs = tf.tidy(() => {
      const y = tfConv(c, nhwc(c), filter(c), tf.scalar(c.bias));
      expect(y.shape).toEqual([1, ours.height, ours.width, 1]);
      return y.dataSync() as Float32Array;
    });
    expectClose(ours.data, theirs, TOLERANCE, "output");
  });
});

describe("conv2dBackward's gradients of ½Σ(out − target)² match tf.grads", () => {
  test.each(
    gradientCases.map(({ c, reduction }) => [`${describeCase(c)}, ${reduction}`, c, reduction]),
  )("%s", (_name, c, reduction) => {
    const out = conv2d(c.input, c.kernel, c.bias, c.options);
    const loss = squaredErrorLoss(out, c.target, reduction);
    const ours = conv2dBackward(
      c.input,
      c.kernel,
      squaredErrorGrad(out, c.target, reduction),
      c.options,
    );
    const theirs = tf.tidy(() => {
      const target = tf.tensor4d(Float32Array.from(c.target.data), [
        1,
        c.target.height,
        c.target.width,
        1,
      ]);
      const lossOf = (x: tf.Tensor, f: tf.Tensor, b: tf.Tensor): tf.Tensor => {
        const squared = tf.square(tf.sub(tfConv(c, x, f, b), target));
        return tf.mul(0.5, reduction === "sum" ? tf.sum(squared) : tf.mean(squared));
      };
      const [dx, df, db] = tf.grads(lossOf)([nhwc(c), filter(c), tf.scalar(c.bias)]);
      const value = lossOf(nhwc(c), filter(c), tf.scalar(c.bias));
      expect(dx?.shape).toEqual([1, c.input.height, c.input.width, 1]);
      expect(df?.shape).toEqual([c.kernel.height, c.kernel.width, 1, 1]);
      return {
        loss: value.dataSync() as Float32Array,
        input: dx?.dataSync() as Float32Array,
        kernel: df?.dataSync() as Float32Array,
        bias: db?.dataSync() as Float32Array,
      };
    });
    expectClose([loss], theirs.loss, TOLERANCE, "loss");
    expectClose(ours.inputGrad.data, theirs.input, TOLERANCE, "inputGrad");
    expectClose(ours.kernelGrad.data, theirs.kernel, TOLERANCE, "kernelGrad");
    expectClose([ours.biasGrad], theirs.bias, TOLERANCE, "biasGrad");
  });
});
