import { checkBuffer, checkInteger, checkNumberIn } from "./checks";
import { type ConvShape, filterSize } from "./conv";
import { convBackward } from "./convBackward";
import { convContributions } from "./convContributions";
import { loadShiftedImage, shiftAt } from "./images";
import { CLASSES, type CnnArchitecture, type CnnParams, paramViews } from "./network";
import { backwardImage, createWorkspace, forwardImage } from "./pass";
import { createTrainer, nextBatch, type TrainSettings, trainSteps } from "./train";

/** Which convolution layer a sweep is about: 1 (the image's), or 2 (when the network has it). */
export type SweepLayer = 1 | 2;

/**
 * One filter's backpropagation, position by position, inside the network, for one image:
 * what the layers above send back to it, and every position's terms. Planes are `[H][W]`
 * row-major; "channel" buffers `[C][H][W]`.
 */
export interface FilterSweep {
  /** The layer (1 or 2) and the filter (0..K−1) swept. */
  readonly layer: SweepLayer;
  readonly filter: number;
  /** The layer's shape (C input channels, K filters, output size). */
  readonly shape: ConvShape;
  /** The layer's input `[C][inH][inW]`: the image (layer 1) or pool1's output (layer 2). */
  readonly input: Float64Array;
  /** The filter's weights `[C][3][3]` and bias. */
  readonly weights: Float64Array;
  readonly bias: number;
  /** The filter's output z `[outH][outW]` (before the ReLU). */
  readonly out: Float64Array;
  /** δ at the pool's output for this channel `[outH/2][outW/2]`: what the layer above sends. */
  readonly poolGrad: Float64Array;
  /** For each pooled cell, the index in the `[outH][outW]` plane of the cell that won its window. */
  readonly winners: Int32Array;
  /** δ after the pool routed it: non-zero only at the winning cells `[outH][outW]`. */
  readonly reluGrad: Float64Array;
  /** δ at the filter's output, ∂L/∂z `[outH][outW]`: reluGrad where z > 0, else 0. */
  readonly delta: Float64Array;
  /** Positions whose δ is not zero (the rest add ±0 to every sum). */
  readonly contributing: number;
  /** Each position's δ · patch, `[positions][C·3·3]` (row-major positions). */
  readonly kernelTerms: Float64Array;
  /** The engine's gradient of this filter for this image (convBackward's sum), `[C][3][3]`. */
  readonly weightGrad: Float64Array;
  /** The engine's bias gradient of this filter for this image. */
  readonly biasGrad: number;
  /** The layer below's δ, every filter's share summed (convBackward's inputGrad), `[C][inH][inW]`. */
  readonly belowGrad: Float64Array;
  /** The image's loss (cross-entropy, unscaled) and its ten probabilities. */
  readonly loss: number;
  readonly probabilities: Float64Array;
}

/** The shape, params and buffers of one layer, by its number. */
function layerOf(arch: CnnArchitecture, params: CnnParams, layer: SweepLayer) {
  if (layer === 1) return { shape: arch.conv1, params: params.conv1 };
  if (arch.conv2 === null || params.conv2 === null) {
    throw new RangeError("layer must be 1 for a network without a second convolution; got 2");
  }
  return { shape: arch.conv2, params: params.conv2 };
}

/**
 * One filter's sweep for one image (`image`: 32·32 values in [0, 1], with its `label`).
 * `scale` is the loss gradient's factor (1 for a summed batch, 1/N for a mean), so the
 * sweep's sums are this image's share of a batch's gradient.
 */
export function filterSweep(
  arch: CnnArchitecture,
  params: CnnParams,
  image: Float64Array,
  label: number,
  scale: number,
  layer: SweepLayer,
  filter: number,
): FilterSweep {
  checkInteger("label", label, 0, CLASSES - 1);
  checkNumberIn("scale", scale, 0, 1);
  const { shape, params: lp } = layerOf(arch, params, layer);
  checkInteger("filter", filter, 0, shape.filters - 1);
  const ws = createWorkspace(arch);
  checkBuffer("image", image, ws.input.length);
  ws.input.set(image);
  forwardImage(arch, params, ws);
  const grads = paramViews(arch);
  const loss = backwardImage(arch, params, ws, label, scale, grads);
  const block = layer === 1 ? ws.conv1 : ws.conv2;
  if (block === null) throw new RangeError("layer 2 has no trace");
  const input = layer === 1 ? ws.input : ws.conv1.pool;
  const plane = shape.outHeight * shape.outWidth;
  const pooledPlane = Math.floor(shape.outHeight / 2) * Math.floor(shape.outWidth / 2);
  const fsize = filterSize(shape);
  const planeOf = (buffer: Float64Array) => buffer.slice(filter * plane, (filter + 1) * plane);
  const winners = new Int32Array(pooledPlane);
  for (let i = 0; i < pooledPlane; i++) {
    winners[i] = (block.winners[filter * pooledPlane + i] as number) - filter * plane;
  }
  const kernelTerms = new Float64Array(plane * fsize);
  let contributing = 0;
  let p = 0;
  for (const c of convContributions(shape, input, lp.weights, block.outGrad, filter)) {
    kernelTerms.set(c.kernelGrad, p * fsize);
    if (c.delta !== 0) contributing++;
    p++;
  }
  // The layer below's δ, every filter's share: backwardImage skips it for the image itself.
  const belowGrad = new Float64Array(input.length);
  convBackward(
    shape,
    input,
    lp.weights,
    block.outGrad,
    new Float64Array(lp.weights.length),
    new Float64Array(shape.filters),
    belowGrad,
  );
  const gradLayer = layer === 1 ? grads.conv1 : grads.conv2;
  if (gradLayer === null) throw new RangeError("layer 2 has no gradient");
  return {
    layer,
    filter,
    shape,
    input: input.slice(),
    weights: lp.weights.slice(filter * fsize, (filter + 1) * fsize),
    bias: lp.bias[filter] as number,
    out: planeOf(block.out),
    poolGrad: block.poolGrad.slice(filter * pooledPlane, (filter + 1) * pooledPlane),
    winners,
    reluGrad: planeOf(block.reluGrad),
    delta: planeOf(block.outGrad),
    contributing,
    kernelTerms,
    weightGrad: gradLayer.weights.slice(filter * fsize, (filter + 1) * fsize),
    biasGrad: gradLayer.bias[filter] as number,
    belowGrad,
    loss,
    probabilities: ws.probabilities.slice(),
  };
}

/** The next training step seen from one filter: each image's sum, their total, one update. */
export interface BatchStep {
  /** The indices (in the training set) of the step's images, in the order they are summed. */
  readonly images: Int32Array;
  /** Their labels. */
  readonly labels: Uint8Array;
  /** Each image's gradient of the chosen filter, `[B][C·3·3]` (its sweep's final sum). */
  readonly imageGrads: Float64Array;
  /** The batch gradient of the whole layer (all K filters) `[K][C][3][3]`, and its biases `[K]`. */
  readonly layerGrad: Float64Array;
  readonly layerBiasGrad: Float64Array;
  /** The layer's weights before and after the step's update (SGD with momentum). */
  readonly layerBefore: Float64Array;
  readonly layerAfter: Float64Array;
  /** Every parameter and momentum buffer after the step (the network one step on). */
  readonly params: Float64Array;
  readonly velocity: Float64Array;
  /** The batch's loss (sum or mean, as the settings say) and its fraction classified correctly. */
  readonly loss: number;
  readonly accuracy: number;
}

/** Where a run stands: its parameters, momentum and steps taken (the order of its images). */
export interface RunPoint {
  readonly params: Float64Array;
  readonly velocity: Float64Array;
  readonly steps: number;
}

/**
 * The step a run at `at` takes next (the same images, gradient and update as `trainSteps`
 * would), seen from filter `filter` of layer `layer`: each image's gradient of that filter,
 * then the whole layer's batch gradient and the update that moves all K filters at once.
 */
export function batchStep(
  arch: CnnArchitecture,
  settings: TrainSettings,
  data: Parameters<typeof createTrainer>[2],
  at: RunPoint,
  layer: SweepLayer,
  filter: number,
): BatchStep {
  const trainer = createTrainer(arch.config, settings, data);
  checkBuffer("params", at.params, trainer.params.data.length);
  checkBuffer("velocity", at.velocity, trainer.velocity.data.length);
  trainer.params.data.set(at.params);
  trainer.velocity.data.set(at.velocity);
  trainer.steps = checkInteger("steps", at.steps, 0, 1e12);
  const { shape, params: lp } = layerOf(arch, trainer.params, layer);
  checkInteger("filter", filter, 0, shape.filters - 1);
  const fsize = filterSize(shape);
  const images = nextBatch(trainer);
  const b = images.length;
  const labels = new Uint8Array(b);
  const imageGrads = new Float64Array(b * fsize);
  const scale = trainer.settings.reduction === "mean" ? 1 / b : 1;
  const ws = createWorkspace(arch);
  const grads = paramViews(arch);
  const maxShift = trainer.settings.maxShift ?? 0;
  for (let i = 0; i < b; i++) {
    const index = images[i] as number;
    // The image as the step sees it: shifted as the trainer shifts it (train.ts).
    const { dy, dx } = shiftAt(trainer.settings.seed, trainer.steps * b + i, maxShift);
    loadShiftedImage(data, index, dy, dx, ws.input);
    labels[i] = data.labels[index] as number;
    forwardImage(arch, trainer.params, ws);
    grads.data.fill(0);
    backwardImage(arch, trainer.params, ws, labels[i] as number, scale, grads);
    const g = layer === 1 ? grads.conv1 : grads.conv2;
    if (g === null) throw new RangeError("layer 2 has no gradient");
    imageGrads.set(g.weights.subarray(filter * fsize, (filter + 1) * fsize), i * fsize);
  }
  const layerBefore = lp.weights.slice();
  const { losses, accuracies } = trainSteps(trainer, 1);
  const after = layerOf(arch, trainer.params, layer).params;
  const g = layer === 1 ? trainer.grads.conv1 : trainer.grads.conv2;
  if (g === null) throw new RangeError("layer 2 has no gradient");
  return {
    images,
    labels,
    imageGrads,
    layerGrad: g.weights.slice(),
    layerBiasGrad: g.bias.slice(),
    layerBefore,
    layerAfter: after.weights.slice(),
    params: trainer.params.data.slice(),
    velocity: trainer.velocity.data.slice(),
    loss: losses[0] as number,
    accuracy: accuracies[0] as number,
  };
}
