// One filter's sweep and the batch step inside any network: on today's digits network they are
// the small CNN's filterSweep and batchStep to the bit; on random networks every field is the
// general engine's own pass (the gradient, the δ of the filter and of each layer δ routes
// through, the pools' winners), the positions' terms add up to the gradient to the bit, and a
// batch step is the trainer's next step to the bit.
import { describe, expect, test } from "vitest";
import { batchStep, type FilterSweep, filterSweep } from "../../../../src/engine/cnn/filterSweep";
import {
  type BatchStep,
  cnnArchitecture,
  cnnPresetSpec,
  createNetwork,
  createNetworkTrainer,
  DEFAULT_TRAIN_SETTINGS,
  initParams,
  type LabelledImages,
  loadShiftedImage,
  NETWORK_PRESETS,
  type Network,
  type NetworkFilterSweep,
  type NetworkSpec,
  networkBackward,
  networkBatchStep,
  networkFilterSweep,
  networkForward,
  paramViews,
  type RunPoint,
  shiftAt,
  trainStep,
} from "../../../../src/engine/index";
import { expectClose, expectSameBits, expectSameNumber } from "../compare";
import { mulberry32 } from "../random";
import { type NetworkCase, randomNetworkCase } from "./architectures";

/** `count` labelled 32x32 images of random bytes. */
function randomImages(seed: number, count: number): LabelledImages {
  const rand = mulberry32(seed);
  const pixels = Uint8Array.from({ length: count * 1024 }, () => Math.floor(rand() * 256));
  const labels = Uint8Array.from({ length: count }, () => Math.floor(rand() * 10));
  return { count, pixels, labels };
}

const randomValues = (rand: () => number, length: number, min: number, max: number) =>
  Float64Array.from({ length }, () => min + (max - min) * rand());

const DATA = randomImages(21, 36);

/** η 0.1 halving every 1,000 steps, momentum 0.9, the mean; shifts of up to 1 pixel; decay. */
const SETTINGS = { ...DEFAULT_TRAIN_SETTINGS, batchSize: 8, maxShift: 1, weightDecay: 1e-4 };

type ArrayKeys<T> = { [K in keyof T]: T[K] extends ArrayLike<number> ? K : never }[keyof T];
const split = <T extends string>(names: string) => names.split(" ") as T[];
/** The fields that hold arrays: the same bits in the old sweep and step and in the new. */
const SWEEP_ARRAYS = split<ArrayKeys<NetworkFilterSweep> & keyof FilterSweep>(
  "input weights out delta kernelTerms weightGrad belowGrad probabilities",
);
const STEP_ARRAYS = split<ArrayKeys<BatchStep>>(
  "images imageGrads layerGrad layerBiasGrad layerBefore layerAfter params velocity",
);

/** Channel `c` of a `[C][H][W]` buffer of `plane`-value planes. */
function plane(buffer: Float64Array, c: number, size: number): Float64Array {
  return buffer.subarray(c * size, (c + 1) * size);
}

describe("on today's digits network, the small CNN's sweep and batch step to the bit", () => {
  const configs = [{ filters: 4, filters2: 6 }, {}];
  test.each(configs)("config %o", (config) => {
    const arch = cnnArchitecture(config);
    const net = createNetwork(cnnPresetSpec(config));
    const params = initParams(arch, 11).data;
    const rand = mulberry32(4);
    // Biases not zero, so that ReLU's kinks and the pools' winners move with them.
    for (let i = 0; i < params.length; i++)
      params[i] = (params[i] as number) + 0.05 * (rand() - 0.5);
    const image = randomValues(rand, 1024, 0, 1);
    // Old layer 1 is index 0; old layer 2 is index 3 (conv, ReLU, max-pool, conv, …).
    const layers: [1 | 2, number][] = [[1, 0]];
    if (arch.conv2 !== null) layers.push([2, 3]);
    for (const [old, index] of layers) {
      const k = (old === 1 ? arch.conv1 : arch.conv2)?.filters ?? 0;
      for (const filter of [0, k - 1]) {
        const at = `layer ${old}, filter ${filter}`;
        const a = filterSweep(arch, paramViews(arch, params), image, 3, 1 / 4, old, filter);
        const b = networkFilterSweep(net, params, image, 3, 1 / 4, index, filter);
        expect(b.shape, at).toEqual(a.shape);
        expect([b.layer, b.filter]).toEqual([index, filter]);
        for (const key of SWEEP_ARRAYS) expectSameBits(b[key], a[key], `${at}: ${key}`);
        for (const key of ["bias", "biasGrad", "loss", "contributing"] as const)
          expectSameNumber(b[key], a[key], `${at}: ${key}`);
        // δ's route: the ReLU's output δ is the old reluGrad (δ after the pool routed it), the
        // pool's output δ the old poolGrad, which the layer above sends.
        expect(b.route.map((s) => s.type)).toEqual(["relu", "maxpool2d"]);
        const [relu, pool] = b.route;
        expectSameBits(relu?.grad ?? [], a.reluGrad, `${at}: the ReLU's δ`);
        expect(relu?.winners).toBeNull();
        expectSameBits(pool?.grad ?? [], a.poolGrad, `${at}: the pool's δ`);
        expectSameBits(pool?.winners ?? [], a.winners, `${at}: the pool's winners`);
        expectSameBits(b.fromAbove.grad, a.poolGrad, `${at}: δ from above`);
        expect(b.fromAbove.layer).toBe(index + 3);
        expect([b.fromAbove.height, b.fromAbove.width]).toEqual([pool?.height, pool?.width]);
      }
    }

    for (const reduction of ["mean", "sum"] as const) {
      const settings = { ...SETTINGS, reduction };
      // Step 4 of batches of 8 from 36 images: the batch crosses into the second epoch.
      const run = { params, velocity: randomValues(rand, params.length, -0.01, 0.01), steps: 4 };
      for (const [old, index] of layers) {
        const at = `${reduction}, layer ${old}`;
        const a = batchStep(arch, settings, DATA, run, old, 1);
        const b = networkBatchStep(net, settings, DATA, run, index, 1);
        expect([...b.labels], at).toEqual([...a.labels]);
        for (const key of STEP_ARRAYS) expectSameBits(b[key], a[key], `${at}: ${key}`);
        expectSameNumber(b.loss, a.loss, `${at}: loss`);
        expectSameNumber(b.accuracy, a.accuracy, `${at}: accuracy`);
      }
    }
  });
});

/** Networks that surely hold what the random ones may miss. */
const HAND_MADE: NetworkSpec[] = [
  {
    // Conv directly after conv (stride, padding, dilation, a non-square kernel), an average
    // pool, a 1x1 conv last before the flatten.
    input: { channels: 3, height: 13, width: 11 },
    layers: [
      { type: "conv2d", filters: 3, kernelSize: 3, stride: 2, padding: 1 },
      { type: "conv2d", filters: 4, kernelSize: [2, 3], padding: 2, dilation: 2 },
      { type: "relu" },
      { type: "avgpool2d", size: 2, stride: 1 },
      { type: "conv2d", filters: 2, kernelSize: 1 },
      { type: "flatten" },
      { type: "dense", units: 5 },
    ],
    loss: "cross-entropy",
  },
  {
    // An overlapping max-pool before the ReLU; the network ends in the route (δ from the loss).
    input: { channels: 1, height: 12, width: 16 },
    layers: [
      { type: "conv2d", filters: 3, kernelSize: [3, 5], padding: 1, dilation: 2 },
      { type: "maxpool2d", size: 3, stride: 2 },
      { type: "relu" },
      { type: "conv2d", filters: 2, kernelSize: 3 },
      { type: "relu" },
    ],
    loss: "squared-error",
  },
  {
    // A convolution last: its route is empty and its δ comes from the loss.
    input: { channels: 1, height: 9, width: 9 },
    layers: [
      { type: "conv2d", filters: 2, kernelSize: 3 },
      { type: "relu" },
      { type: "conv2d", filters: 3, kernelSize: [2, 3], stride: 2 },
    ],
    loss: "squared-error",
  },
];

function handMadeCase(spec: NetworkSpec, seed: number): NetworkCase {
  const net = createNetwork(spec);
  const rand = mulberry32(seed);
  const params = randomValues(rand, net.paramCount, -0.5, 0.5);
  const { channels, height, width } = spec.input;
  const input = randomValues(rand, channels * height * width, 0, 1);
  const out = net.shapes.at(-1);
  const size = out === undefined ? 0 : out.channels * out.height * out.width;
  const target = spec.loss === "cross-entropy" ? 1 : randomValues(rand, size, -1, 1);
  return { seed, net, params, input, target, scale: 1 / 3 };
}

const ROUTED = new Set(["relu", "maxpool2d", "avgpool2d"]);

function softmax(values: Float64Array): Float64Array {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const total = exps.reduce((s, v) => s + v, 0);
  return exps.map((v) => v / total);
}

/** Sweeps one filter and checks it against networkForward and networkBackward. */
function checkSweep(c: NetworkCase, layer: number, filter: number): NetworkFilterSweep {
  const { net, params } = c;
  const sweep = networkFilterSweep(net, params, c.input, c.target, c.scale, layer, filter);
  const at = `seed ${c.seed}, layer ${layer}, filter ${filter}`;
  const bits = (a: Float64Array, e: ArrayLike<number>, what: string) =>
    expectSameBits(a, e, `${at}: ${what}`);
  const same = (a: number, e: number, what: string) => expectSameNumber(a, e, `${at}: ${what}`);
  const trace = networkForward(net, params, c.input);
  const back = networkBackward(net, params, trace, c.target, c.scale);
  const plan = net.plans[layer];
  if (plan?.type !== "conv2d") throw new Error(`${at}: not a convolution`);
  const { inChannels, kernelHeight, kernelWidth, outHeight, outWidth } = plan.conv;
  const size = inChannels * kernelHeight * kernelWidth;
  const positions = outHeight * outWidth;
  const first = plan.weights + filter * size;
  const weightGrad = back.grads.subarray(first, first + size);
  bits(sweep.weightGrad, weightGrad, "weightGrad");
  same(sweep.biasGrad, back.grads[plan.bias + filter] as number, "biasGrad");
  bits(sweep.weights, params.subarray(first, first + size), "weights");
  same(sweep.bias, params[plan.bias + filter] as number, "bias");
  bits(sweep.input, layer === 0 ? c.input : (trace.outputs[layer - 1] as Float64Array), "input");
  bits(sweep.out, plane(trace.outputs[layer] as Float64Array, filter, positions), "out");
  const delta = plane(back.deltas[layer] as Float64Array, filter, positions);
  bits(sweep.delta, delta, "delta");
  expect(sweep.contributing, at).toBe(delta.filter((d) => d !== 0).length);
  bits(sweep.belowGrad, layer === 0 ? back.inputGrad : (back.deltas[layer - 1] ?? []), "below");
  same(c.scale * sweep.loss, back.loss, "loss");
  const outputs = trace.outputs.at(-1) as Float64Array;
  if (net.spec.loss === "squared-error") bits(sweep.probabilities, outputs, "outputs");
  else expectClose(sweep.probabilities, softmax(outputs), 1e-14, `${at}: softmax`);

  // The positions' terms, summed in order from zero, are the gradient to the bit (as
  // layerContributions promises); δ summed the same way is the bias gradient.
  expect(sweep.kernelTerms.length).toBe(positions * size);
  const sum = new Float64Array(size);
  let bias = 0;
  for (let p = 0; p < positions; p++) {
    for (let t = 0; t < size; t++)
      sum[t] = (sum[t] as number) + (sweep.kernelTerms[p * size + t] as number);
    bias += delta[p] as number;
  }
  bits(sum, weightGrad, "Σ kernelTerms");
  same(bias, back.grads[plan.bias + filter] as number, "Σ δ");

  // The route: every ReLU and pool above, up to the next layer that mixes channels.
  let top = layer;
  while (ROUTED.has(net.spec.layers[top + 1]?.type ?? "")) top++;
  const expected = Array.from({ length: top - layer }, (_, i) => layer + 1 + i);
  expect(
    sweep.route.map((s) => s.layer),
    at,
  ).toEqual(expected);
  for (const stage of sweep.route) {
    const i = stage.layer;
    const { height, width } = net.shapes[i] ?? { height: 0, width: 0 };
    const spec = net.spec.layers[i];
    expect([stage.type, stage.height, stage.width]).toEqual([spec?.type, height, width]);
    const cells = height * width;
    bits(stage.grad, plane(back.deltas[i] as Float64Array, filter, cells), `δ of layer ${i}`);
    if (spec?.type !== "maxpool2d") {
      expect(stage.winners, `${at}: winners of layer ${i}`).toBeNull();
      continue;
    }
    // Each winner is in the channel's own input plane, inside its window, and holds the
    // window's maximum.
    const inW = net.shapes[i - 1]?.width ?? 0;
    const inPlane = (net.shapes[i - 1]?.height ?? 0) * inW;
    const pooled = plane(trace.outputs[i] as Float64Array, filter, cells);
    const into = plane(trace.outputs[i - 1] as Float64Array, filter, inPlane);
    const all = trace.winners[i] as Int32Array;
    const stride = spec.stride ?? spec.size;
    expect(stage.winners?.length).toBe(cells);
    stage.winners?.forEach((w, o) => {
      expect(w + filter * inPlane).toBe(all[filter * cells + o]);
      const [dr, dc] = [
        Math.floor(w / inW) - Math.floor(o / width) * stride,
        (w % inW) - (o % width) * stride,
      ];
      expect(dr >= 0 && dr < spec.size && dc >= 0 && dc < spec.size, `${at}: window`).toBe(true);
      expect(into[w]).toBe(pooled[o]);
    });
  }
  // δ from above: what the layer just above the route sends (or the loss, at the end).
  const sender = top + 1 < net.plans.length ? top + 1 : null;
  expect(sweep.fromAbove.layer, `${at}: fromAbove.layer`).toBe(sender);
  const { height, width } = net.shapes[top] ?? { height: 0, width: 0 };
  expect([sweep.fromAbove.height, sweep.fromAbove.width]).toEqual([height, width]);
  const sent = plane(back.deltas[top] as Float64Array, filter, height * width);
  bits(sweep.fromAbove.grad, sent, "fromAbove.grad");
  return sweep;
}

describe("on random networks, every field is the general engine's own pass", () => {
  const cases = [
    ...HAND_MADE.map((spec, i) => handMadeCase(spec, 100 + i)),
    ...Array.from({ length: 30 }, (_, i) => randomNetworkCase(1000 + i)),
  ];
  test("every convolution layer, its first and last filter", () => {
    const seen = new Set<string>();
    for (const c of cases) {
      c.net.plans.forEach((plan, layer) => {
        if (plan.type !== "conv2d") return;
        for (const filter of new Set([0, plan.conv.filters - 1])) {
          const { route, fromAbove, contributing, delta } = checkSweep(c, layer, filter);
          for (const stage of route) seen.add(stage.type);
          const sender = fromAbove.layer === null ? null : c.net.spec.layers[fromAbove.layer];
          seen.add(`${route.length === 0 ? "empty" : "routed"} from ${sender?.type ?? "loss"}`);
          if (contributing < delta.length) seen.add("zero δ");
        }
      });
    }
    // What the cases had to hold for the checks to mean anything.
    const needed = ["relu", "maxpool2d", "avgpool2d", "zero δ"];
    for (const to of ["conv2d", "flatten", "loss"])
      needed.push(`empty from ${to}`, `routed from ${to}`);
    for (const what of needed) expect(seen, what).toContain(what);
  });
});

describe("arguments are checked", () => {
  const net = createNetwork(cnnPresetSpec());
  const params = initParams(cnnArchitecture(), 1).data;
  const image = new Float64Array(1024);
  const sweep = (changes: Partial<Record<string, unknown>>) => () =>
    networkFilterSweep(
      (changes.net ?? net) as Network,
      (changes.params ?? params) as Float64Array,
      (changes.image ?? image) as Float64Array,
      (changes.target ?? 3) as number,
      (changes.scale ?? 1) as number,
      (changes.layer ?? 0) as number,
      (changes.filter ?? 0) as number,
    );
  test("the sweep's", () => {
    expect(sweep({ layer: 1 })).toThrow(/layer 2 is ReLU, not a convolution/);
    expect(sweep({ layer: 2 })).toThrow(/layer 3 is max-pool 2x2, not a convolution/);
    expect(sweep({ layer: 5 })).toThrow(/layer must be an integer from 0 to 4; got 5/);
    expect(sweep({ layer: 0.5 })).toThrow(/layer must be an integer/);
    expect(sweep({ filter: 8 })).toThrow(/filter must be an integer from 0 to 7; got 8/);
    expect(sweep({ filter: -1 })).toThrow(/filter must be/);
    expect(sweep({ image: new Float64Array(1023) })).toThrow(/image.length must be 1024; got 1023/);
    expect(sweep({ image: [] })).toThrow(/image must be a Float64Array/);
    expect(sweep({ params: new Float64Array(3) })).toThrow(/params.length must be/);
    expect(sweep({ scale: 2 })).toThrow(/scale must be a number from 0 to 1; got 2/);
    expect(sweep({ target: 10 })).toThrow(/target must be an integer from 0 to 9; got 10/);
    expect(sweep({ net: {} })).toThrow(/net must be what createNetwork returned/);
    expect(sweep({ layer: 1 })).toThrow(RangeError);
  });
  test("the batch step's", () => {
    const run = { params, velocity: new Float64Array(params.length), steps: 0 };
    const step =
      (at: RunPoint, layer = 0, filter = 0) =>
      () =>
        networkBatchStep(net, SETTINGS, DATA, at, layer, filter);
    expect(step(run, 4)).toThrow(/layer 5 is dense 10, not a convolution/);
    expect(step(run, 0, 8)).toThrow(/filter must be an integer from 0 to 7; got 8/);
    expect(step({ ...run, params: new Float64Array(5) })).toThrow(/at.params.length must be/);
    expect(step({ ...run, velocity: new Float64Array(5) })).toThrow(/at.velocity.length must/);
    expect(step({ ...run, steps: -1 })).toThrow(/at.steps must be an integer/);
    expect(() => networkBatchStep(net, SETTINGS, DATA, null as never, 0, 0)).toThrow(
      /at must be a run point/,
    );
    expect(() => networkBatchStep(net, { ...SETTINGS, batchSize: 0 }, DATA, run, 0, 0)).toThrow(
      /batchSize/,
    );
  });
});

describe("networkBatchStep on LeNet-5", () => {
  test("after 2 steps: the third step of the trainer, to the bit, seen from one filter", () => {
    const spec = NETWORK_PRESETS.leNet5();
    const trainer = createNetworkTrainer(spec, SETTINGS, DATA);
    trainStep(trainer);
    trainStep(trainer);
    const at = { params: trainer.params.slice(), velocity: trainer.velocity.slice(), steps: 2 };
    const before = at.params.slice();
    const [layer, filter, size] = [3, 5, 6 * 5 * 5];
    const step = networkBatchStep(trainer.net, SETTINGS, DATA, at, layer, filter);
    expectSameBits(at.params, before, "the run point is not changed");
    trainStep(trainer);
    expectSameBits(step.params, trainer.params, "parameters after");
    expectSameBits(step.velocity, trainer.velocity, "momentum after");
    expectSameNumber(step.loss, trainer.last[0] as number, "loss");
    expectSameNumber(step.accuracy, trainer.last[1] as number, "accuracy");
    const plan = trainer.net.plans[layer];
    if (plan?.type !== "conv2d") throw new Error("LeNet-5's layer 3 is its second convolution");
    const weights = [plan.weights, plan.bias] as const;
    expectSameBits(step.layerBefore, before.subarray(...weights), "layer before");
    expectSameBits(step.layerAfter, trainer.params.subarray(...weights), "layer after");
    expectSameBits(step.layerGrad, trainer.grads.subarray(...weights), "layer gradient");
    const biases = trainer.grads.subarray(plan.bias, plan.bias + 16);
    expectSameBits(step.layerBiasGrad, biases, "bias gradient");

    // Each image's gradient is its own sweep's (shifted as the step shifts it), and they add up,
    // in batch order, to the layer's batch gradient of that filter.
    const b = SETTINGS.batchSize;
    expect(step.imageGrads.length).toBe(b * size);
    const sum = new Float64Array(size);
    const image = new Float64Array(1024);
    for (let i = 0; i < b; i++) {
      const index = step.images[i] as number;
      expect(step.labels[i]).toBe(DATA.labels[index]);
      const { dy, dx } = shiftAt(SETTINGS.seed, at.steps * b + i, SETTINGS.maxShift ?? 0);
      loadShiftedImage(DATA, index, dy, dx, image);
      const label = DATA.labels[index] as number;
      const sweep = networkFilterSweep(trainer.net, before, image, label, 1 / b, layer, filter);
      const own = step.imageGrads.subarray(i * size, (i + 1) * size);
      expectSameBits(own, sweep.weightGrad, `image ${i}'s gradient`);
      for (let t = 0; t < size; t++) sum[t] = (sum[t] as number) + (own[t] as number);
    }
    const layerGrad = step.layerGrad.subarray(filter * size, (filter + 1) * size);
    expectSameBits(sum, layerGrad, "Σ of the images' gradients");
  });
});
