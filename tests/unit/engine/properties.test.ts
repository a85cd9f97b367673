/**
 * Exact (to the bit) properties of the engine, checked with fast-check on random shapes,
 * options and values (fixed seeds, so every run checks the same cases):
 * - summing positionContributions in order gives conv2dBackward's result;
 * - the entries come one per output position, in row-major order;
 * - the fused 3x3 path equals the general path;
 * - the mean reduction's gradient is the sum reduction's divided by N;
 * - computeSweep's records are positionContributions' entries, and sumsAt is their prefix sum.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  computeSweep,
  conv2d,
  conv2dBackward,
  createGrid,
  emptySums,
  type FusedState,
  fusedStep3x3,
  type Grid,
  isFusedCase,
  outputShape,
  type PositionContribution,
  positionContributions,
  RECORD_DELTA,
  RECORD_KERNEL_GRAD,
  RECORD_OUT,
  type Reduction,
  recordInputGradOffset,
  recordLengthFor,
  resolveOptions,
  sgdUpdate,
  squaredErrorGrad,
  squaredErrorLoss,
  sumsAt,
  train,
} from "../../../src/engine";
import { expectSameBits, expectSameNumber } from "./compare";
import { type ConvCase, mulberry32, randomGrid } from "./random";

const RUNS = { numRuns: 200 };

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Any finite double in [-10, 10], including ±0 and subnormals. */
const value = fc.double({ min: -10, max: 10, noNaN: true });

function gridOf(height: number, width: number, values = value): fc.Arbitrary<Grid> {
  const n = height * width;
  return fc
    .array(values, { minLength: n, maxLength: n })
    .map((a) => createGrid(height, width, Float64Array.from(a)));
}

/** A valid problem: kernel 1..7 a side, every option, input from the smallest that fits up. */
const convCase: fc.Arbitrary<ConvCase> = fc
  .record({
    kH: fc.integer({ min: 1, max: 7 }),
    kW: fc.integer({ min: 1, max: 7 }),
    stride: fc.integer({ min: 1, max: 4 }),
    padding: fc.integer({ min: 0, max: 3 }),
    dilation: fc.integer({ min: 1, max: 3 }),
    extraH: fc.integer({ min: 0, max: 8 }),
    extraW: fc.integer({ min: 0, max: 8 }),
  })
  .chain(({ kH, kW, stride, padding, dilation, extraH, extraW }) => {
    const height = Math.max(1, (kH - 1) * dilation + 1 - 2 * padding) + extraH;
    const width = Math.max(1, (kW - 1) * dilation + 1 - 2 * padding) + extraW;
    const options = { stride, padding, dilation };
    const out = outputShape({ height, width }, { height: kH, width: kW }, options);
    return fc.record({
      input: gridOf(height, width),
      kernel: gridOf(kH, kW),
      bias: value,
      target: gridOf(out.height, out.width),
      options: fc.constant(options),
    });
  });

/** A problem for the fused path: 3x3 kernel, stride 1, no padding, no dilation. */
const fusedCase: fc.Arbitrary<ConvCase> = fc
  .record({ height: fc.integer({ min: 3, max: 20 }), width: fc.integer({ min: 3, max: 20 }) })
  .chain(({ height, width }) =>
    fc.record({
      input: gridOf(height, width, fc.double({ min: -2, max: 2, noNaN: true })),
      kernel: gridOf(3, 3, fc.double({ min: -2, max: 2, noNaN: true })),
      bias: fc.double({ min: -2, max: 2, noNaN: true }),
      target: gridOf(height - 2, width - 2, fc.double({ min: -2, max: 2, noNaN: true })),
      options: fc.constant({ stride: 1, padding: 0, dilation: 1 }),
    }),
  );

const reduction = fc.constantFrom<Reduction>("sum", "mean");

// ---------------------------------------------------------------------------------------------
// Helpers

interface Sums {
  kernelGrad: Float64Array;
  biasGrad: number;
  inputGrad: Float64Array;
}

/** The ordered sum of entries, inputGradPatch placed at its origin with the dilation. */
function sumInOrder(entries: Iterable<PositionContribution>, c: ConvCase, count = Infinity): Sums {
  const { height: inH, width: inW } = c.input;
  const { height: kH, width: kW } = c.kernel;
  const d = c.options.dilation;
  const sums = {
    kernelGrad: new Float64Array(kH * kW),
    biasGrad: 0,
    inputGrad: new Float64Array(inH * inW),
  };
  let taken = 0;
  for (const e of entries) {
    if (taken++ >= count) break;
    sums.biasGrad += e.biasGrad;
    for (let t = 0; t < kH * kW; t++) {
      sums.kernelGrad[t] = (sums.kernelGrad[t] as number) + (e.kernelGrad.data[t] as number);
    }
    for (let a = 0; a < kH; a++) {
      const r = e.inputOrigin.row + a * d;
      if (r < 0 || r >= inH) continue;
      for (let b = 0; b < kW; b++) {
        const col = e.inputOrigin.col + b * d;
        if (col < 0 || col >= inW) continue;
        const cell = r * inW + col;
        sums.inputGrad[cell] =
          (sums.inputGrad[cell] as number) + (e.inputGradPatch.data[a * kW + b] as number);
      }
    }
  }
  return sums;
}

function outputGradOf(c: ConvCase, r: Reduction): Grid {
  return squaredErrorGrad(conv2d(c.input, c.kernel, c.bias, c.options), c.target, r);
}

// ---------------------------------------------------------------------------------------------

describe("positionContributions", () => {
  test("summed in order, they give exactly conv2dBackward's kernelGrad, biasGrad and inputGrad", () => {
    fc.assert(
      fc.property(convCase, (c) => {
        // The target stands in for an arbitrary outputGrad of the output's shape.
        const whole = conv2dBackward(c.input, c.kernel, c.target, c.options);
        const sums = sumInOrder(positionContributions(c.input, c.kernel, c.target, c.options), c);
        expectSameBits(sums.kernelGrad, whole.kernelGrad.data, "kernelGrad");
        expectSameNumber(sums.biasGrad, whole.biasGrad, "biasGrad");
        expectSameBits(sums.inputGrad, whole.inputGrad.data, "inputGrad");
      }),
      { seed: 0x5eed01, ...RUNS },
    );
  });

  test("one entry per output position in row-major order, each what the contract says", () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const { stride, padding, dilation } = c.options;
        const { height: outH, width: outW } = c.target;
        const { height: kH, width: kW } = c.kernel;
        const entries = [...positionContributions(c.input, c.kernel, c.target, c.options)];
        expect(entries.length).toBe(outH * outW);
        entries.forEach((e, p) => {
          const row = Math.floor(p / outW);
          const col = p % outW;
          expect([e.row, e.col]).toEqual([row, col]);
          const delta = c.target.data[p] as number;
          expectSameNumber(e.delta, delta, "delta");
          expectSameNumber(e.biasGrad, delta, "biasGrad");
          expect(e.inputOrigin).toEqual({
            row: row * stride - padding,
            col: col * stride - padding,
          });
          expect([e.kernelGrad.height, e.kernelGrad.width]).toEqual([kH, kW]);
          expect([e.inputGradPatch.height, e.inputGradPatch.width]).toEqual([kH, kW]);
          for (let a = 0; a < kH; a++) {
            for (let b = 0; b < kW; b++) {
              const r = e.inputOrigin.row + a * dilation;
              const q = e.inputOrigin.col + b * dilation;
              const inside = r >= 0 && r < c.input.height && q >= 0 && q < c.input.width;
              const seen = inside ? (c.input.data[r * c.input.width + q] as number) : 0;
              const t = a * kW + b;
              expectSameNumber(e.kernelGrad.data[t] as number, delta * seen, `kernelGrad[${t}]`);
              expectSameNumber(
                e.inputGradPatch.data[t] as number,
                delta * (c.kernel.data[t] as number),
                `inputGradPatch[${t}]`,
              );
            }
          }
        });
      }),
      { seed: 0x5eed02, ...RUNS },
    );
  });

  test("a 32x32 input with a 3x3 kernel gives 900 positions, (0,0) … (29,29), delta = outputGrad", () => {
    const rand = mulberry32(32);
    const input = randomGrid(rand, 32, 32, 0, 1);
    const kernel = randomGrid(rand, 3, 3);
    const outputGrad = randomGrid(rand, 30, 30);
    const entries = [...positionContributions(input, kernel, outputGrad)];
    expect(entries.length).toBe(900);
    expect(entries.map((e) => [e.row, e.col])).toEqual(
      Array.from({ length: 900 }, (_, p) => [Math.floor(p / 30), p % 30]),
    );
    expectSameBits(
      entries.map((e) => e.delta),
      outputGrad.data,
      "deltas",
    );
    expect(entries[31]?.inputOrigin).toEqual({ row: 1, col: 1 });
  });
});

describe("the fused 3x3 path equals the general path to the bit", () => {
  /** The general path, one public function at a time. */
  function generalSteps(c: ConvCase, r: Reduction, learningRate: number, steps: number) {
    let params = { kernel: c.kernel, bias: c.bias };
    const losses: number[] = [];
    let last = conv2dBackward(c.input, c.kernel, c.target, c.options);
    for (let s = 0; s < steps; s++) {
      const out = conv2d(c.input, params.kernel, params.bias, c.options);
      losses.push(squaredErrorLoss(out, c.target, r));
      last = conv2dBackward(c.input, params.kernel, squaredErrorGrad(out, c.target, r), c.options);
      params = sgdUpdate(params, last.kernelGrad, last.biasGrad, learningRate);
    }
    return { params, losses, last };
  }

  /** A learning rate below 2 / (the loss's largest curvature) for values within ±2. */
  function stableRate(c: ConvCase, r: Reduction, fraction: number): number {
    const n = c.target.data.length;
    const kernelCells = c.kernel.data.length;
    return (fraction / (4 * kernelCells + 1)) * (r === "sum" ? 1 / n : 1);
  }

  test("train() (fused) gives the same losses, kernel, bias and gradients over several steps", () => {
    fc.assert(
      fc.property(
        fusedCase,
        reduction,
        fc.double({ min: 0, max: 1.9, noNaN: true }),
        fc.integer({ min: 1, max: 6 }),
        (c, r, fraction, steps) => {
          expect(isFusedCase(c.kernel, resolveOptions(c.options))).toBe(true);
          const rate = stableRate(c, r, fraction);
          const fused = train(
            { input: c.input, target: c.target, options: c.options, reduction: r },
            { kernel: c.kernel, bias: c.bias },
            rate,
            steps,
          );
          const general = generalSteps(c, r, rate, steps);
          expect(fused.diverged).toBe(false);
          expectSameBits(fused.losses, general.losses, "losses");
          expectSameBits(fused.params.kernel.data, general.params.kernel.data, "kernel");
          expectSameNumber(fused.params.bias, general.params.bias, "bias");
          expectSameBits(fused.kernelGrad.data, general.last.kernelGrad.data, "kernelGrad");
          expectSameNumber(fused.biasGrad, general.last.biasGrad, "biasGrad");
        },
      ),
      { seed: 0x5eed03, ...RUNS },
    );
  });

  test("fusedStep3x3 itself, with inputGrad, matches conv2dBackward and sgdUpdate", () => {
    fc.assert(
      fc.property(
        fusedCase,
        reduction,
        fc.double({ min: 0, max: 1.9, noNaN: true }),
        (c, r, fraction) => {
          const rate = stableRate(c, r, fraction);
          const state: FusedState = {
            kernel: c.kernel.data.slice(),
            bias: c.bias,
            kernelGrad: new Float64Array(9),
            biasGrad: 0,
            loss: 0,
          };
          const inputGrad = new Float64Array(c.input.data.length);
          fusedStep3x3(
            c.input.data,
            c.input.height,
            c.input.width,
            c.target.data,
            state,
            r,
            rate,
            inputGrad,
          );
          const general = generalSteps(c, r, rate, 1);
          expectSameNumber(state.loss, general.losses[0] as number, "loss");
          expectSameBits(state.kernelGrad, general.last.kernelGrad.data, "kernelGrad");
          expectSameNumber(state.biasGrad, general.last.biasGrad, "biasGrad");
          expectSameBits(inputGrad, general.last.inputGrad.data, "inputGrad");
          expectSameBits(state.kernel, general.params.kernel.data, "kernel");
          expectSameNumber(state.bias, general.params.bias, "bias");
        },
      ),
      { seed: 0x5eed04, ...RUNS },
    );
  });

  test("train() with any options (so mostly the general path) equals the public functions", () => {
    fc.assert(
      fc.property(
        convCase,
        reduction,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 4 }),
        (c, r, fraction, steps) => {
          // Values are within ±10 here, so scale the stable rate by 1/25 as well.
          const rate = stableRate(c, r, fraction) / 25;
          const trained = train(
            { input: c.input, target: c.target, options: c.options, reduction: r },
            { kernel: c.kernel, bias: c.bias },
            rate,
            steps,
          );
          const general = generalSteps(c, r, rate, steps);
          expect(trained.diverged).toBe(false);
          expectSameBits(trained.losses, general.losses, "losses");
          expectSameBits(trained.params.kernel.data, general.params.kernel.data, "kernel");
          expectSameNumber(trained.params.bias, general.params.bias, "bias");
          expectSameBits(trained.kernelGrad.data, general.last.kernelGrad.data, "kernelGrad");
          expectSameNumber(trained.biasGrad, general.last.biasGrad, "biasGrad");
        },
      ),
      { seed: 0x5eed05, numRuns: 60 },
    );
  });
});

describe("the mean reduction's gradient is the sum reduction's divided by N", () => {
  /** Σ|terms| of each gradient: conv2dBackward of absolute values. */
  function magnitudes(c: ConvCase, outputGrad: Grid) {
    const abs = (g: Grid) => createGrid(g.height, g.width, g.data.map(Math.abs));
    return conv2dBackward(abs(c.input), abs(c.kernel), abs(outputGrad), c.options);
  }

  /** |mean − sum/N| ≤ 1e-12 · (Σ|terms| / N): relative to the size of what is summed. */
  function expectScaled(
    mean: ArrayLike<number>,
    sum: ArrayLike<number>,
    scale: ArrayLike<number>,
    n: number,
    what: string,
  ) {
    for (let i = 0; i < mean.length; i++) {
      const expected = (sum[i] as number) / n;
      const allowed = 1e-12 * ((scale[i] as number) / n) + 1e-300;
      const diff = Math.abs((mean[i] as number) - expected);
      if (!(diff <= allowed)) {
        expect.fail(`${what}[${i}]: ${mean[i]} vs ${expected} (difference ${diff} > ${allowed})`);
      }
    }
  }

  test("conv2dBackward and train() within 1e-12 relative", () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const n = c.target.data.length;
        const sumGrad = outputGradOf(c, "sum");
        const sum = conv2dBackward(c.input, c.kernel, sumGrad, c.options);
        const mean = conv2dBackward(c.input, c.kernel, outputGradOf(c, "mean"), c.options);
        const scale = magnitudes(c, sumGrad);
        expectScaled(
          mean.kernelGrad.data,
          sum.kernelGrad.data,
          scale.kernelGrad.data,
          n,
          "kernelGrad",
        );
        expectScaled([mean.biasGrad], [sum.biasGrad], [scale.biasGrad], n, "biasGrad");
        expectScaled(mean.inputGrad.data, sum.inputGrad.data, scale.inputGrad.data, n, "inputGrad");

        const trainGrad = (r: Reduction) =>
          train(
            { input: c.input, target: c.target, options: c.options, reduction: r },
            { kernel: c.kernel, bias: c.bias },
            0,
            1,
          );
        const trainedSum = trainGrad("sum");
        const trainedMean = trainGrad("mean");
        expectScaled(
          trainedMean.kernelGrad.data,
          trainedSum.kernelGrad.data,
          scale.kernelGrad.data,
          n,
          "train kernelGrad",
        );
        expectScaled(
          [trainedMean.biasGrad],
          [trainedSum.biasGrad],
          [scale.biasGrad],
          n,
          "train biasGrad",
        );
        expectScaled(
          trainedMean.losses,
          trainedSum.losses.map((l) => l),
          trainedSum.losses,
          n,
          "train loss",
        );
      }),
      { seed: 0x5eed06, ...RUNS },
    );
  });

  test("exactly when N is a power of two (dividing by N is then exact)", () => {
    const powerOfTwoCase = fc
      .record({ logH: fc.integer({ min: 0, max: 4 }), logW: fc.integer({ min: 0, max: 4 }) })
      .chain(({ logH, logW }) => {
        const outH = 2 ** logH;
        const outW = 2 ** logW;
        const height = outH + 2; // 3x3 kernel, stride 1, no padding: the fused path in train()
        const width = outW + 2;
        const vals = fc.double({ min: 1e-3, max: 4, noNaN: true });
        return fc.record({
          input: gridOf(height, width, vals),
          kernel: gridOf(3, 3, vals),
          bias: vals,
          target: gridOf(outH, outW, vals),
          options: fc.constant({ stride: 1, padding: 0, dilation: 1 }),
        });
      });
    fc.assert(
      fc.property(powerOfTwoCase, (c) => {
        const n = c.target.data.length;
        const sum = conv2dBackward(c.input, c.kernel, outputGradOf(c, "sum"), c.options);
        const mean = conv2dBackward(c.input, c.kernel, outputGradOf(c, "mean"), c.options);
        expectSameBits(
          mean.kernelGrad.data,
          sum.kernelGrad.data.map((g) => g / n),
          "kernelGrad",
        );
        expectSameNumber(mean.biasGrad, sum.biasGrad / n, "biasGrad");
        expectSameBits(
          mean.inputGrad.data,
          sum.inputGrad.data.map((g) => g / n),
          "inputGrad",
        );
        const trainGrad = (r: Reduction) =>
          train(
            { input: c.input, target: c.target, options: c.options, reduction: r },
            { kernel: c.kernel, bias: c.bias },
            0,
            1,
          );
        const trainedSum = trainGrad("sum");
        const trainedMean = trainGrad("mean");
        expectSameBits(
          trainedMean.kernelGrad.data,
          trainedSum.kernelGrad.data.map((g) => g / n),
          "train kernelGrad",
        );
        expectSameNumber(trainedMean.biasGrad, trainedSum.biasGrad / n, "train biasGrad");
      }),
      { seed: 0x5eed07, ...RUNS },
    );
  });
});

describe("computeSweep and sumsAt", () => {
  test("records are exactly positionContributions' entries (and conv2d's output, the loss)", () => {
    fc.assert(
      fc.property(convCase, reduction, (c, r) => {
        const sweep = computeSweep(c.input, c.kernel, c.bias, c.target, c.options, r);
        const out = conv2d(c.input, c.kernel, c.bias, c.options);
        const outputGrad = squaredErrorGrad(out, c.target, r);
        const entries = [...positionContributions(c.input, c.kernel, outputGrad, c.options)];
        const k = c.kernel.data.length;
        const len = recordLengthFor(k);
        expect(sweep.recordLength).toBe(len);
        expect([sweep.outHeight, sweep.outWidth]).toEqual([out.height, out.width]);
        expect(sweep.records.length).toBe(entries.length * len);
        expectSameNumber(sweep.loss, squaredErrorLoss(out, c.target, r), "loss");
        const ig = recordInputGradOffset(k);
        entries.forEach((e, p) => {
          const record = sweep.records.subarray(p * len, (p + 1) * len);
          expectSameNumber(record[RECORD_OUT] as number, out.data[p] as number, `out ${p}`);
          expectSameNumber(record[RECORD_DELTA] as number, e.delta, `delta ${p}`);
          expectSameBits(
            record.subarray(RECORD_KERNEL_GRAD, RECORD_KERNEL_GRAD + k),
            e.kernelGrad.data,
            `kernelGrad ${p}`,
          );
          expectSameBits(record.subarray(ig, ig + k), e.inputGradPatch.data, `inputGradPatch ${p}`);
        });
      }),
      { seed: 0x5eed08, ...RUNS },
    );
  });

  test("sumsAt(P) is exactly the ordered sum of the first P contributions, forwards and backwards", () => {
    fc.assert(
      fc.property(
        convCase,
        reduction,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (c, r, fractions) => {
          const sweep = computeSweep(c.input, c.kernel, c.bias, c.target, c.options, r);
          const total = sweep.outHeight * sweep.outWidth;
          const outputGrad = outputGradOf(c, r);
          const entries = [...positionContributions(c.input, c.kernel, outputGrad, c.options)];
          const sums = emptySums(sweep);
          // Random moves both ways, then the end and a move back to the start.
          const positions = [...fractions.map((f) => Math.round(f * total)), total, 0];
          for (const position of positions) {
            const result = sumsAt(sweep, sums, position);
            expect(result).toBe(sums);
            expect(sums.position).toBe(position);
            const expected = sumInOrder(entries, c, position);
            expectSameBits(sums.kernelGrad.data, expected.kernelGrad, `kernelGrad at ${position}`);
            expectSameNumber(sums.biasGrad, expected.biasGrad, `biasGrad at ${position}`);
            expectSameBits(sums.inputGrad.data, expected.inputGrad, `inputGrad at ${position}`);
            if (position === total) {
              const whole = conv2dBackward(c.input, c.kernel, outputGrad, c.options);
              expectSameBits(sums.kernelGrad.data, whole.kernelGrad.data, "kernelGrad at the end");
              expectSameNumber(sums.biasGrad, whole.biasGrad, "biasGrad at the end");
              expectSameBits(sums.inputGrad.data, whole.inputGrad.data, "inputGrad at the end");
            }
          }
        },
      ),
      { seed: 0x5eed09, ...RUNS },
    );
  });
});
