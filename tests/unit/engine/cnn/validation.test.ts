/**
 * Bad arguments to the CNN engine throw a RangeError whose message names the argument and
 * the value (docs/engine.md); nothing is clamped silently.
 */
import { describe, expect, test } from "vitest";
import {
  checkTrainSettings,
  cnnArchitecture,
  convContributions,
  convForward,
  convShape,
  createTrainer,
  DEFAULT_TRAIN_SETTINGS,
  initParams,
  paramViews,
  poolShape,
  predict,
  sgdMomentumStep,
  softmaxCrossEntropy,
  trainSteps,
} from "../../../../src/engine";

const spec = {
  inChannels: 1,
  inHeight: 4,
  inWidth: 4,
  filters: 2,
  kernelHeight: 3,
  kernelWidth: 3,
};
const data = { count: 1, pixels: new Uint8Array(1024), labels: Uint8Array.of(3) };

const cases: [string, () => unknown, RegExp][] = [
  [
    "no filters",
    () => convShape({ ...spec, filters: 0 }),
    /^filters must be an integer from 1 to 64; got 0$/,
  ],
  [
    "a fractional channel count",
    () => convShape({ ...spec, inChannels: 1.5 }),
    /^inChannels must be .*; got 1.5$/,
  ],
  [
    "stride 5",
    () => convShape({ ...spec, stride: 5 }),
    /^stride must be an integer from 1 to 4; got 5$/,
  ],
  [
    "padding −1",
    () => convShape({ ...spec, padding: -1 }),
    /^padding must be an integer from 0 to 3; got -1$/,
  ],
  [
    "a kernel larger than the padded input",
    () => convShape({ ...spec, kernelHeight: 5 }),
    /kernel \(5x3\) is larger than the padded input \(4x4/,
  ],
  [
    "an input of the wrong length",
    () =>
      convForward(
        convShape(spec),
        new Float64Array(15),
        new Float64Array(18),
        new Float64Array(2),
        new Float64Array(8),
      ),
    /^input.length must be 16; got 15$/,
  ],
  [
    "weights that are not a Float64Array",
    () =>
      convForward(
        convShape(spec),
        new Float64Array(16),
        [] as unknown as Float64Array,
        new Float64Array(2),
        new Float64Array(8),
      ),
    /^weights must be a Float64Array; got an array$/,
  ],
  [
    "a filter index out of range",
    () =>
      convContributions(
        convShape(spec),
        new Float64Array(16),
        new Float64Array(18),
        new Float64Array(8),
        2,
      ),
    /^filter must be an integer from 0 to 1; got 2$/,
  ],
  [
    "a pool input of one row",
    () => poolShape(1, 1, 4),
    /^inHeight must be an integer from 2 to 4096; got 1$/,
  ],
  [
    "17 filters",
    () => cnnArchitecture({ filters: 17 }),
    /^filters must be an integer from 1 to 16; got 17$/,
  ],
  [
    "a negative second layer",
    () => cnnArchitecture({ filters2: -1 }),
    /^filters2 must be an integer from 0 to 32; got -1$/,
  ],
  [
    "a string stride",
    () => cnnArchitecture({ stride: "2" as unknown as number }),
    /^stride must be .*; got "2"$/,
  ],
  [
    "a stride that shrinks the second layer away",
    () => cnnArchitecture({ stride: 4, filters2: 4 }),
    /^stride 4 with padding 0 leaves conv2 a 1x1 output, too small for 2x2 pooling$/,
  ],
  [
    "batch size 0",
    () => checkTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, batchSize: 0 }),
    /^batchSize must be an integer from 1 to 1024; got 0$/,
  ],
  [
    "a negative learning rate",
    () => checkTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, learningRate: -1 }),
    /^learningRate must be ≥ 0; got -1$/,
  ],
  [
    "a NaN learning rate",
    () => checkTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, learningRate: Number.NaN }),
    /^learningRate must be a finite number; got NaN$/,
  ],
  [
    "momentum 1",
    () => checkTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, momentum: 1 }),
    /^momentum must be a number from 0 to .*; got 1$/,
  ],
  [
    "an unknown reduction",
    () => checkTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, reduction: "avg" as "sum" }),
    /^reduction must be "sum" or "mean"; got "avg"$/,
  ],
  [
    "a negative seed",
    () => checkTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, seed: -1 }),
    /^seed must be an integer from 0 to 4294967295; got -1$/,
  ],
  [
    "weight decay 2",
    () => checkTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, weightDecay: 2 }),
    /^weightDecay must be a number from 0 to 1; got 2$/,
  ],
  [
    "shifts of 3 pixels",
    () => checkTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, maxShift: 3 }),
    /^maxShift must be an integer from 0 to 2; got 3$/,
  ],
  [
    "a fractional half-life",
    () => checkTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, learningRateHalfLife: 0.5 }),
    /^learningRateHalfLife must be an integer from 0 to 1000000000; got 0.5$/,
  ],
  [
    "label 10",
    () => softmaxCrossEntropy(new Float64Array(10), 10, new Float64Array(10), null),
    /^label must be an integer from 0 to 9; got 10$/,
  ],
  [
    "a parameter buffer of the wrong length",
    () => paramViews(cnnArchitecture(), new Float64Array(3)),
    /^params must be a Float64Array of 18090 values for this network; got 3$/,
  ],
  [
    "a drawn pixel outside [0, 1]",
    () => {
      const arch = cnnArchitecture();
      const image = new Float64Array(1024);
      image[5] = 2;
      predict(arch, initParams(arch, 1), image);
    },
    /^image\[5\] must be in \[0, 1\]; got 2$/,
  ],
  [
    "a data set with label 11",
    () => createTrainer({}, DEFAULT_TRAIN_SETTINGS, { ...data, labels: Uint8Array.of(11) }),
    /^data.labels\[0\] must be 0–9; got 11$/,
  ],
  [
    "−1 steps",
    () => trainSteps(createTrainer({}, DEFAULT_TRAIN_SETTINGS, data), -1),
    /^steps must be an integer from 0 to 1000000000; got -1$/,
  ],
  [
    "momentum buffers of another length",
    () => sgdMomentumStep(new Float64Array(3), new Float64Array(3), new Float64Array(2), 0.1, 0.9),
    /^velocity.length must be 3; got 2$/,
  ],
];

describe("bad arguments throw RangeError naming the argument and value", () => {
  test.each(cases)("%s", (_name, call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
