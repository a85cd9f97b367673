import { checkReduction, type Reduction } from "../loss";
import { checkLearningRate } from "../sgd";
import { checkBuffer, checkInteger, checkNumberIn } from "./checks";
import {
  type CnnArchitecture,
  type CnnConfig,
  type CnnParams,
  cnnArchitecture,
  IMAGE_SIDE,
  initParams,
  paramViews,
} from "./network";
import { backwardImage, type CnnWorkspace, createWorkspace, forwardImage } from "./pass";
import { seededRandom, shuffleInPlace } from "./random";

/** Labelled 32x32 images: pixels as bytes 0–255 (value = byte / 255), one label 0–9 each. */
export interface LabelledImages {
  /** Number of images. */
  readonly count: number;
  /** `count · 32 · 32` bytes, image after image, row-major. */
  readonly pixels: Uint8Array;
  /** `count` labels, 0–9. */
  readonly labels: Uint8Array;
}

/** How the network is trained: mini-batch SGD with momentum. */
export interface TrainSettings {
  /** Images per mini-batch, 1..1024. */
  readonly batchSize: number;
  /** η, ≥ 0. */
  readonly learningRate: number;
  /** μ, in [0, 1): 0 is plain SGD. */
  readonly momentum: number;
  /** "sum" or "mean" of the images' losses over the batch (mean scales each δ by 1/N). */
  readonly reduction: Reduction;
  /** Seeds the initial weights and the order of the images (an unsigned 32-bit integer). */
  readonly seed: number;
}

/** Settings that reach 97% on the held-out digits in the default network (see docs). */
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  batchSize: 32,
  learningRate: 0.05,
  momentum: 0.9,
  reduction: "mean",
  seed: 1,
};

/** Checks every field of TrainSettings; throws RangeError naming the first bad one. */
export function checkTrainSettings(settings: TrainSettings): TrainSettings {
  if (typeof settings !== "object" || settings === null) {
    throw new RangeError(`settings must be an object; got ${String(settings)}`);
  }
  return {
    batchSize: checkInteger("batchSize", settings.batchSize, 1, 1024),
    learningRate: checkLearningRate(settings.learningRate),
    momentum: checkNumberIn("momentum", settings.momentum, 0, 1 - Number.EPSILON / 2),
    reduction: checkReduction(settings.reduction),
    seed: checkInteger("seed", settings.seed, 0, 0xffffffff),
  };
}

/** Checks that a set of labelled images is consistent; returns it. */
export function checkLabelledImages(name: string, set: LabelledImages): LabelledImages {
  checkInteger(`${name}.count`, set.count, 1, 1 << 24);
  const size = IMAGE_SIDE * IMAGE_SIDE;
  if (!(set.pixels instanceof Uint8Array) || set.pixels.length !== set.count * size) {
    throw new RangeError(`${name}.pixels must be a Uint8Array of ${set.count * size} bytes`);
  }
  if (!(set.labels instanceof Uint8Array) || set.labels.length !== set.count) {
    throw new RangeError(`${name}.labels must be a Uint8Array of ${set.count} labels`);
  }
  for (let i = 0; i < set.count; i++) {
    if ((set.labels[i] as number) > 9) {
      throw new RangeError(`${name}.labels[${i}] must be 0–9; got ${set.labels[i]}`);
    }
  }
  return set;
}

/** Copies image `index` of `set` into `input` as values in [0, 1] (byte / 255). */
export function loadImage(set: LabelledImages, index: number, input: Float64Array): void {
  const size = IMAGE_SIDE * IMAGE_SIDE;
  checkInteger("index", index, 0, set.count - 1);
  checkBuffer("input", input, size);
  const from = index * size;
  for (let i = 0; i < size; i++) input[i] = (set.pixels[from + i] as number) / 255;
}

/**
 * A training run in progress: parameters, momentum, and where it is in the order of the
 * images. Everything follows from (config, settings, data, steps), so the same inputs give
 * the same numbers to the last digit.
 */
export interface CnnTrainer {
  /** The network's shapes. */
  readonly arch: CnnArchitecture;
  /** The checked settings. */
  readonly settings: TrainSettings;
  /** The training images. */
  readonly data: LabelledImages;
  /** The current parameters (updated in place by each step). */
  readonly params: CnnParams;
  /** The momentum buffer v, the layout of params (zero at first). */
  readonly velocity: CnnParams;
  /** The last step's batch gradient, the layout of params. */
  readonly grads: CnnParams;
  /** One image's buffers, reused by every image of every step. */
  readonly workspace: CnnWorkspace;
  /** Steps taken so far. */
  steps: number;
  /** The permutation of the images for `epoch` (refilled when the run enters a new epoch). */
  readonly order: Int32Array;
  /** Which epoch `order` belongs to (−1 before the first). */
  epoch: number;
}

/** A new run: seeded He initialisation, zero momentum, step 0. */
export function createTrainer(
  config: Partial<CnnConfig>,
  settings: TrainSettings,
  data: LabelledImages,
): CnnTrainer {
  const arch = cnnArchitecture(config);
  const checked = checkTrainSettings(settings);
  checkLabelledImages("data", data);
  return {
    arch,
    settings: checked,
    data,
    params: initParams(arch, checked.seed),
    velocity: paramViews(arch),
    grads: paramViews(arch),
    workspace: createWorkspace(arch),
    steps: 0,
    order: new Int32Array(data.count),
    epoch: -1,
  };
}

/**
 * The image at `position` of the run's endless stream of images: epoch e = ⌊position / count⌋
 * is a Fisher–Yates shuffle of all images seeded by (seed, e), so step s uses positions
 * s·B … s·B + B − 1, and an epoch boundary may fall inside a batch.
 */
export function imageAt(trainer: CnnTrainer, position: number): number {
  const { count } = trainer.data;
  const epoch = Math.floor(position / count);
  if (epoch !== trainer.epoch) {
    const { order } = trainer;
    for (let i = 0; i < count; i++) order[i] = i;
    shuffleInPlace(
      order,
      seededRandom((trainer.settings.seed + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0),
    );
    trainer.epoch = epoch;
  }
  return trainer.order[position - epoch * count] as number;
}

/** The indices of the images the next step will use (in the order it uses them). */
export function nextBatch(trainer: CnnTrainer): Int32Array {
  const b = trainer.settings.batchSize;
  const batch = new Int32Array(b);
  for (let i = 0; i < b; i++) batch[i] = imageAt(trainer, trainer.steps * b + i);
  return batch;
}

/**
 * One mini-batch's gradient: zeroes `trainer.grads`, then passes each image forward and
 * backward in batch order, adding its gradients. Returns the batch loss (the sum of the
 * images' cross-entropies, or their mean) and the number of correct predictions.
 */
function batchGradient(trainer: CnnTrainer): { loss: number; correct: number } {
  const { arch, params, grads, workspace: ws, data, settings } = trainer;
  const b = settings.batchSize;
  const scale = settings.reduction === "mean" ? 1 / b : 1;
  grads.data.fill(0);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < b; i++) {
    const index = imageAt(trainer, trainer.steps * b + i);
    loadImage(data, index, ws.input);
    forwardImage(arch, params, ws);
    const label = data.labels[index] as number;
    loss += backwardImage(arch, params, ws, label, scale, grads);
    if (argmax(ws.probabilities) === label) correct++;
  }
  return { loss: loss * scale, correct };
}

/** The index of the largest value (the first one on ties). */
export function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/**
 * SGD with momentum, as torch.optim.SGD (no dampening, no Nesterov, no weight decay):
 * `v ← μ·v + g`, then `w ← w − η·v`. With μ = 0 this is plain SGD.
 */
export function sgdMomentumStep(
  params: Float64Array,
  grads: Float64Array,
  velocity: Float64Array,
  learningRate: number,
  momentum: number,
): void {
  checkBuffer("grads", grads, params.length);
  checkBuffer("velocity", velocity, params.length);
  checkLearningRate(learningRate);
  checkNumberIn("momentum", momentum, 0, 1);
  for (let i = 0; i < params.length; i++) {
    const v = momentum * (velocity[i] as number) + (grads[i] as number);
    velocity[i] = v;
    params[i] = (params[i] as number) - learningRate * v;
  }
}

/** What `trainSteps` reports: one entry per step taken. */
export interface TrainStepsResult {
  /** Each step's batch loss (before its update). */
  readonly losses: Float64Array;
  /** Each step's fraction of the batch classified correctly (before its update). */
  readonly accuracies: Float64Array;
}

/**
 * Runs `steps` mini-batch steps (batch gradient, then the momentum update) and advances the
 * trainer. Deterministic: the same trainer state and arguments give the same numbers.
 */
export function trainSteps(trainer: CnnTrainer, steps: number): TrainStepsResult {
  checkInteger("steps", steps, 0, 1e9);
  const losses = new Float64Array(steps);
  const accuracies = new Float64Array(steps);
  const { settings, params, grads, velocity } = trainer;
  for (let s = 0; s < steps; s++) {
    const { loss, correct } = batchGradient(trainer);
    losses[s] = loss;
    accuracies[s] = correct / settings.batchSize;
    sgdMomentumStep(
      params.data,
      grads.data,
      velocity.data,
      settings.learningRate,
      settings.momentum,
    );
    trainer.steps++;
  }
  return { losses, accuracies };
}
