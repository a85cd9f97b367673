/**
 * Exact properties of the CNN, checked with fast-check (fixed seeds):
 * - max-pool routes each δ to the one cell that won its window (the first maximum in
 *   row-major order on ties), and nowhere else;
 * - ReLU passes δ only where its input was > 0;
 * - one filter's per-position contributions, summed in order from zero, equal to the bit
 *   what convBackward adds for that filter, and all filters' δ·w patches equal the layer
 *   below's δ; the count of contributing positions is the count of non-zero δ;
 * - in the network, a first-layer filter has at most one contributing position per pooled
 *   cell, and a batch's gradient is the sum of its images' gradients.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  backwardImage,
  cnnArchitecture,
  contributingPositions,
  convBackward,
  convContributions,
  createWorkspace,
  forwardImage,
  initParams,
  maxPoolBackward,
  maxPoolForward,
  paramViews,
  poolShape,
  reluBackward,
  reluBackwardAt,
  reluForward,
} from "../../../../src/engine";
import { expectSameBits } from "../compare";
import { mulberry32, randomArray, randomConvCase } from "./cases";

const RUNS = { numRuns: 60, seed: 1313 };

/** Values from a small set, so that ties and zeros are common. */
const tieProne = fc.constantFrom(-1, 0, 0, 0.5, 1, 2);

const poolCase = fc
  .record({
    channels: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 2, max: 9 }),
    w: fc.integer({ min: 2, max: 9 }),
  })
  .chain(({ channels, h, w }) =>
    fc.record({
      shape: fc.constant(poolShape(channels, h, w)),
      input: fc.array(tieProne, { minLength: channels * h * w, maxLength: channels * h * w }),
      delta: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), {
        minLength: channels * Math.floor(h / 2) * Math.floor(w / 2),
        maxLength: channels * Math.floor(h / 2) * Math.floor(w / 2),
      }),
    }),
  );

describe("max-pool routing", () => {
  test("each window's δ goes whole to its winner, the first maximum in row-major order; other cells get 0", () => {
    fc.assert(
      fc.property(poolCase, ({ shape: s, input: values, delta: d }) => {
        const input = Float64Array.from(values);
        const delta = Float64Array.from(d);
        const out = new Float64Array(delta.length);
        const winners = new Int32Array(delta.length);
        maxPoolForward(s, input, out, winners);
        const inputGrad = new Float64Array(input.length).fill(Number.NaN);
        maxPoolBackward(s, winners, delta, inputGrad);
        const expected = new Float64Array(input.length);
        let o = 0;
        for (let c = 0; c < s.channels; c++) {
          for (let i = 0; i < s.outHeight; i++) {
            for (let j = 0; j < s.outWidth; j++) {
              const top = (c * s.inHeight + 2 * i) * s.inWidth + 2 * j;
              const window = [top, top + 1, top + s.inWidth, top + s.inWidth + 1];
              const max = Math.max(...window.map((k) => input[k] as number));
              const first = window.find((k) => input[k] === max) as number;
              expect(out[o]).toBe(max);
              expect(winners[o]).toBe(first);
              expected[first] = delta[o] as number;
              o++;
            }
          }
        }
        expectSameBits(inputGrad, expected, "inputGrad");
      }),
      RUNS,
    );
  });
});

describe("ReLU masking", () => {
  test("forward is max(0, x); backward passes δ exactly where x > 0 (0 at x = 0)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(tieProne, fc.double({ min: -1, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 50,
        }),
        (pairs) => {
          const input = Float64Array.from(pairs, ([x]) => x);
          const delta = Float64Array.from(pairs, ([, d]) => d);
          const out = new Float64Array(input.length);
          reluForward(input, out);
          const grad = new Float64Array(input.length);
          reluBackward(input, delta, grad);
          pairs.forEach(([x, d], i) => {
            expect(out[i]).toBe(Math.max(x, 0));
            expect(grad[i]).toBe(x > 0 ? d : 0);
          });
        },
      ),
      RUNS,
    );
  });
});

describe("ReLU backward after a pool", () => {
  test("reluBackwardAt over the pool's winners equals reluBackward, to the bit", () => {
    fc.assert(
      fc.property(poolCase, ({ shape: s, input: values, delta: d }) => {
        const z = Float64Array.from(values, (v, i) => v - (i % 3) * 0.25);
        const relu = new Float64Array(z.length);
        reluForward(z, relu);
        const pooled = new Float64Array(d.length);
        const winners = new Int32Array(d.length);
        maxPoolForward(s, relu, pooled, winners);
        const routed = new Float64Array(z.length);
        maxPoolBackward(s, winners, Float64Array.from(d), routed);
        const full = new Float64Array(z.length);
        reluBackward(z, routed, full);
        const sparse = new Float64Array(z.length).fill(Number.NaN);
        reluBackwardAt(z, routed, sparse, winners);
        expectSameBits(sparse, full, "inputGrad");
      }),
      RUNS,
    );
  });
});

describe("per-position contributions of one filter", () => {
  test("sum, in order from zero, to convBackward's filter gradient and the layer below's δ, to the bit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.boolean(),
        fc.boolean(),
        (seed, fast, sparse) => {
          const c = randomConvCase(mulberry32(seed), fast, sparse);
          const s = c.shape;
          const fsize = s.inChannels * s.kernelHeight * s.kernelWidth;
          const weightGrad = new Float64Array(c.weights.length);
          const biasGrad = new Float64Array(s.filters);
          const inputGrad = new Float64Array(c.input.length);
          convBackward(s, c.input, c.weights, c.outputGrad, weightGrad, biasGrad, inputGrad);
          const below = new Float64Array(c.input.length);
          for (let k = 0; k < s.filters; k++) {
            const kernelSum = new Float64Array(fsize);
            let biasSum = 0;
            let entries = 0;
            let nonZero = 0;
            for (const e of convContributions(s, c.input, c.weights, c.outputGrad, k)) {
              expect([e.row, e.col]).toEqual([
                Math.floor(entries / s.outWidth),
                entries % s.outWidth,
              ]);
              entries++;
              if (e.delta !== 0) nonZero++;
              biasSum += e.biasGrad;
              e.kernelGrad.forEach((v, t) => {
                kernelSum[t] = (kernelSum[t] as number) + v;
              });
              for (let ch = 0; ch < s.inChannels; ch++) {
                for (let a = 0; a < s.kernelHeight; a++) {
                  for (let b = 0; b < s.kernelWidth; b++) {
                    const r = e.inputOrigin.row + a;
                    const q = e.inputOrigin.col + b;
                    if (r < 0 || r >= s.inHeight || q < 0 || q >= s.inWidth) continue;
                    const cell = (ch * s.inHeight + r) * s.inWidth + q;
                    const t = (ch * s.kernelHeight + a) * s.kernelWidth + b;
                    below[cell] = (below[cell] as number) + (e.inputGradPatch[t] as number);
                  }
                }
              }
            }
            expect(entries).toBe(s.outHeight * s.outWidth);
            expect(contributingPositions(s, c.outputGrad, k)).toBe(nonZero);
            expectSameBits(
              kernelSum,
              weightGrad.subarray(k * fsize, (k + 1) * fsize),
              `filter ${k} kernelGrad`,
            );
            expect(Object.is(biasSum, biasGrad[k])).toBe(true);
          }
          expectSameBits(below, inputGrad, "inputGrad (the layer below's δ)");
        },
      ),
      RUNS,
    );
  });
});

describe("in the network", () => {
  const arch = cnnArchitecture({ filters: 4, filters2: 3 });
  const params = initParams(arch, 21);
  const rand = mulberry32(14_000);
  const images = Array.from({ length: 4 }, () => randomArray(rand, 1024, 0, 1));

  test("a first-layer filter has at most one contributing position per pooled cell", () => {
    const ws = createWorkspace(arch);
    for (const image of images) {
      ws.input.set(image);
      forwardImage(arch, params, ws);
      backwardImage(arch, params, ws, 1, 1, paramViews(arch));
      for (let k = 0; k < arch.conv1.filters; k++) {
        const count = contributingPositions(arch.conv1, ws.conv1.outGrad, k);
        expect(count).toBeLessThanOrEqual(arch.pool1.outHeight * arch.pool1.outWidth);
        expect(count).toBeGreaterThan(0);
      }
    }
  });

  test("the batch gradient is the sum of the images' gradients, in image order, to the bit", () => {
    const ws = createWorkspace(arch);
    const batch = paramViews(arch);
    const sum = new Float64Array(arch.layout.length);
    images.forEach((image, n) => {
      ws.input.set(image);
      forwardImage(arch, params, ws);
      backwardImage(arch, params, ws, n, 0.25, batch);
      const single = paramViews(arch);
      forwardImage(arch, params, ws);
      backwardImage(arch, params, ws, n, 0.25, single);
      single.data.forEach((v, i) => {
        sum[i] = (sum[i] as number) + v;
      });
    });
    expectSameBits(batch.data, sum, "batch gradient");
  });
});
