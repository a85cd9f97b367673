import { checkInteger } from "../cnn/checks";
import {
  checkLabelledImages,
  classesOfImages,
  DIGITS_SHAPE,
  type ImageShape,
  type LabelledImages,
  loadShiftedImage,
  shapeOfImages,
  shiftCode,
  shiftColumns,
  shiftRows,
} from "../cnn/images";
import {
  argmax,
  checkTrainSettings,
  type ImageStream,
  imageAt,
  learningRateAt,
  sgdMomentumStep,
  type TrainSettings,
  type TrainStepsResult,
} from "../cnn/train";
import {
  backwardInto,
  createNetworkWorkspace,
  forwardInto,
  initNetworkParams,
  type NetworkWorkspace,
} from "./pass";
import { createNetwork, type Network, type NetworkSpec, sizeOf } from "./spec";

/**
 * A run of any network on the digits: the small CNN's trainer (the same settings, the same
 * seeded stream of shifted images, SGD with momentum as torch.optim.SGD) over the general
 * engine. On `cnnPresetSpec(config)` it gives the small CNN's trainer's numbers to the bit.
 */
export interface NetworkTrainer extends ImageStream {
  readonly net: Network;
  /** The current parameters (updated in place by each step). */
  readonly params: Float64Array;
  /** The momentum buffer v (zero at first). */
  readonly velocity: Float64Array;
  /** The last step's batch gradient: the sum of its shares' sums. */
  readonly grads: Float64Array;
  /** One image's buffers, reused by every image of every step. */
  readonly workspace: NetworkWorkspace;
  /** Steps taken so far. */
  steps: number;
  /** The last share's summed loss (unscaled) and correct count (shareGradient writes it). */
  readonly share: Float64Array;
  /** The last step's batch loss (scale · Σ L) and accuracy (applyStep writes it). */
  readonly last: Float64Array;
}

/** Checks that a network reads images of `image`'s shape into `classes` classes. */
function checkNetworkFits(net: Network, image: ImageShape, classes: number, what: string): void {
  const { channels, height, width } = net.spec.input;
  if (channels !== image.channels || height !== image.height || width !== image.width) {
    throw new RangeError(
      `${what} are ${image.channels}x${image.height}x${image.width}; the network's input is ${channels}x${height}x${width}`,
    );
  }
  const out = net.shapes[net.shapes.length - 1];
  if (net.spec.loss !== "cross-entropy" || out === undefined || sizeOf(out) !== classes) {
    throw new RangeError(
      `${what} need a cross-entropy network that ends in ${classes} values; this one ends in ${out === undefined ? 0 : sizeOf(out)}`,
    );
  }
}

/**
 * Checks that a network reads a set's images: its input is their shape and it is a
 * cross-entropy network whose last layer has one value per class.
 */
export function checkNetworkImages(net: Network, data: LabelledImages): void {
  const digits = data.shape === undefined && data.classes === undefined;
  const what = digits ? "the digits" : "the images";
  checkNetworkFits(net, shapeOfImages(data), classesOfImages(data), what);
}

/** Checks that a network reads the digits: one 32x32 channel in, 10 classes out. */
export function checkDigitsNetwork(net: Network): void {
  checkNetworkFits(net, DIGITS_SHAPE, 10, "the digits");
}

/** A new run: seeded He initialisation (initNetworkParams), zero momentum, step 0. */
export function createNetworkTrainer(
  spec: NetworkSpec | Network,
  settings: TrainSettings,
  data: LabelledImages,
): NetworkTrainer {
  const net = "plans" in spec ? spec : createNetwork(spec);
  const checked = checkTrainSettings(settings);
  checkLabelledImages("data", data);
  checkNetworkImages(net, data);
  return {
    net,
    settings: checked,
    data,
    params: initNetworkParams(net, checked.seed),
    velocity: new Float64Array(net.paramCount),
    grads: new Float64Array(net.paramCount),
    workspace: createNetworkWorkspace(net),
    steps: 0,
    order: new Int32Array(data.count),
    epoch: -1,
    share: new Float64Array(2),
    last: new Float64Array(2),
  };
}

/**
 * One share of the next step's batch: images `from` to `to − 1` of it, each passed forward
 * and backward with the trainer's parameters, its gradient **added** into `grads` in batch
 * order. This is what one training worker computes; the step's gradient is the sum of the
 * shares' sums. Writes the share's summed loss (unscaled) and how many images it classified
 * correctly (before the update) to `trainer.share`. `ws` defaults to the trainer's own
 * buffers. Allocates nothing.
 */
export function shareGradient(
  trainer: NetworkTrainer,
  from: number,
  to: number,
  grads: Float64Array,
  ws: NetworkWorkspace = trainer.workspace,
): void {
  const { net, params, data, settings } = trainer;
  const b = settings.batchSize;
  checkInteger("from", from, 0, b);
  checkInteger("to", to, from, b);
  const scale = settings.reduction === "mean" ? 1 / b : 1;
  let loss = 0;
  let correct = 0;
  for (let i = from; i < to; i++) {
    const position = trainer.steps * b + i;
    const index = imageAt(trainer, position);
    const shift = shiftCode(settings.seed, position, settings.maxShift ?? 0);
    loadShiftedImage(data, index, shiftRows(shift), shiftColumns(shift), ws.input);
    forwardInto(net, params, ws);
    const label = data.labels[index] as number;
    backwardInto(net, params, ws, label, scale, grads, false);
    loss += ws.loss[0] as number;
    if (argmax(ws.probabilities) === label) correct++;
  }
  trainer.share[0] = loss;
  trainer.share[1] = correct;
}

/**
 * The shares a batch of `batchSize` images splits into for `workers` workers: as equal as
 * can be, the first ones one image larger (64 for 3: 22, 21 and 21). Each is [from, to).
 */
export function batchShares(batchSize: number, workers: number): [number, number][] {
  checkInteger("batchSize", batchSize, 1, 1 << 20);
  checkInteger("workers", workers, 1, 64);
  const n = Math.min(workers, batchSize);
  const base = Math.floor(batchSize / n);
  const extra = batchSize % n;
  const shares: [number, number][] = [];
  let from = 0;
  for (let k = 0; k < n; k++) {
    const to = from + base + (k < extra ? 1 : 0);
    shares.push([from, to]);
    from = to;
  }
  return shares;
}

/**
 * Takes the step whose batch gradient is `grads` (the sum of the shares' sums) and whose
 * summed loss is `loss` and correct count `correct`: the momentum update, then the next step.
 * Writes the batch's loss (scale · Σ L) and accuracy to `trainer.last`. Allocates nothing.
 */
export function applyStep(trainer: NetworkTrainer, loss: number, correct: number): void {
  const { settings, params, grads, velocity } = trainer;
  const b = settings.batchSize;
  const scale = settings.reduction === "mean" ? 1 / b : 1;
  sgdMomentumStep(
    params,
    grads,
    velocity,
    learningRateAt(settings, trainer.steps),
    settings.momentum,
    settings.weightDecay ?? 0,
  );
  trainer.steps++;
  trainer.last[0] = loss * scale;
  trainer.last[1] = correct / b;
}

/**
 * One mini-batch step in this thread: the whole batch's gradient summed into `trainer.grads`,
 * then the momentum update (the batch's loss and accuracy in `trainer.last`). Allocates nothing.
 */
export function trainStep(trainer: NetworkTrainer): void {
  trainer.grads.fill(0);
  shareGradient(trainer, 0, trainer.settings.batchSize, trainer.grads);
  applyStep(trainer, trainer.share[0] as number, trainer.share[1] as number);
}

/**
 * Runs `steps` mini-batch steps in this thread and advances the trainer. With `shares` > 1
 * each step's batch is split as `batchShares` splits it for that many workers, each share
 * summed into a buffer of its own (`shareBuffers`, one per share) and the shares added in
 * order: the data-parallel step, computed here, equal to one worker's step up to the order of
 * the additions.
 */
export function trainNetworkSteps(
  trainer: NetworkTrainer,
  steps: number,
  shareBuffers: readonly Float64Array[] = [],
): TrainStepsResult {
  checkInteger("steps", steps, 0, 1e9);
  const losses = new Float64Array(steps);
  const accuracies = new Float64Array(steps);
  const shares = batchShares(trainer.settings.batchSize, Math.max(1, shareBuffers.length));
  for (let s = 0; s < steps; s++) {
    if (shares.length === 1) {
      trainStep(trainer);
    } else {
      trainer.grads.fill(0);
      let loss = 0;
      let correct = 0;
      shares.forEach(([from, to], k) => {
        const buffer = shareBuffers[k] as Float64Array;
        buffer.fill(0);
        shareGradient(trainer, from, to, buffer);
        loss += trainer.share[0] as number;
        correct += trainer.share[1] as number;
        for (let i = 0; i < buffer.length; i++) {
          trainer.grads[i] = (trainer.grads[i] as number) + (buffer[i] as number);
        }
      });
      applyStep(trainer, loss, correct);
    }
    losses[s] = trainer.last[0] as number;
    accuracies[s] = trainer.last[1] as number;
  }
  return { losses, accuracies };
}
