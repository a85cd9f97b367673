/**
 * Training: the same seed and settings give the same numbers to the last digit (shifts,
 * weight decay and the learning-rate decay included); another seed gives others; the update
 * is torch.optim.SGD's; the order of the images is a seeded permutation per epoch, their
 * shifts a seeded hash; training on a learnable task lowers the loss.
 */
import { describe, expect, test } from "vitest";
import {
  batchGradient,
  createTrainer,
  DEFAULT_TRAIN_SETTINGS,
  evaluate,
  imageAt,
  type LabelledImages,
  learningRateAt,
  loadImage,
  loadShiftedImage,
  nextBatch,
  paramViews,
  predict,
  sgdMomentumStep,
  shiftAt,
  type TrainSettings,
  trainSteps,
} from "../../../../src/engine";
import { expectSameBits } from "../compare";
import { mulberry32 } from "./cases";

/** A small learnable set: class k is a bright horizontal bar at row 4 + 2k, with noise. */
function bars(count: number, seed: number): LabelledImages {
  const rand = mulberry32(seed);
  const pixels = new Uint8Array(count * 1024);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 10;
    labels[n] = label;
    for (let i = 0; i < 1024; i++) pixels[n * 1024 + i] = Math.floor(rand() * 40);
    for (let c = 4; c < 28; c++) pixels[n * 1024 + (4 + 2 * label) * 32 + c] = 255;
  }
  return { count, pixels, labels };
}

const data = bars(64, 1);
const settings: TrainSettings = {
  batchSize: 8,
  learningRate: 0.05,
  momentum: 0.9,
  reduction: "mean",
  seed: 42,
};
/** Every option on: shifts, weight decay, a decaying learning rate. */
const everything: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  batchSize: 8,
  seed: 42,
  weightDecay: 1e-3,
  learningRateHalfLife: 5,
};

describe("determinism", () => {
  test("same seed and settings: the same losses and parameters, to the bit", () => {
    const a = createTrainer({ filters: 4, filters2: 2 }, everything, data);
    const b = createTrainer({ filters: 4, filters2: 2 }, everything, data);
    const ra = trainSteps(a, 12);
    const rb = trainSteps(b, 5);
    const rb2 = trainSteps(b, 7); // paused and resumed: the same run
    expectSameBits(ra.losses, [...rb.losses, ...rb2.losses], "losses");
    expectSameBits(a.params.data, b.params.data, "params");
    expectSameBits(a.velocity.data, b.velocity.data, "velocity");
  });

  test("batchGradient over a step's images and shifts gives that step's gradient and loss, to the bit", () => {
    const t = createTrainer({ filters: 3, filters2: 2 }, everything, data);
    trainSteps(t, 3);
    const before = paramViews(t.arch, t.params.data.slice());
    const batch = nextBatch(t);
    const shifts = new Int8Array(2 * batch.length);
    batch.forEach((_, i) => {
      const { dy, dx } = shiftAt(everything.seed, t.steps * everything.batchSize + i, 1);
      shifts[2 * i] = dy;
      shifts[2 * i + 1] = dx;
    });
    const { losses } = trainSteps(t, 1);
    const grads = paramViews(t.arch);
    const result = batchGradient(t.arch, before, data, batch, "mean", grads, undefined, shifts);
    expectSameBits(grads.data, t.grads.data, "batch gradient");
    expect(Object.is(result.loss, losses[0])).toBe(true);
  });

  test("another seed: other initial weights and another order", () => {
    const a = createTrainer({}, settings, data);
    const b = createTrainer({}, { ...settings, seed: 43 }, data);
    expect(a.params.data).not.toEqual(b.params.data);
    expect(nextBatch(a)).not.toEqual(nextBatch(b));
  });

  test("each epoch visits every image once, in a seeded order", () => {
    const t = createTrainer({}, settings, data);
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen = Array.from({ length: data.count }, (_, i) => imageAt(t, epoch * data.count + i));
      expect([...seen].sort((x, y) => x - y)).toEqual(Array.from(data.labels.keys()));
    }
    const again = createTrainer({}, settings, data);
    expect(imageAt(again, 70)).toBe(imageAt(t, 70));
  });
});

describe("shifts", () => {
  test("shiftAt: whole pixels within ±maxShift, all of them used, none without maxShift", () => {
    const seen = new Set<string>();
    for (let p = 0; p < 500; p++) {
      const { dy, dx } = shiftAt(7, p, 2);
      expect(Math.abs(dy) <= 2 && Math.abs(dx) <= 2).toBe(true);
      seen.add(`${dy},${dx}`);
      expect(shiftAt(7, p, 0)).toEqual({ dy: 0, dx: 0 });
    }
    expect(seen.size).toBe(25);
  });

  test("loadShiftedImage moves the image and fills with zeros", () => {
    const pixels = new Uint8Array(1024);
    pixels[5 * 32 + 7] = 255;
    pixels[0] = 51;
    const set = { count: 1, pixels, labels: Uint8Array.of(0) };
    const input = new Float64Array(1024);
    loadShiftedImage(set, 0, 1, -2, input);
    expect(input[6 * 32 + 5]).toBe(1);
    expect(input.reduce((s, v) => s + v, 0)).toBe(1); // the pixel at (0, 0) moved out
    loadImage(set, 0, input);
    expect(input[0]).toBe(0.2);
  });
});

describe("updates", () => {
  test("the learning rate halves every halfLife steps", () => {
    const s = { ...settings, learningRate: 0.08, learningRateHalfLife: 10 };
    expect([0, 10, 20, 5].map((t) => learningRateAt(s, t))).toEqual([
      0.08,
      0.04,
      0.02,
      0.08 * 2 ** -0.5,
    ]);
    expect(learningRateAt(settings, 1000)).toBe(0.05);
  });

  test("weight decay adds λ·w to the gradient, as torch.optim.SGD's weight_decay", () => {
    const w = Float64Array.from([1, -2]);
    const v = new Float64Array(2);
    const g = Float64Array.from([0.2, 0.4]);
    sgdMomentumStep(w, g, v, 0.1, 0.9, 0.01);
    expect(Array.from(v)).toEqual([0.2 + 0.01 * 1, 0.4 + 0.01 * -2]);
    expect(Array.from(g)).toEqual([0.2, 0.4]);
  });

  test("sgdMomentumStep: v ← μv + g, w ← w − ηv", () => {
    const w = Float64Array.from([1, -2]);
    const v = Float64Array.from([0.5, 0]);
    sgdMomentumStep(w, Float64Array.from([0.2, 0.4]), v, 0.1, 0.9);
    expect(Array.from(v)).toEqual([0.9 * 0.5 + 0.2, 0.4]);
    expect(Array.from(w)).toEqual([1 - 0.1 * (0.9 * 0.5 + 0.2), -2 - 0.1 * 0.4]);
  });

  test("mean reduction: the batch gradient is the sum reduction's over N (to rounding)", () => {
    const sum = createTrainer({}, { ...settings, reduction: "sum", learningRate: 0 }, data);
    const mean = createTrainer({}, { ...settings, reduction: "mean", learningRate: 0 }, data);
    const rs = trainSteps(sum, 1);
    const rm = trainSteps(mean, 1);
    expect(rm.losses[0]).toBeCloseTo((rs.losses[0] as number) / 8, 12);
    sum.grads.data.forEach((g, i) => {
      expect(mean.grads.data[i]).toBeCloseTo(g / 8, 12);
    });
  });

  test("training on a learnable task lowers the loss and classifies it", () => {
    const t = createTrainer({ filters: 4 }, settings, data);
    const before = evaluate(t.arch, t.params, data);
    trainSteps(t, 60);
    const after = evaluate(t.arch, t.params, data);
    expect(after.loss).toBeLessThan(before.loss / 4);
    expect(after.accuracy).toBe(1);
    expect(after.confusion.reduce((s, v) => s + v, 0)).toBe(data.count);
    const image = Float64Array.from(data.pixels.subarray(0, 1024), (v) => v / 255);
    const p = predict(t.arch, t.params, image);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(p.indexOf(Math.max(...p))).toBe(data.labels[0]);
  });
});
