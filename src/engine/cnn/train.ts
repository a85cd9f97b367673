import { checkReduction, type Reduction } from "../loss";
import { checkLearningRate } from "../sgd";
import { checkBuffer, checkInteger, checkNumberIn } from "./checks";
import { checkLabelledImages, type LabelledImages, loadShiftedImage, shiftAt } from "./images";
import {
  type CnnArchitecture,
  type CnnConfig,
  type CnnParams,
  cnnArchitecture,
  initParams,
  paramViews,
} from "./network";
import { backwardImage, type CnnWorkspace, createWorkspace, forwardImage } from "./pass";
import { seededRandom, shuffleInPlace } from "./random";

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
  /** Seeds the initial weights, the order of the images and their shifts (an unsigned 32-bit integer). */
  readonly seed: number;
  /**
   * L2 weight decay λ ≥ 0, as torch.optim.SGD's weight_decay: the step uses g + λ·w for
   * every parameter (biases included). Default 0.
   */
  readonly weightDecay?: number;
  /**
   * Data augmentation: each training image is moved by a seeded whole-pixel shift of up to
   * this many pixels in each direction (0–2; see shiftAt). Default 0.
   */
  readonly maxShift?: number;
  /**
   * Steps over which the learning rate halves: step t uses η · 2^(−t / halfLife), so a long
   * run settles instead of hopping around its minimum. 0 (the default) keeps η constant.
   */
  readonly learningRateHalfLife?: number;
}

/**
 * The default settings: batch 64, η 0.1 halving every 1,000 steps (8 epochs of the 8,000
 * training digits), momentum 0.9, mean over the batch, shifts of up to 1 pixel. Chosen by
 * measuring test accuracy per epoch (bench/cnn-accuracy.ts): the shifts gain about 1 point
 * on the held-out digits, the decay removes the last epochs' jitter.
 */
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  batchSize: 64,
  learningRate: 0.1,
  momentum: 0.9,
  reduction: "mean",
  seed: 1,
  weightDecay: 0,
  maxShift: 1,
  learningRateHalfLife: 1000,
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
    weightDecay: checkNumberIn("weightDecay", settings.weightDecay ?? 0, 0, 1),
    maxShift: checkInteger("maxShift", settings.maxShift ?? 0, 0, 2),
    learningRateHalfLife: checkInteger(
      "learningRateHalfLife",
      settings.learningRateHalfLife ?? 0,
      0,
      1e9,
    ),
  };
}

/** Where a run is in its endless, seeded stream of training images (see imageAt). */
export interface ImageStream {
  readonly settings: TrainSettings;
  readonly data: LabelledImages;
  /** The permutation of the images for `epoch` (refilled when the run enters a new epoch). */
  readonly order: Int32Array;
  /** Which epoch `order` belongs to (−1 before the first). */
  epoch: number;
}

/**
 * A training run in progress: parameters, momentum, and where it is in the order of the
 * images. Everything follows from (config, settings, data, steps), so the same inputs give
 * the same numbers to the last digit.
 */
export interface CnnTrainer extends ImageStream {
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
export function imageAt(trainer: ImageStream, position: number): number {
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
export function nextBatch(trainer: ImageStream & { readonly steps: number }): Int32Array {
  const b = trainer.settings.batchSize;
  const batch = new Int32Array(b);
  for (let i = 0; i < b; i++) batch[i] = imageAt(trainer, trainer.steps * b + i);
  return batch;
}

/** Passes one image forward and backward, adding its gradients; returns its loss. */
function addImage(
  arch: CnnArchitecture,
  params: CnnParams,
  set: LabelledImages,
  index: number,
  dy: number,
  dx: number,
  scale: number,
  grads: CnnParams,
  ws: CnnWorkspace,
): number {
  loadShiftedImage(set, index, dy, dx, ws.input);
  forwardImage(arch, params, ws);
  return backwardImage(arch, params, ws, set.labels[index] as number, scale, grads);
}

/**
 * The gradient of one mini-batch's loss (the sum of its images' cross-entropies, or their
 * mean): zeroes `grads`, then passes each image forward and backward in batch order, adding
 * its gradients, so the result is the sum over the images of their own gradients. `shifts`
 * (optional) holds each image's (dy, dx) in turn. Returns the batch loss and how many images
 * the network (before the update) classified correctly.
 */
export function batchGradient(
  arch: CnnArchitecture,
  params: CnnParams,
  set: LabelledImages,
  indices: Int32Array,
  reduction: Reduction,
  grads: CnnParams,
  workspace: CnnWorkspace = createWorkspace(arch),
  shifts?: Int8Array,
): { loss: number; correct: number } {
  checkReduction(reduction);
  checkInteger("indices.length", indices.length, 1, 1 << 20);
  if (shifts !== undefined && shifts.length !== 2 * indices.length) {
    throw new RangeError(`shifts.length must be ${2 * indices.length}; got ${shifts.length}`);
  }
  const scale = reduction === "mean" ? 1 / indices.length : 1;
  grads.data.fill(0);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i] as number;
    const dy = shifts === undefined ? 0 : (shifts[2 * i] as number);
    const dx = shifts === undefined ? 0 : (shifts[2 * i + 1] as number);
    loss += addImage(arch, params, set, index, dy, dx, scale, grads, workspace);
    if (argmax(workspace.probabilities) === set.labels[index]) correct++;
  }
  return { loss: loss * scale, correct };
}

/** The trainer's next batch gradient (batchGradient over its own stream, without allocating). */
function trainerBatchGradient(trainer: CnnTrainer): { loss: number; correct: number } {
  const { arch, params, grads, workspace: ws, data, settings } = trainer;
  const b = settings.batchSize;
  const scale = settings.reduction === "mean" ? 1 / b : 1;
  grads.data.fill(0);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < b; i++) {
    const position = trainer.steps * b + i;
    const index = imageAt(trainer, position);
    const { dy, dx } = shiftAt(settings.seed, position, settings.maxShift ?? 0);
    loss += addImage(arch, params, data, index, dy, dx, scale, grads, ws);
    if (argmax(ws.probabilities) === data.labels[index]) correct++;
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
 * SGD with momentum and weight decay, as torch.optim.SGD (no dampening, no Nesterov):
 * `g' = g + λ·w`, `v ← μ·v + g'`, then `w ← w − η·v`. With μ = 0 and λ = 0 this is plain SGD.
 * `grads` is not changed (it stays the loss's gradient).
 */
export function sgdMomentumStep(
  params: Float64Array,
  grads: Float64Array,
  velocity: Float64Array,
  learningRate: number,
  momentum: number,
  weightDecay = 0,
): void {
  checkBuffer("grads", grads, params.length);
  checkBuffer("velocity", velocity, params.length);
  checkLearningRate(learningRate);
  checkNumberIn("momentum", momentum, 0, 1);
  checkNumberIn("weightDecay", weightDecay, 0, 1);
  for (let i = 0; i < params.length; i++) {
    const w = params[i] as number;
    const v = momentum * (velocity[i] as number) + ((grads[i] as number) + weightDecay * w);
    velocity[i] = v;
    params[i] = w - learningRate * v;
  }
}

/** The learning rate of step `step` (counted from 0): η · 2^(−step / halfLife), or η. */
export function learningRateAt(settings: TrainSettings, step: number): number {
  const halfLife = settings.learningRateHalfLife ?? 0;
  return halfLife === 0 ? settings.learningRate : settings.learningRate * 2 ** (-step / halfLife);
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
    const { loss, correct } = trainerBatchGradient(trainer);
    losses[s] = loss;
    accuracies[s] = correct / settings.batchSize;
    sgdMomentumStep(
      params.data,
      grads.data,
      velocity.data,
      learningRateAt(settings, trainer.steps),
      settings.momentum,
      settings.weightDecay ?? 0,
    );
    trainer.steps++;
  }
  return { losses, accuracies };
}
