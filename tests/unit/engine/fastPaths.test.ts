/**
 * The engine's specialised loops (the 3x3 / stride 1 / no padding / no dilation forward,
 * backward and sweep, and the general loops with precomputed tap ranges) against a naive
 * reference written here from the contract's formula: four nested loops, every tap checked
 * against the padding, terms summed in the same order. Equal to the bit.
 */
import fc from "fast-check";
import { describe, test } from "vitest";
import {
  computeSweep,
  conv2d,
  conv2dBackward,
  createGrid,
  type Grid,
  outputShape,
  RECORD_DELTA,
  RECORD_KERNEL_GRAD,
  RECORD_OUT,
  type Reduction,
  type ResolvedConvOptions,
  recordInputGradOffset,
  squaredErrorGrad,
} from "../../../src/engine";
import { expectSameBits, expectSameNumber } from "./compare";
import { mulberry32, randomGrid } from "./random";

// Values with full 53-bit mantissas (fast-check's doubles favour simple values such as 0 and
// ±10, whose sums round the same in any order and so would hide a reordered sum).
const value = fc
  .integer({ min: 1, max: 2 ** 31 - 1 })
  .map((seed) => (mulberry32(seed)() - 0.5) * 20);

function gridOf(height: number, width: number): fc.Arbitrary<Grid> {
  return fc
    .integer({ min: 1, max: 2 ** 31 - 1 })
    .map((seed) => randomGrid(mulberry32(seed), height, width, -10, 10));
}

interface Case {
  input: Grid;
  kernel: Grid;
  bias: number;
  target: Grid;
  options: ResolvedConvOptions;
  reduction: Reduction;
}

function cases(fast: boolean): fc.Arbitrary<Case> {
  return fc
    .record({
      kH: fast ? fc.constant(3) : fc.integer({ min: 1, max: 7 }),
      kW: fast ? fc.constant(3) : fc.integer({ min: 1, max: 7 }),
      stride: fast ? fc.constant(1) : fc.integer({ min: 1, max: 4 }),
      padding: fast ? fc.constant(0) : fc.integer({ min: 0, max: 3 }),
      dilation: fast ? fc.constant(1) : fc.integer({ min: 1, max: 3 }),
      extraH: fc.integer({ min: 0, max: 12 }),
      extraW: fc.integer({ min: 0, max: 12 }),
      reduction: fc.constantFrom<Reduction>("sum", "mean"),
    })
    .chain(({ kH, kW, stride, padding, dilation, extraH, extraW, reduction }) => {
      const options = { stride, padding, dilation };
      const height = Math.max(1, (kH - 1) * dilation + 1 - 2 * padding) + extraH;
      const width = Math.max(1, (kW - 1) * dilation + 1 - 2 * padding) + extraW;
      const out = outputShape({ height, width }, { height: kH, width: kW }, options);
      return fc.record({
        input: gridOf(height, width),
        kernel: gridOf(kH, kW),
        bias: value,
        target: gridOf(out.height, out.width),
        options: fc.constant(options),
        reduction: fc.constant(reduction),
      });
    });
}

/** The input cell under tap (a, b) of position (i, j), or null over the padding. */
function cellOf(c: Case, i: number, j: number, a: number, b: number): number | null {
  const { stride, padding, dilation } = c.options;
  const r = i * stride + a * dilation - padding;
  const col = j * stride + b * dilation - padding;
  if (r < 0 || r >= c.input.height || col < 0 || col >= c.input.width) return null;
  return r * c.input.width + col;
}

function naiveForward(c: Case): Grid {
  const out = outputShape(c.input, c.kernel, c.options);
  const y = createGrid(out.height, out.width);
  for (let i = 0; i < out.height; i++) {
    for (let j = 0; j < out.width; j++) {
      let s = 0;
      for (let a = 0; a < c.kernel.height; a++) {
        for (let b = 0; b < c.kernel.width; b++) {
          const cell = cellOf(c, i, j, a, b);
          if (cell !== null)
            s += (c.kernel.data[a * c.kernel.width + b] as number) * (c.input.data[cell] as number);
        }
      }
      y.data[i * out.width + j] = c.bias + s;
    }
  }
  return y;
}

function naiveBackward(c: Case, g: Grid) {
  const kernelGrad = createGrid(c.kernel.height, c.kernel.width);
  const inputGrad = createGrid(c.input.height, c.input.width);
  let biasGrad = 0;
  for (let i = 0; i < g.height; i++) {
    for (let j = 0; j < g.width; j++) {
      const d = g.data[i * g.width + j] as number;
      biasGrad += d;
      for (let a = 0; a < c.kernel.height; a++) {
        for (let b = 0; b < c.kernel.width; b++) {
          const t = a * c.kernel.width + b;
          const cell = cellOf(c, i, j, a, b);
          kernelGrad.data[t] =
            (kernelGrad.data[t] as number) +
            d * (cell === null ? 0 : (c.input.data[cell] as number));
          if (cell !== null)
            inputGrad.data[cell] =
              (inputGrad.data[cell] as number) + d * (c.kernel.data[t] as number);
        }
      }
    }
  }
  return { kernelGrad, biasGrad, inputGrad };
}

function checkAgainstNaive(c: Case): void {
  const out = conv2d(c.input, c.kernel, c.bias, c.options);
  const want = naiveForward(c);
  expectSameBits(out.data, want.data, "conv2d");
  const g = squaredErrorGrad(out, c.target, c.reduction);
  const n = g.data.length;
  for (let p = 0; p < n; p++) {
    const e = (out.data[p] as number) - (c.target.data[p] as number);
    expectSameNumber(g.data[p] as number, c.reduction === "sum" ? e : e / n, `outputGrad[${p}]`);
  }
  const grads = conv2dBackward(c.input, c.kernel, g, c.options);
  const naive = naiveBackward(c, g);
  expectSameBits(grads.kernelGrad.data, naive.kernelGrad.data, "kernelGrad");
  expectSameNumber(grads.biasGrad, naive.biasGrad, "biasGrad");
  expectSameBits(grads.inputGrad.data, naive.inputGrad.data, "inputGrad");
  const sweep = computeSweep(c.input, c.kernel, c.bias, c.target, c.options, c.reduction);
  const kCells = c.kernel.data.length;
  const ig = recordInputGradOffset(kCells);
  for (let p = 0; p < n; p++) {
    const base = p * sweep.recordLength;
    expectSameNumber(
      sweep.records[base + RECORD_OUT] as number,
      want.data[p] as number,
      `record ${p} out`,
    );
    const d = g.data[p] as number;
    expectSameNumber(sweep.records[base + RECORD_DELTA] as number, d, `record ${p} delta`);
    const i = Math.floor(p / g.width);
    const j = p % g.width;
    for (let t = 0; t < kCells; t++) {
      const cell = cellOf(c, i, j, Math.floor(t / c.kernel.width), t % c.kernel.width);
      const seen = cell === null ? 0 : (c.input.data[cell] as number);
      expectSameNumber(
        sweep.records[base + RECORD_KERNEL_GRAD + t] as number,
        d * seen,
        `record ${p} kernelGrad ${t}`,
      );
      expectSameNumber(
        sweep.records[base + ig + t] as number,
        d * (c.kernel.data[t] as number),
        `record ${p} inputGrad ${t}`,
      );
    }
  }
}

describe("specialised loops equal the naive formula to the bit", () => {
  test("3x3, stride 1, no padding, no dilation (the fast paths)", () => {
    fc.assert(
      fc.property(cases(true), (c) => checkAgainstNaive(c)),
      { seed: 20261126, numRuns: 150 },
    );
  });
  test("every kernel shape and option (the general loops)", () => {
    fc.assert(
      fc.property(cases(false), (c) => checkAgainstNaive(c)),
      { seed: 1126, numRuns: 300 },
    );
  });
});
