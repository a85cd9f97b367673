/**
 * The engine against convnetjs 0.3's ConvLayer (float64, like the engine): forward pass,
 * gradients for input, filter and bias, and a few SGD steps. convnetjs has stride and zero
 * padding but no dilation (dilation is covered by the TensorFlow.js and finite-difference
 * tests). It sums in a different order (columns outside rows), so values agree to ~1e-12,
 * not to the bit.
 */
import convnetjs from "convnetjs";
import { describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  type Grid,
  type Reduction,
  squaredErrorGrad,
  squaredErrorLoss,
  train,
} from "../../../src/engine";
import { expectClose } from "./compare";
import { type ConvCase, describeCase, mulberry32, randomCase, randomGrid } from "./random";

const TOLERANCE = 1e-12;

/** A convnetjs Vol (width sx = columns, height sy = rows, depth 1) holding a grid. */
function toVol(grid: Grid): InstanceType<typeof convnetjs.Vol> {
  const vol = new convnetjs.Vol(grid.width, grid.height, 1, 0);
  vol.w.set(grid.data);
  return vol;
}

/** A one-filter ConvLayer with the case's kernel, bias, stride and padding. */
function layerFor(c: ConvCase): InstanceType<typeof convnetjs.ConvLayer> {
  const layer = new convnetjs.ConvLayer({
    in_sx: c.input.width,
    in_sy: c.input.height,
    in_depth: 1,
    sx: c.kernel.width,
    sy: c.kernel.height,
    filters: 1,
    stride: c.options.stride,
    pad: c.options.padding,
  });
  const f = layer.filters[0];
  if (f === undefined) throw new Error("convnetjs made no filter");
  f.w.set(c.kernel.data); // replaces convnetjs's random (Math.random) initial weights
  layer.biases.w[0] = c.bias;
  return layer;
}

const plainCases = Array.from({ length: 12 }, (_, i) =>
  randomCase(mulberry32(8100 + i), { maxStride: 1, maxPadding: 0, maxDilation: 1 }),
);
const stridePadCases = Array.from({ length: 24 }, (_, i) =>
  randomCase(mulberry32(8200 + i), { maxDilation: 1 }),
);

describe("convnetjs's layout", () => {
  test("Vol cell (x, y) is w[y * sx + x]: row-major with x as the column, like Grid", () => {
    const vol = new convnetjs.Vol(3, 2, 1, 0); // 3 wide, 2 tall
    vol.set(2, 1, 0, 7); // column 2, row 1
    expect(Array.from(vol.w)).toEqual([0, 0, 0, 0, 0, 7]);
    expect(vol.get(2, 1, 0)).toBe(7);
  });

  test("the filter is stored the same way: an asymmetric kernel gives the same output", () => {
    const c = randomCase(mulberry32(8001), { maxStride: 1, maxPadding: 0, maxDilation: 1 });
    c.kernel = { height: 2, width: 3, data: Float64Array.from([1, 2, 3, 4, 5, 6]) };
    c.input = { height: 2, width: 3, data: Float64Array.from([1, 0, 0, 0, 0, 0]) };
    const layer = layerFor(c);
    // Only the kernel's [0][0] (value 1) sees the single 1 in the input.
    expect(Array.from(layer.forward(toVol(c.input)).w)).toEqual([1 + c.bias]);
    expect(Array.from(conv2d(c.input, c.kernel, c.bias).data)).toEqual([1 + c.bias]);
  });
});

function compareWithConvnetjs(c: ConvCase, reduction: Reduction): void {
  const out = conv2d(c.input, c.kernel, c.bias, c.options);
  const outputGrad = squaredErrorGrad(out, c.target, reduction);
  const ours = conv2dBackward(c.input, c.kernel, outputGrad, c.options);

  const layer = layerFor(c);
  const theirsOut = layer.forward(toVol(c.input));
  expect([theirsOut.sy, theirsOut.sx]).toEqual([out.height, out.width]);
  expectClose(out.data, theirsOut.w, TOLERANCE, "output");

  theirsOut.dw.set(outputGrad.data);
  layer.backward();
  expectClose(ours.inputGrad.data, layer.in_act.dw, TOLERANCE, "inputGrad");
  expectClose(ours.kernelGrad.data, layer.filters[0]?.dw ?? [], TOLERANCE, "kernelGrad");
  expectClose([ours.biasGrad], layer.biases.dw, TOLERANCE, "biasGrad");
}

describe("forward and backward match convnetjs's ConvLayer", () => {
  test.each(plainCases.map((c, i) => [describeCase(c), c, i] as const))(
    "stride 1, no padding: %s",
    (_name, c, i) => compareWithConvnetjs(c, i % 2 === 0 ? "sum" : "mean"),
  );
  test.each(stridePadCases.map((c, i) => [describeCase(c), c, i] as const))(
    "with stride and padding: %s",
    (_name, c, i) => compareWithConvnetjs(c, i % 2 === 0 ? "sum" : "mean"),
  );
});

describe("train() follows convnetjs through SGD steps", () => {
  // A 3x3 stride-1 unpadded case runs train()'s fused path; the padded one the general path.
  const cases: [string, ConvCase][] = [
    ["fused path (3x3, stride 1, no padding)", fixedKernelCase(8301, 3, 0, 1)],
    ["general path (3x3, stride 2, padding 1)", fixedKernelCase(8302, 3, 1, 2)],
    ["general path (5x5, stride 1, padding 2)", fixedKernelCase(8303, 5, 2, 1)],
  ];
  test.each(cases)("%s", (_name, c) => {
    const learningRate = 0.05;
    const steps = 8;
    const layer = layerFor(c);
    const filter = layer.filters[0];
    if (filter === undefined) throw new Error("no filter");
    const result = train(
      { input: c.input, target: c.target, options: c.options, reduction: "mean" },
      { kernel: c.kernel, bias: c.bias },
      learningRate,
      steps,
    );
    expect(result.diverged).toBe(false);
    const n = c.target.data.length;
    for (let s = 0; s < steps; s++) {
      const y = layer.forward(toVol(c.input));
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const e = (y.w[i] as number) - (c.target.data[i] as number);
        sq += e * e;
        y.dw[i] = e / n;
      }
      expectClose([result.losses[s] as number], [(0.5 * sq) / n], TOLERANCE, `loss ${s}`);
      filter.dw.fill(0);
      layer.biases.dw.fill(0);
      layer.backward();
      for (let t = 0; t < filter.w.length; t++) {
        filter.w[t] = (filter.w[t] as number) - learningRate * (filter.dw[t] as number);
      }
      layer.biases.w[0] = (layer.biases.w[0] as number) - learningRate * (layer.biases.dw[0] ?? 0);
    }
    expectClose(result.params.kernel.data, filter.w, TOLERANCE, "kernel after the steps");
    expectClose([result.params.bias], layer.biases.w, TOLERANCE, "bias after the steps");
    // The loss really moved, so the comparison above was not of a standing-still kernel.
    const finalLoss = squaredErrorLoss(
      conv2d(c.input, result.params.kernel, result.params.bias, c.options),
      c.target,
      "mean",
    );
    expect(finalLoss).toBeLessThan(0.9 * (result.losses[0] as number));
  });
});

function fixedKernelCase(seed: number, side: number, padding: number, stride: number): ConvCase {
  const rand = mulberry32(seed);
  const input = randomGrid(rand, 16, 16, 0, 1);
  const kernel = randomGrid(rand, side, side);
  const options = { stride, padding, dilation: 1 };
  const target = conv2d(input, randomGrid(rand, side, side), 0.1, options);
  return { input, kernel, bias: 0, target, options };
}
