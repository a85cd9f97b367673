import { afterAll, beforeEach, describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  gridFromRows,
  positionContributions,
  type ResolvedConvOptions,
  sgdUpdate,
  squaredErrorGrad,
} from "../../../src/engine/index";
import { tapCoverage } from "../../../src/panels/Options/coverage";
import {
  applyBatchUpdate,
  batchTotal,
  requestBatchSweeps,
  setBatchPosition,
  setBatchSize,
} from "../../../src/state/batchActions";
import { defaultSource, noisyImage, shiftImage } from "../../../src/state/batchImages";
import { resetApp } from "../../../src/state/commit";
import { setEngineClient } from "../../../src/state/engineClient";
import { appStore, makeTarget } from "../../../src/state/store";
import { requestSweep } from "../../../src/state/sweep";
import { createEngineClient } from "../../../src/worker/client";

const state = () => appStore.getState();

beforeEach(async () => {
  setEngineClient(createEngineClient({ inProcess: true }));
  resetApp();
  await requestSweep();
});
afterAll(() => {
  setEngineClient(null);
});

describe("batch images", () => {
  test("a shift moves every cell down and right and fills with zeros", () => {
    const img = gridFromRows([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(Array.from(shiftImage(img, 1, 2).data)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 4]);
  });
  test("noise is seeded and keeps values in [0, 1]", () => {
    const img = createGrid(8, 8, new Float64Array(64).fill(0.95));
    const a = noisyImage(img, 0.2, 3);
    expect(Array.from(a.data)).toEqual(Array.from(noisyImage(img, 0.2, 3).data));
    expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(a.data.some((v) => v !== 0.95)).toBe(true);
  });
});

describe("the batch sweep", () => {
  test("per-image subtotals are each image's gradient, and the one gradient is their sum", async () => {
    setBatchSize(3, defaultSource);
    await requestBatchSweeps();
    const s = state();
    expect(s.batchSweeps?.length).toBe(3);
    const n = 900;
    setBatchPosition(n + 450);
    const sums = state().batchSums ?? [];
    expect(sums.map((x) => x.position)).toEqual([900, 450, 0]);
    const images = [s.image, shiftImage(s.image, 1, 2), noisyImage(s.image, 0.15, 2)];
    const grads = images.map((img) => {
      const target = makeTarget(img, s.targetKernel ?? createGrid(3, 3), s.options);
      return conv2dBackward(
        img,
        s.kernel,
        squaredErrorGrad(conv2d(img, s.kernel, s.bias), target, "sum"),
      );
    });
    expect(Array.from(sums[0]?.kernelGrad.data ?? [])).toEqual(
      Array.from(grads[0]?.kernelGrad.data ?? []),
    );
    expect(sums[0]?.biasGrad).toBe(grads[0]?.biasGrad);
    setBatchPosition(3 * n);
    const all = state().batchSums ?? [];
    const total = batchTotal(all);
    const want = new Float64Array(9);
    let wantBias = 0;
    for (const g of grads) {
      g.kernelGrad.data.forEach((v, t) => {
        want[t] = (want[t] as number) + v;
      });
      wantBias += g.biasGrad;
    }
    expect(Array.from(total.kernelGrad.data)).toEqual(Array.from(want));
    expect(total.biasGrad).toBe(wantBias);

    const before = state();
    applyBatchUpdate();
    const expected = sgdUpdate(
      { kernel: before.kernel, bias: before.bias },
      total.kernelGrad,
      total.biasGrad,
      before.learningRate,
    );
    expect(Array.from(state().kernel.data)).toEqual(Array.from(expected.kernel.data));
    expect(state().updates).toBe(1);
  });

  test("a newer batch request wins over an older one still running", async () => {
    const first = requestBatchSweeps();
    setBatchSize(2, defaultSource);
    await Promise.all([first, requestBatchSweeps()]);
    expect(state().batchSweeps?.length).toBe(2);
    expect(state().batchImages?.length).toBe(2);
  });
});

describe("tap coverage", () => {
  const cases: [string, ResolvedConvOptions][] = [
    ["plain", { stride: 1, padding: 0, dilation: 1 }],
    ["stride 3", { stride: 3, padding: 0, dilation: 1 }],
    ["stride 2, padding 1, dilation 2", { stride: 2, padding: 1, dilation: 2 }],
  ];
  test.each(cases)(
    "%s: each cell's count is the number of contributions placed on it",
    (_, options) => {
      const input = createGrid(12, 11, new Float64Array(132).fill(1));
      const kernel = createGrid(3, 3, new Float64Array(9).fill(1));
      const out = conv2d(input, kernel, 0, options);
      const count = new Float64Array(132);
      for (const c of positionContributions(
        input,
        kernel,
        createGrid(out.height, out.width, new Float64Array(out.data.length).fill(1)),
        options,
      )) {
        for (let a = 0; a < 3; a++)
          for (let b = 0; b < 3; b++) {
            const r = c.inputOrigin.row + a * options.dilation;
            const col = c.inputOrigin.col + b * options.dilation;
            if (r >= 0 && r < 12 && col >= 0 && col < 11)
              count[r * 11 + col] = (count[r * 11 + col] as number) + 1;
          }
      }
      expect(Array.from(tapCoverage(input, kernel, out, options).data)).toEqual(Array.from(count));
    },
  );
  test("stride 3 leaves the last two columns and rows of a 32x32 input uncovered", () => {
    const cov = tapCoverage(
      { height: 32, width: 32 },
      { height: 3, width: 3 },
      { height: 10, width: 10 },
      { stride: 3, padding: 0, dilation: 1 },
    );
    expect(cov.data[31]).toBe(0);
    expect(cov.data[29]).toBe(1);
    expect(cov.data[0]).toBe(1);
  });
});
