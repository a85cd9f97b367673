// The states the network scripts' test runs: the presets and two custom networks, trained or
// trained-looking, with training digits, drawn ones and a colour image.
import { buildDigitsAsset } from "../../../scripts/digits";
import type { NetworkScriptState } from "../../../src/app/network/networkScript";
import {
  createNetwork,
  createNetworkTrainer,
  IMAGE_SIDE,
  initNetworkParams,
  loadImage,
  NETWORK_PRESETS,
  type NetworkSpec,
  parseDigits,
  seededRandom,
  type TrainSettings,
  trainNetworkSteps,
} from "../../../src/engine/index";
import { paintedDigit } from "../../../src/state/network/sweep";

const digits = parseDigits(buildDigitsAsset());

/** Training digit `index` as the sweep sees it (bytes / 255), with its label. */
function trainingDigit(index: number) {
  const image = new Float64Array(IMAGE_SIDE * IMAGE_SIDE);
  loadImage(digits.train, index, image);
  const label = digits.train.labels[index] as number;
  return { image, label, choice: { set: "train", index } } as const;
}

/** A drawn "4" with the given label: three strokes of the page's brush, saturated (1) along their middles. */
function drawnDigit(label: number) {
  let image: Float64Array = new Float64Array(IMAGE_SIDE * IMAGE_SIDE);
  const strokes: [number, number, number, number][] = [
    [10, 6, 9, 17],
    [9, 17, 22, 17],
    [19, 5, 19, 27],
  ];
  for (const [x0, y0, x1, y1] of strokes) {
    image = paintedDigit(image, { x: x0, y: y0 }, { x: x1, y: y1 }) ?? image;
  }
  return { image, label, choice: { set: "drawn", label } } as const;
}

const settings = (
  reduction: "sum" | "mean",
  extra: Partial<TrainSettings> = {},
): TrainSettings => ({
  batchSize: 16,
  learningRate: 0.05,
  momentum: 0.9,
  reduction,
  seed: 3,
  maxShift: 1,
  learningRateHalfLife: 1000,
  ...extra,
});

/** A network trained a few steps on the digits: its momentum is no longer zero. */
function trained(spec: NetworkSpec, s: TrainSettings, steps: number) {
  const trainer = createNetworkTrainer(spec, s, digits.train);
  trainNetworkSteps(trainer, steps);
  const { params, velocity } = trainer;
  return { spec, settings: s, params, velocity, steps };
}

/**
 * A network that looks trained without training it: its seed's He weights, every parameter
 * (biases too) moved by up to ±0.05, and a momentum buffer of up to ±0.02, after `steps`.
 */
function trainedLooking(spec: NetworkSpec, s: TrainSettings, steps: number) {
  const rand = seededRandom(s.seed + 100);
  const params = initNetworkParams(createNetwork(spec), s.seed).map(
    (v) => v + 0.1 * (rand() - 0.5),
  );
  const velocity = params.map(() => 0.04 * (rand() - 0.5));
  return { spec, settings: s, params, velocity, steps };
}

/** Custom networks: a 3x5 kernel with dilation 2 and padding 1, average and overlapping max-pools. */
const DILATED: NetworkSpec = {
  input: { channels: 1, height: IMAGE_SIDE, width: IMAGE_SIDE },
  layers: [
    { type: "conv2d", filters: 4, kernelSize: [3, 5], padding: 1, dilation: 2 },
    { type: "relu" },
    { type: "avgpool2d", size: 2 },
    { type: "conv2d", filters: 5, kernelSize: 3, stride: 2 },
    { type: "relu" },
    { type: "maxpool2d", size: 3, stride: 2 },
    { type: "flatten" },
    { type: "dense", units: 10 },
  ],
  loss: "cross-entropy",
};

/** A colour input that is not square, a pool straight on the image, a conv with no ReLU above. */
const COLOUR: NetworkSpec = {
  input: { channels: 3, height: 20, width: 24 },
  layers: [
    { type: "avgpool2d", size: 2, stride: 1 },
    { type: "conv2d", filters: 3, kernelSize: [2, 4], stride: 2, padding: 2, dilation: 3 },
    { type: "maxpool2d", size: 2, stride: 1 },
    { type: "conv2d", filters: 4, kernelSize: [4, 2], stride: 1, padding: 1 },
    { type: "flatten" },
    { type: "dense", units: 12 },
    { type: "relu" },
    { type: "dense", units: 5 },
  ],
  loss: "cross-entropy",
};

function colourImage() {
  const rand = seededRandom(11);
  const image = new Float64Array(3 * 20 * 24).map(() => rand());
  return { image, label: 3, choice: { set: "drawn", label: 3 } } as const;
}

export const STATES: [string, NetworkScriptState][] = [
  [
    "the default network, trained 12 steps, training digit 0, layer 0 filter 3, mean",
    {
      ...trained(NETWORK_PRESETS.default(), settings("mean"), 12),
      ...trainingDigit(0),
      layer: 0,
      filter: 2,
    },
  ],
  [
    "two convolutions, trained 8 steps, training digit 17, layer 3 filter 2, mean",
    {
      ...trained(NETWORK_PRESETS.twoConv(), settings("mean"), 8),
      ...trainingDigit(17),
      layer: 3,
      filter: 1,
    },
  ],
  [
    "LeNet-5, trained-looking weights, a drawn digit, layer 3 filter 12, mean",
    {
      ...trainedLooking(NETWORK_PRESETS.leNet5(), settings("mean", { seed: 7 }), 250),
      ...drawnDigit(4),
      layer: 3,
      filter: 11,
    },
  ],
  [
    "all-convolutional (stride 2, padding 1), trained 4 steps, a drawn digit, layer 2 filter 2, sum",
    {
      ...trained(
        NETWORK_PRESETS.allConv(),
        settings("sum", { learningRate: 0.01, momentum: 0.5, seed: 5 }),
        4,
      ),
      ...drawnDigit(9),
      layer: 2,
      filter: 1,
    },
  ],
  [
    "a 3x5 kernel with dilation 2 and an average-pool, trained-looking, training digit 3, layer 0 filter 2, mean, no momentum",
    {
      ...trainedLooking(DILATED, settings("mean", { momentum: 0, seed: 9 }), 30),
      ...trainingDigit(3),
      layer: 0,
      filter: 1,
    },
  ],
  [
    "a colour 20x24 input, a 4x2 kernel with no ReLU above, trained-looking, layer 3 filter 4, sum",
    {
      ...trainedLooking(COLOUR, settings("sum", { seed: 4 }), 0),
      ...colourImage(),
      layer: 3,
      filter: 3,
    },
  ],
];
