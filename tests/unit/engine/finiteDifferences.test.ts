/**
 * Gradients against central finite differences of the loss itself, for both reductions,
 * every kernel weight, the bias and a sample of input cells, over shapes, strides, paddings
 * and dilations (including dilation 2 and 3, which TensorFlow.js cannot differentiate).
 *
 * The loss is a quadratic in any single parameter, so a central difference has no
 * truncation error; only rounding (~1e-16 · L / h) remains, and h = 1e-3 keeps that far
 * below the 1e-7 relative tolerance, while a wrong gradient is off by O(1).
 */
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
import {
  type ConvCase,
  describeCase,
  mulberry32,
  type Rand,
  randomCase,
  randomGrid,
  randomInt,
} from "./random";

const H = 1e-3;
const TOLERANCE = 1e-7;

function lossOf(c: ConvCase, reduction: Reduction): number {
  return squaredErrorLoss(conv2d(c.input, c.kernel, c.bias, c.options), c.target, reduction);
}

/** (L(v + h) − L(v − h)) / 2h for a cell of `grid` (restored afterwards). */
function centralDifference(c: ConvCase, reduction: Reduction, grid: Grid, cell: number): number {
  const saved = grid.data[cell] as number;
  grid.data[cell] = saved + H;
  const up = lossOf(c, reduction);
  grid.data[cell] = saved - H;
  const down = lossOf(c, reduction);
  grid.data[cell] = saved;
  return (up - down) / (2 * H);
}

function biasDifference(c: ConvCase, reduction: Reduction): number {
  const saved = c.bias;
  c.bias = saved + H;
  const up = lossOf(c, reduction);
  c.bias = saved - H;
  const down = lossOf(c, reduction);
  c.bias = saved;
  return (up - down) / (2 * H);
}

/** Up to `count` distinct input cells, always including the four corners (near the padding). */
function sampleCells(rand: Rand, grid: Grid, count: number): number[] {
  const n = grid.data.length;
  const { height: h, width: w } = grid;
  const cells = new Set([0, w - 1, (h - 1) * w, n - 1]);
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  while (cells.size < count) cells.add(randomInt(rand, 0, n - 1));
  return [...cells];
}

function caseWith(
  seed: number,
  height: number,
  width: number,
  kH: number,
  kW: number,
  stride: number,
  padding: number,
  dilation: number,
): ConvCase {
  const rand = mulberry32(seed);
  const input = randomGrid(rand, height, width, 0, 1);
  const kernel = randomGrid(rand, kH, kW);
  const options = { stride, padding, dilation };
  const out = conv2d(input, kernel, 0, options);
  return { input, kernel, bias: 0.3, target: randomGrid(rand, out.height, out.width), options };
}

const cases: ConvCase[] = [
  caseWith(1, 8, 8, 3, 3, 1, 0, 1), // the fused path in train()
  caseWith(2, 12, 9, 3, 3, 1, 0, 1), // fused, not square
  caseWith(3, 10, 10, 3, 3, 1, 1, 1),
  caseWith(4, 11, 13, 4, 2, 2, 1, 1),
  caseWith(5, 9, 9, 7, 7, 1, 3, 1),
  caseWith(6, 12, 12, 3, 3, 1, 0, 2),
  caseWith(7, 14, 11, 3, 2, 2, 2, 2),
  caseWith(8, 13, 13, 3, 3, 3, 1, 3),
  caseWith(9, 9, 10, 2, 3, 4, 3, 3),
  caseWith(10, 7, 7, 4, 4, 1, 3, 2), // kernel span 7 over a 7x7 input + padding
  caseWith(11, 1, 1, 1, 1, 1, 0, 1),
  caseWith(12, 5, 20, 1, 7, 3, 0, 3),
  ...Array.from({ length: 8 }, (_, i) => randomCase(mulberry32(9100 + i), { maxInput: 14 })),
];

describe.each(["sum", "mean"] as const)("%s reduction", (reduction) => {
  test.each(cases.map((c) => [describeCase(c), c] as const))("%s", (_name, c) => {
    const out = conv2d(c.input, c.kernel, c.bias, c.options);
    const outputGrad = squaredErrorGrad(out, c.target, reduction);
    const grads = conv2dBackward(c.input, c.kernel, outputGrad, c.options);

    const kernelFd = c.kernel.data.map((_, t) => centralDifference(c, reduction, c.kernel, t));
    expectClose(grads.kernelGrad.data, kernelFd, TOLERANCE, "conv2dBackward kernelGrad");
    expectClose([grads.biasGrad], [biasDifference(c, reduction)], TOLERANCE, "biasGrad");

    const rand = mulberry32(c.input.data.length * 31 + c.kernel.data.length);
    for (const cell of sampleCells(rand, c.input, 24)) {
      const fd = centralDifference(c, reduction, c.input, cell);
      expectClose([grads.inputGrad.data[cell] as number], [fd], TOLERANCE, `inputGrad[${cell}]`);
    }

    // train() with learning rate 0 reports the gradient at the starting parameters.
    const trained = train(
      { input: c.input, target: c.target, options: c.options, reduction },
      { kernel: c.kernel, bias: c.bias },
      0,
      1,
    );
    expectClose(trained.kernelGrad.data, kernelFd, TOLERANCE, "train kernelGrad");
    expectClose([trained.biasGrad], [biasDifference(c, reduction)], TOLERANCE, "train biasGrad");
    expect(trained.losses[0]).toBe(lossOf(c, reduction));
  });
});
