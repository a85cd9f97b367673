// The main view's single filter is the general engine's one-layer, one-channel case: conv2d,
// conv2dBackward and positionContributions give the same bits as the multi-channel kernels
// the general engine runs (convForward, convBackward, convContributions with C = K = 1), on
// every kernel size, stride, padding and dilation — one summation order (docs/engine.md).
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { convForward, convShape } from "../../../src/engine/cnn/conv";
import { convBackward } from "../../../src/engine/cnn/convBackward";
import { convContributions } from "../../../src/engine/cnn/convContributions";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  positionContributions,
} from "../../../src/engine/index";

/** One random problem: input, kernel, options that fit, and a δ of the output's shape. */
const problem = fc
  .record({
    kh: fc.integer({ min: 1, max: 7 }),
    kw: fc.integer({ min: 1, max: 7 }),
    stride: fc.integer({ min: 1, max: 4 }),
    padding: fc.integer({ min: 0, max: 3 }),
    dilation: fc.integer({ min: 1, max: 3 }),
    extraH: fc.integer({ min: 0, max: 12 }),
    extraW: fc.integer({ min: 0, max: 12 }),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  })
  .map((p) => {
    // Inputs at least as large as the dilated kernel, so every option fits.
    const height = (p.kh - 1) * p.dilation + 1 + p.extraH;
    const width = (p.kw - 1) * p.dilation + 1 + p.extraW;
    let state = p.seed;
    const random = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647 - 0.5;
    };
    const fill = (n: number) => Float64Array.from({ length: n }, random);
    return {
      ...p,
      height,
      width,
      input: fill(height * width),
      kernel: fill(p.kh * p.kw),
      bias: random(),
    };
  });

const bitsEqual = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe("the main view's filter is the general engine's one-layer case, to the bit", () => {
  test("forward, backward and each position's terms", () => {
    fc.assert(
      fc.property(problem, (p) => {
        const options = { stride: p.stride, padding: p.padding, dilation: p.dilation };
        const input = createGrid(p.height, p.width, p.input.slice());
        const kernel = createGrid(p.kh, p.kw, p.kernel.slice());
        const shape = convShape({
          inChannels: 1,
          inHeight: p.height,
          inWidth: p.width,
          filters: 1,
          kernelHeight: p.kh,
          kernelWidth: p.kw,
          ...options,
        });
        const out = conv2d(input, kernel, p.bias, options);
        const general = new Float64Array(shape.outHeight * shape.outWidth);
        convForward(shape, p.input, p.kernel, Float64Array.of(p.bias), general);
        expect(bitsEqual(out.data, general)).toBe(true);

        const delta = out.data.map((v, i) => (i % 3 === 0 ? 0 : v * 0.7 - 0.1));
        const grads = conv2dBackward(
          input,
          kernel,
          createGrid(out.height, out.width, delta),
          options,
        );
        const weightGrad = new Float64Array(p.kh * p.kw);
        const biasGrad = new Float64Array(1);
        const inputGrad = new Float64Array(p.height * p.width);
        convBackward(shape, p.input, p.kernel, delta, weightGrad, biasGrad, inputGrad);
        expect(bitsEqual(grads.kernelGrad.data, weightGrad)).toBe(true);
        expect(Object.is(grads.biasGrad, biasGrad[0])).toBe(true);
        expect(bitsEqual(grads.inputGrad.data, inputGrad)).toBe(true);

        const mine = [
          ...positionContributions(
            input,
            kernel,
            createGrid(out.height, out.width, delta),
            options,
          ),
        ];
        const theirs = [...convContributions(shape, p.input, p.kernel, delta, 0)];
        expect(mine.length).toBe(theirs.length);
        mine.forEach((m, i) => {
          const t = theirs[i];
          if (t === undefined) throw new Error("missing position");
          expect([m.row, m.col, m.inputOrigin.row, m.inputOrigin.col]).toEqual([
            t.row,
            t.col,
            t.inputOrigin.row,
            t.inputOrigin.col,
          ]);
          expect(Object.is(m.delta, t.delta)).toBe(true);
          expect(bitsEqual(m.kernelGrad.data, t.kernelGrad)).toBe(true);
          expect(bitsEqual(m.inputGradPatch.data, t.inputGradPatch)).toBe(true);
        });
      }),
      { numRuns: 300, seed: 22 },
    );
  });
});
