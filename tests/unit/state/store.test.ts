import fc from "fast-check";
import { afterAll, beforeEach, describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  positionContributions,
  type SweepSums,
  squaredErrorGrad,
  squaredErrorLoss,
} from "../../../src/engine";
import { resetApp, STROKE_WAIT_MS } from "../../../src/state/commit";
import { setEngineClient } from "../../../src/state/engineClient";
import { segmentDistance } from "../../../src/state/images";
import { exportState, importState } from "../../../src/state/loading";
import {
  loadImagePreset,
  paintStroke,
  setBrush,
  setLearningRate,
  setOptions,
} from "../../../src/state/problem";
import { type AppState, appStore } from "../../../src/state/store";
import { finishSweep, requestSweep, setPosition, step, stepBack } from "../../../src/state/sweep";
import { train } from "../../../src/state/training";
import { applyUpdate, reset } from "../../../src/state/update";
import { createEngineClient } from "../../../src/worker/client";
import { fakeWorkers } from "../worker/fakeWorker";

const state = () => appStore.getState();

/** The ordered sum of the first p contributions, straight from the engine. */
function expectedSums(p: number) {
  const s = state();
  const out = conv2d(s.image, s.kernel, s.bias, s.options);
  const grad = squaredErrorGrad(out, s.target, s.reduction);
  const kernelGrad = new Float64Array(s.kernel.data.length);
  const inputGrad = new Float64Array(s.image.data.length);
  let biasGrad = 0;
  let i = 0;
  for (const c of positionContributions(s.image, s.kernel, grad, s.options)) {
    if (i++ >= p) break;
    biasGrad += c.biasGrad;
    c.kernelGrad.data.forEach((v, t) => {
      kernelGrad[t] = (kernelGrad[t] as number) + v;
    });
    const { dilation } = s.options;
    for (let a = 0; a < c.inputGradPatch.height; a++) {
      for (let b = 0; b < c.inputGradPatch.width; b++) {
        const r = c.inputOrigin.row + a * dilation;
        const col = c.inputOrigin.col + b * dilation;
        if (r < 0 || r >= s.image.height || col < 0 || col >= s.image.width) continue;
        const cell = r * s.image.width + col;
        inputGrad[cell] =
          (inputGrad[cell] as number) +
          (c.inputGradPatch.data[a * c.inputGradPatch.width + b] as number);
      }
    }
  }
  return { kernelGrad, inputGrad, biasGrad };
}

function expectSumsExact(sums: SweepSums | null, p: number) {
  expect(sums).not.toBeNull();
  const want = expectedSums(p);
  expect(sums?.position).toBe(p);
  expect(Array.from(sums?.kernelGrad.data ?? [])).toEqual(Array.from(want.kernelGrad));
  expect(Array.from(sums?.inputGrad.data ?? [])).toEqual(Array.from(want.inputGrad));
  expect(sums?.biasGrad).toBe(want.biasGrad);
}

beforeEach(async () => {
  setEngineClient(createEngineClient({ inProcess: true }));
  resetApp();
  await requestSweep();
});
afterAll(() => setEngineClient(null));

describe("the sweep cursor", () => {
  test("the first sweep has 900 positions for the 32x32 image and 3x3 filter, starting at 0", () => {
    const s = state();
    expect(s.sweep?.outHeight).toBe(30);
    expect(s.sweep?.outWidth).toBe(30);
    expect(s.position).toBe(0);
    expectSumsExact(s.sums, 0);
  });

  test("step, step back and scrubbing keep the sums equal to the first P contributions", () => {
    for (let i = 0; i < 5; i++) step();
    expectSumsExact(state().sums, 5);
    stepBack();
    expectSumsExact(state().sums, 4);
    setPosition(700);
    expectSumsExact(state().sums, 700);
    setPosition(123);
    expectSumsExact(state().sums, 123);
    setPosition(5000);
    expect(state().position).toBe(900);
    setPosition(-3);
    expect(state().position).toBe(0);
  });

  test("finishing the sweep gives exactly conv2dBackward's gradients", () => {
    finishSweep();
    const s = state();
    const out = conv2d(s.image, s.kernel, s.bias);
    const grads = conv2dBackward(s.image, s.kernel, squaredErrorGrad(out, s.target, "sum"));
    expect(Array.from(s.sums?.kernelGrad.data ?? [])).toEqual(Array.from(grads.kernelGrad.data));
    expect(s.sums?.biasGrad).toBe(grads.biasGrad);
    expect(Array.from(s.sums?.inputGrad.data ?? [])).toEqual(Array.from(grads.inputGrad.data));
  });
});

describe("the update", () => {
  test("apply update moves the one kernel by −η·Σ and starts a new sweep at 0", async () => {
    finishSweep();
    const before = state();
    // Written out, not asked of the engine's sgdUpdate: w − η·Σ and b − η·Σδ, from the
    // contributions summed in this file.
    const sums = expectedSums(900);
    const lr = before.learningRate;
    applyUpdate();
    expect(Array.from(state().kernel.data)).toEqual(
      Array.from(before.kernel.data, (w, i) => w - lr * (sums.kernelGrad[i] as number)),
    );
    expect(state().bias).toBe(before.bias - lr * sums.biasGrad);
    expect(state().updates).toBe(1);
    await requestSweep();
    expect(state().position).toBe(0);
    const loss = (s = state()) =>
      squaredErrorLoss(conv2d(s.image, s.kernel, s.bias), s.target, "sum");
    expect(loss()).toBeLessThan(
      squaredErrorLoss(conv2d(before.image, before.kernel, before.bias), before.target, "sum"),
    );
  });

  test("reset returns to the initial kernel and bias and keeps the image", async () => {
    const initial = state().kernel;
    await paintStroke({ row: 2, col: 2 }, { row: 2, col: 20 });
    const image = state().image;
    finishSweep();
    applyUpdate();
    await requestSweep();
    finishSweep();
    expect(state().lossHistory).toHaveLength(2);
    reset();
    // At once, before any new sweep: the old sums and the old curve are gone.
    expect(state().kernel).toBe(initial);
    expect(state().updates).toBe(0);
    expect(state().image).toBe(image);
    expect(state().position).toBe(0);
    expect(state().lossHistory).toEqual([]);
    expect(state().sums?.position).toBe(0);
    expect(Array.from(state().sums?.kernelGrad.data ?? [1]).every((v) => v === 0)).toBe(true);
    expect(state().sums?.biasGrad).toBe(0);
    await requestSweep();
    expect(state().lossHistory.map((p) => p.update)).toEqual([0]);
  });

  test("a negative learning rate is refused with a message and not used", () => {
    const lr = state().learningRate;
    expect(setLearningRate(-1)).toBe(false);
    expect(state().learningRate).toBe(lr);
    expect(state().notice?.kind).toBe("error");
    expect(state().notice?.text).toMatch(/learning rate must be from 0/);
  });
});

describe("drawing and options", () => {
  test("a stroke paints the cells along it and restarts the sweep at 0", async () => {
    setPosition(50);
    await paintStroke({ row: 1.5, col: 1.5 }, { row: 1.5, col: 8.5 });
    const img = state().image;
    for (let c = 1; c <= 8; c++) expect(img.data[1 * 32 + c]).toBe(1);
    expect(state().position).toBe(0);
    expectSumsExact(state().sums, 0);
    setPosition(300);
    expectSumsExact(state().sums, 300);
  });

  test("a stroke changes exactly the cells within the brush radius of its segment", async () => {
    const point = fc.record({
      row: fc.double({ min: -4, max: 36, noNaN: true }),
      col: fc.double({ min: -4, max: 36, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.option(point, { nil: null }),
        point,
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom("paint" as const, "erase" as const),
        async (from, to, brushSize, brushMode) => {
          loadImagePreset("noise");
          setBrush({ brushSize, brushMode });
          const before = state().image;
          await paintStroke(from, to);
          // Every cell, by the definition: within brushSize − 0.5 of the segment from → to.
          const a = from ?? to;
          const want = Array.from(before.data, (v, i) => {
            const r = Math.floor(i / before.width) + 0.5;
            const c = (i % before.width) + 0.5;
            const d = segmentDistance(r, c, a.row, a.col, to.row, to.col);
            return d <= brushSize - 0.5 ? (brushMode === "paint" ? 1 : 0) : v;
          });
          expect(Array.from(state().image.data)).toEqual(want);
        },
      ),
      { numRuns: 150, seed: 27 },
    );
  });

  test("a stroke's image reaches the store in the same update as its sweep", async () => {
    const shown: AppState[] = [];
    const stop = appStore.subscribe((now, before) => {
      if (now.image !== before.image) shown.push(now);
    });
    for (let r = 3; r < 9; r++) await paintStroke({ row: r, col: 2 }, { row: r, col: 25 });
    stop();
    expect(shown).toHaveLength(6);
    for (const view of shown) {
      expect(view.sweepPending).toBe(false);
      const out = conv2d(view.image, view.kernel, view.bias, view.options);
      expect(view.sweep?.loss).toBe(squaredErrorLoss(out, view.target, view.reduction));
    }
    expectSumsExact(state().sums, 0);
  });

  test("strokes made before the worker answers build on each other; the last sweep shows them all", async () => {
    loadImagePreset("blank");
    await requestSweep();
    const first = paintStroke({ row: 2.5, col: 1 }, { row: 2.5, col: 30 });
    const second = paintStroke({ row: 20.5, col: 1 }, { row: 20.5, col: 30 });
    expect(state().image.data[2 * 32 + 10]).toBe(0); // not shown yet: its sweep is on its way
    await Promise.all([first, second]);
    const img = state().image;
    expect(img.data[2 * 32 + 10]).toBe(1);
    expect(img.data[20 * 32 + 10]).toBe(1);
    expect(state().sweepPending).toBe(false);
    expectSumsExact(state().sums, 0);
  });

  test("with a slow worker a stroke is shown after STROKE_WAIT_MS, pending, and its sweep follows", async () => {
    const { createWorker, made } = fakeWorkers();
    setEngineClient(createEngineClient({ createWorker }));
    resetApp();
    loadImagePreset("blank");
    await requestSweep();
    made[0]?.hold();
    const stroke = paintStroke({ row: 10.5, col: 1 }, { row: 10.5, col: 30 });
    expect(state().image.data[10 * 32 + 5]).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, STROKE_WAIT_MS + 20));
    expect(state().image.data[10 * 32 + 5]).toBe(1);
    expect(state().sweepPending).toBe(true);
    expect(state().position).toBe(0);
    made[0]?.release();
    await stroke;
    expect(state().sweepPending).toBe(false);
    expect(state().image.data[10 * 32 + 5]).toBe(1);
    expectSumsExact(state().sums, 0);
  });

  test("a change made while a stroke waits for its sweep comes after the stroke", async () => {
    const stroke = paintStroke({ row: 4.5, col: 1 }, { row: 4.5, col: 30 });
    loadImagePreset("blank");
    await stroke;
    await requestSweep();
    expect(Array.from(state().image.data).every((v) => v === 0)).toBe(true);
    expectSumsExact(state().sums, 0);
  });

  test("options that do not fit are refused with a message; good ones change the sweep", async () => {
    setOptions({ stride: 9 });
    expect(state().options.stride).toBe(1);
    expect(state().notice?.text).toMatch(/stride/);
    setOptions({ stride: 2, padding: 1 });
    await requestSweep();
    expect(state().sweep?.outHeight).toBe(16);
    setPosition(100);
    expectSumsExact(state().sums, 100);
  });
});

describe("the state file", () => {
  test("export then import restores the same state, and re-exports the same text", async () => {
    setPosition(321);
    const text = exportState();
    resetApp();
    await requestSweep();
    expect(await importState(text)).toBe(true);
    expect(state().position).toBe(321);
    expect(exportState()).toBe(text);
  });

  test("a bad file leaves the state untouched and says what is wrong", async () => {
    setPosition(10);
    const before = exportState();
    const doc = JSON.parse(before);
    const bad = [
      ["not json", "{oops", /not JSON/],
      ["wrong format", JSON.stringify({ ...doc, format: "other" }), /format/],
      ["wrong version", JSON.stringify({ ...doc, version: 2 }), /version/],
      [
        "bad image value",
        JSON.stringify({ ...doc, image: { ...doc.image, data: doc.image.data.map(() => 2) } }),
        /image\.data\[0\].*0 to 1/,
      ],
      [
        "shape mismatch",
        JSON.stringify({ ...doc, target: { height: 2, width: 2, data: [0, 0, 0, 0] } }),
        /target/,
      ],
      [
        "sums disagree",
        JSON.stringify({ ...doc, sums: { ...doc.sums, biasGrad: doc.sums.biasGrad + 1 } }),
        /sums\.biasGrad/,
      ],
      ["string number", JSON.stringify({ ...doc, bias: "1" }), /bias/],
    ] as const;
    for (const [, text, message] of bad) {
      expect(await importState(text)).toBe(false);
      expect(state().notice?.text).toMatch(message);
      expect(exportState()).toBe(before);
    }
  });
});

describe("training", () => {
  test("200 steps on the vertical-edge target lower the loss over 10x and extend the curve", async () => {
    const s0 = state();
    const loss0 = squaredErrorLoss(conv2d(s0.image, s0.kernel, s0.bias), s0.target, "sum");
    await train(200);
    // The sweep of the trained filter, asked for when training ended, adds the last point.
    for (let i = 0; i < 1000 && state().sweepPending; i++) {
      await new Promise((done) => setTimeout(done, 0));
    }
    const s = state();
    expect(s.updates).toBe(200);
    expect(s.training).toBe(false);
    const loss = squaredErrorLoss(conv2d(s.image, s.kernel, s.bias), s.target, "sum");
    expect(loss0 / loss).toBeGreaterThan(10);
    expect(s.lossHistory.map((p) => p.update)).toEqual(Array.from({ length: 201 }, (_, i) => i));
    expect(s.lossHistory[200]?.loss).toBe(loss);
    expect(s.lossHistory[0]?.loss).toBe(loss0);
  });

  test("a huge learning rate diverges: training stops with a message and finite weights", async () => {
    const start = state().kernel;
    setLearningRate(1e3);
    await train(200);
    const s = state();
    expect(s.notice?.text).toMatch(/blew up/);
    expect(s.kernel.data.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(s.bias)).toBe(true);
    // One click puts back the last good filter: here the one training started from.
    s.notice?.action?.run();
    expect(state().kernel).toBe(start);
    expect(state().updates).toBe(0);
    expect(state().lossHistory.every((p) => p.update <= 0)).toBe(true);
  });

  test("a loss that explodes while still finite stops training too", async () => {
    // 10x the stable rate: the loss grows geometrically but stays finite for many steps.
    setLearningRate(0.002);
    await train(2000);
    const s = state();
    expect(s.notice?.text).toMatch(/blew up.*grew over/);
    expect(s.updates).toBeLessThan(2000);
    const worst = Math.max(...s.lossHistory.map((p) => p.loss));
    expect(Number.isFinite(worst)).toBe(true);
  });
});
