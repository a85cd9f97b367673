// The real network's request kinds (networkTrain, networkPredict, networkSweep) through the
// handler, against the engine run directly: same numbers to the bit.
import { describe, expect, test } from "vitest";
import { type BatchStep, batchStep, filterSweep } from "../../../src/engine/cnn/filterSweep";
import {
  cnnArchitecture,
  cnnPresetSpec,
  createTrainer,
  type DigitsDataset,
  initParams,
  paramViews,
  predict,
  type TrainSettings,
  trainSteps,
} from "../../../src/engine/index";
import type {
  NetworkSweepRequestMessage,
  NetworkTrainRequestMessage,
} from "../../../src/worker/network/protocol";
import { of, randomDigits, recorder } from "./fixtures";

const DATA: DigitsDataset = { train: randomDigits(1, 40), test: randomDigits(2, 30) };
const loadDigits = async () => DATA;
const CONFIG = { filters: 3, filters2: 2, stride: 1, padding: 0 };
/** The small CNN of CONFIG as the general engine's spec: the same parameters' layout. */
const SPEC = cnnPresetSpec(CONFIG);
/** The general engine's index of the small CNN's conv layer 1 or 2. */
const INDEX = { 1: 0, 2: 3 } as const;
const SETTINGS: TrainSettings = {
  batchSize: 4,
  learningRate: 0.05,
  momentum: 0.9,
  reduction: "mean",
  seed: 7,
};
const arch = cnnArchitecture(CONFIG);
const start = initParams(arch, SETTINGS.seed).data;

function trainMessage(
  fields: Partial<NetworkTrainRequestMessage> = {},
): NetworkTrainRequestMessage {
  return {
    type: "networkTrain",
    runId: 1,
    network: { spec: SPEC, params: start.slice() },
    velocity: new Float64Array(start.length),
    steps: 0,
    settings: SETTINGS,
    run: 12,
    reportMs: 0,
    evaluateEvery: 5,
    data: "digits.bin",
    ...fields,
  };
}

function bits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

describe("networkTrain", () => {
  test("ends with the parameters trainSteps reaches, reports along the way", async () => {
    const { handler, replies } = recorder({ loadDigits });
    await handler.handle(trainMessage());
    const trainer = createTrainer(CONFIG, SETTINGS, DATA.train);
    const direct = trainSteps(trainer, 12);
    const [done] = of(replies, "networkDone");
    expect(done?.step).toBe(12);
    expect(done?.cancelled).toBe(false);
    expect(bits(done?.params as Float64Array, trainer.params.data)).toBe(true);
    expect(bits(done?.velocity as Float64Array, trainer.velocity.data)).toBe(true);
    const progress = of(replies, "networkProgress");
    expect(progress.length).toBeGreaterThan(0);
    const losses = [...progress.flatMap((p) => [...p.losses]), ...(done?.losses ?? [])];
    expect(losses).toEqual([...direct.losses]);
    const evaluations = [...progress, done].flatMap((r) => r?.evaluations ?? []);
    expect(evaluations.map((e) => e.step)).toEqual([5, 10, 12]);
    const last = evaluations.at(-1);
    expect(last?.confusion.reduce((a, b) => a + b, 0)).toBe(DATA.test.count);
  });

  test("a run resumed from a report's step and momentum continues the same numbers", async () => {
    const first = recorder({ loadDigits });
    await first.handler.handle(trainMessage({ run: 5 }));
    const [mid] = of(first.replies, "networkDone");
    const second = recorder({ loadDigits });
    await second.handler.handle(
      trainMessage({
        network: { spec: SPEC, params: mid?.params as Float64Array },
        velocity: mid?.velocity as Float64Array,
        steps: 5,
        run: 7,
      }),
    );
    const trainer = createTrainer(CONFIG, SETTINGS, DATA.train);
    trainSteps(trainer, 12);
    const [end] = of(second.replies, "networkDone");
    expect(bits(end?.params as Float64Array, trainer.params.data)).toBe(true);
  });

  test("a cancel stops it; it still ends with its evaluation", async () => {
    const { handler, replies } = recorder({ loadDigits }, (reply) => {
      if (reply.type === "networkProgress") void handler.handle({ type: "cancel", runId: 1 });
    });
    await handler.handle(trainMessage({ run: 1000 }));
    const [done] = of(replies, "networkDone");
    expect(done?.cancelled).toBe(true);
    expect(done?.step).toBeLessThan(1000);
    expect(done?.evaluations.at(-1)?.step).toBe(done?.step);
  });

  test("malformed requests are refused naming the field", async () => {
    const { handler, replies } = recorder({ loadDigits });
    await handler.handle(
      trainMessage({
        network: {
          spec: {
            ...SPEC,
            layers: [{ type: "conv2d", filters: 65, kernelSize: 3 }, ...SPEC.layers.slice(1)],
          },
          params: start,
        },
      }),
    );
    await handler.handle(trainMessage({ runId: 2, run: -1 }));
    await handler.handle(trainMessage({ runId: 3, settings: { ...SETTINGS, momentum: 1 } }));
    const errors = of(replies, "error").map((e) => e.message);
    expect(errors[0]).toMatch(/filters/);
    expect(errors[1]).toMatch(/run must be a whole number/);
    expect(errors[2]).toMatch(/momentum/);
  });

  test("a digits asset that cannot be loaded is an error reply, and the next request tries again", async () => {
    let calls = 0;
    const { handler, replies } = recorder({
      loadDigits: async () => {
        calls++;
        if (calls === 1) throw new Error("The digits file cannot be used: truncated");
        return DATA;
      },
    });
    await handler.handle(trainMessage({ run: 1 }));
    await handler.handle(trainMessage({ runId: 2, run: 1 }));
    expect(of(replies, "error")[0]?.message).toMatch(/cannot be used/);
    expect(of(replies, "networkDone")).toHaveLength(1);
  });
});

describe("networkPredict", () => {
  test("gives the engine's probabilities", async () => {
    const { handler, replies } = recorder({ loadDigits });
    const image = new Float64Array(1024).map((_, i) => (i % 7) / 7);
    await handler.handle({
      type: "networkPredict",
      runId: 4,
      network: { spec: SPEC, params: start },
      image,
    });
    const [reply] = of(replies, "networkPrediction");
    expect(
      bits(reply?.probabilities as Float64Array, predict(arch, paramViews(arch, start), image)),
    ).toBe(true);
  });

  test("an image value outside [0, 1] is refused naming it", async () => {
    const { handler, replies } = recorder({ loadDigits });
    const image = new Float64Array(1024);
    image[5] = 2;
    await handler.handle({
      type: "networkPredict",
      runId: 4,
      network: { spec: SPEC, params: start },
      image,
    });
    expect(of(replies, "error")[0]?.message).toMatch(/image\[5\]/);
  });
});

describe("networkSweep", () => {
  const sweepMessage = (layer: 1 | 2, filter: number): NetworkSweepRequestMessage => ({
    type: "networkSweep",
    runId: 9,
    network: { spec: SPEC, params: start },
    velocity: new Float64Array(start.length),
    steps: 3,
    settings: SETTINGS,
    image: { set: "train", index: 6 },
    layer: INDEX[layer],
    filter,
    data: "digits.bin",
  });

  for (const [layer, filter] of [
    [1, 2],
    [2, 1],
  ] as const) {
    test(`layer ${layer}, filter ${filter}: the positions' terms summed in order are the engine's gradient, to the bit`, async () => {
      const { handler, replies } = recorder({ loadDigits });
      await handler.handle(sweepMessage(layer, filter));
      const [reply] = of(replies, "networkSweep");
      if (reply === undefined) throw new Error(JSON.stringify(replies));
      const { sweep } = reply;
      const size = sweep.weights.length;
      const sum = new Float64Array(size);
      const positions = sweep.shape.outHeight * sweep.shape.outWidth;
      let contributing = 0;
      let bias = 0;
      for (let p = 0; p < positions; p++) {
        for (let t = 0; t < size; t++)
          sum[t] = (sum[t] as number) + (sweep.kernelTerms[p * size + t] as number);
        bias += sweep.delta[p] as number;
        if (sweep.delta[p] !== 0) contributing++;
      }
      expect(bits(sum, sweep.weightGrad)).toBe(true);
      expect(bias).toBe(sweep.biasGrad);
      expect(contributing).toBe(sweep.contributing);
      expect(reply.label).toBe(DATA.train.labels[6]);
      // The same as the engine called directly.
      const direct = filterSweep(
        arch,
        paramViews(arch, start),
        reply.pixels,
        reply.label,
        1 / 4,
        layer,
        filter,
      );
      expect(bits(direct.weightGrad, sweep.weightGrad)).toBe(true);
    });
  }

  test("the batch: the images' sums add up to the batch gradient, and the update is trainSteps' step", async () => {
    const { handler, replies } = recorder({ loadDigits });
    await handler.handle(sweepMessage(1, 0));
    const batch = of(replies, "networkSweep")[0]?.batch as BatchStep;
    const size = 9;
    const sum = new Float64Array(size);
    for (let i = 0; i < SETTINGS.batchSize; i++) {
      for (let t = 0; t < size; t++)
        sum[t] = (sum[t] as number) + (batch.imageGrads[i * size + t] as number);
    }
    expect(bits(sum, batch.layerGrad.slice(0, size))).toBe(true);
    const trainer = createTrainer(CONFIG, SETTINGS, DATA.train);
    trainer.steps = 3;
    trainSteps(trainer, 1);
    expect(bits(batch.params, trainer.params.data)).toBe(true);
    const direct = batchStep(
      arch,
      SETTINGS,
      DATA.train,
      { params: start, velocity: new Float64Array(start.length), steps: 3 },
      1,
      0,
    );
    expect([...direct.images]).toEqual([...batch.images]);
  });

  test("with shifted images and a halving η, the batch view still adds up to the step", () => {
    // The section's defaults shift each training image and halve η: the batch view must load
    // the images as the trainer does, or its sums would not be the step's gradient.
    const settings: TrainSettings = { ...SETTINGS, maxShift: 1, learningRateHalfLife: 10 };
    const at = { params: start, velocity: new Float64Array(start.length), steps: 5 };
    const batch = batchStep(arch, settings, DATA.train, at, 1, 2);
    const size = 9;
    const sum = new Float64Array(size);
    for (let i = 0; i < settings.batchSize; i++) {
      for (let t = 0; t < size; t++)
        sum[t] = (sum[t] as number) + (batch.imageGrads[i * size + t] as number);
    }
    expect(bits(sum, batch.layerGrad.slice(2 * size, 3 * size))).toBe(true);
    const trainer = createTrainer(CONFIG, settings, DATA.train);
    trainer.steps = 5;
    trainSteps(trainer, 1);
    expect(bits(batch.params, trainer.params.data)).toBe(true);
    // And the shifts matter: without them the same step's gradient differs.
    const unshifted = batchStep(arch, { ...settings, maxShift: 0 }, DATA.train, at, 1, 2);
    expect(bits(unshifted.layerGrad, batch.layerGrad)).toBe(false);
  });

  test("layer 2 of a network without one, and an index out of range, are refused", async () => {
    const { handler, replies } = recorder({ loadDigits });
    const one = { ...CONFIG, filters2: 0 };
    const params = initParams(cnnArchitecture(one), 1).data;
    await handler.handle({
      ...sweepMessage(2, 0),
      network: { spec: cnnPresetSpec(one), params },
      velocity: new Float64Array(params.length),
    });
    await handler.handle({ ...sweepMessage(1, 0), image: { set: "test", index: 30 } });
    const errors = of(replies, "error").map((e) => e.message);
    expect(errors[0]).toMatch(/not a conv/);
    expect(errors[1]).toMatch(/image.index must be a whole number from 0 to 29/);
  });
});
