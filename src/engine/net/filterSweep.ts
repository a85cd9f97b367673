import { checkBuffer, checkInteger, checkNumberIn } from "../cnn/checks";
import { type ConvShape, filterSize } from "../cnn/conv";
import type { BatchStep, RunPoint } from "../cnn/filterSweep";
import type { LabelledImages } from "../cnn/images";
import { nextBatch, type TrainSettings } from "../cnn/train";
import {
  backwardInto,
  createNetworkWorkspace,
  forwardInto,
  layerContributions,
  type NetworkWorkspace,
} from "./pass";
import {
  type LayerPlan,
  type LayerShape,
  type LayerSpec,
  layerLabel,
  type Network,
  sizeOf,
} from "./spec";
import { createNetworkTrainer, shareGradient, trainStep } from "./train";

export type { BatchStep, RunPoint } from "../cnn/filterSweep";

/**
 * One layer between the swept convolution and the next layer that mixes channels (a ReLU or a
 * pool, which act on each channel alone), as δ passes it on its way down to the filter.
 */
export interface RouteStage {
  /** The layer's index in `spec.layers`. */
  readonly layer: number;
  readonly type: "relu" | "maxpool2d" | "avgpool2d";
  /** The layer's output plane. */
  readonly height: number;
  readonly width: number;
  /** δ at the layer's output, ∂(scale·L)/∂(its output), for the filter's channel `[height][width]`. */
  readonly grad: Float64Array;
  /**
   * maxpool2d: for each output cell, the index in the layer's input plane (`[inH][inW]`, the
   * channel's own plane) of the cell that won its window, where its δ goes; otherwise null.
   */
  readonly winners: Int32Array | null;
}

/**
 * One filter's backpropagation, position by position, inside any network, for one input:
 * what the layers above send back to it, the route δ takes through the channel-wise layers
 * just above, and every position's terms. Planes are `[H][W]` row-major; "channel" buffers
 * `[C][H][W]`.
 */
export interface NetworkFilterSweep {
  /** The convolution layer's index in `spec.layers`, and the filter (0..K−1) swept. */
  readonly layer: number;
  readonly filter: number;
  /** The layer's shape (its plan's: C, K, kh x kw, stride, padding, dilation, output size). */
  readonly shape: ConvShape;
  /** The layer's input x `[C][inH][inW]`. */
  readonly input: Float64Array;
  /** The filter's weights w `[C][kh][kw]` and its bias b. */
  readonly weights: Float64Array;
  readonly bias: number;
  /** The filter's output z = w ⋆ x + b, `[outH][outW]`. */
  readonly out: Float64Array;
  /**
   * The layers above, from the convolution's own output upward, through ReLUs and pools only,
   * stopping before the first conv2d, flatten or dense layer (or the network's end).
   */
  readonly route: readonly RouteStage[];
  /**
   * δ arriving from above, at the output of the route's last stage (or at z when the route is
   * empty), `[height][width]`; `layer` is the layer that sends it (the one just above the
   * route), or null when it is the loss itself.
   */
  readonly fromAbove: {
    readonly layer: number | null;
    readonly height: number;
    readonly width: number;
    readonly grad: Float64Array;
  };
  /** δ at the filter's output, ∂(scale·L)/∂z `[outH][outW]`. */
  readonly delta: Float64Array;
  /** Positions whose δ is not zero (the rest add ±0 to every sum). */
  readonly contributing: number;
  /** Each position's δ · patch, `[positions][C·kh·kw]` (row-major positions). */
  readonly kernelTerms: Float64Array;
  /** The engine's gradient of this filter for this input, ∂(scale·L)/∂w `[C][kh][kw]`. */
  readonly weightGrad: Float64Array;
  /** ∂(scale·L)/∂b. */
  readonly biasGrad: number;
  /** δ at the layer's input, ∂(scale·L)/∂x, every filter's share summed `[C][inH][inW]`. */
  readonly belowGrad: Float64Array;
  /** The input's loss L, unscaled (cross-entropy, or ½ Σ (out − target)²). */
  readonly loss: number;
  /** Cross-entropy: the softmax of the outputs; squared-error: the outputs themselves. */
  readonly probabilities: Float64Array;
}

/** Checks that `net` is a built network. */
function checkNetwork(net: Network): void {
  if (net === null || typeof net !== "object" || !Array.isArray(net.plans)) {
    throw new RangeError("net must be what createNetwork returned");
  }
}

/** The plan of convolution layer `layer`, and its filter `filter`, checked. */
function convPlan(net: Network, layer: number, filter: number) {
  checkInteger("layer", layer, 0, net.plans.length - 1);
  const plan = net.plans[layer] as LayerPlan;
  if (plan.type !== "conv2d") {
    const label = layerLabel(net.spec.layers[layer] as LayerSpec);
    throw new RangeError(
      `layer must be a convolution's index; layer ${layer + 1} is ${label}, not a convolution (index ${layer})`,
    );
  }
  checkInteger("filter", filter, 0, plan.conv.filters - 1);
  return plan;
}

/** Channel `channel` of a `[C][H][W]` buffer whose planes hold `plane` values: a copy. */
function planeOf(buffer: Float64Array, channel: number, plane: number): Float64Array {
  return buffer.slice(channel * plane, (channel + 1) * plane);
}

/** The ReLUs and pools above conv layer `layer`, and their δ for channel `filter`. */
function routeOf(net: Network, ws: NetworkWorkspace, layer: number, filter: number): RouteStage[] {
  const route: RouteStage[] = [];
  for (let i = layer + 1; i < net.plans.length; i++) {
    const plan = net.plans[i] as LayerPlan;
    if (plan.type !== "relu" && plan.type !== "maxpool2d" && plan.type !== "avgpool2d") break;
    const { height, width } = net.shapes[i] as LayerShape;
    const plane = height * width;
    let winners: Int32Array | null = null;
    if (plan.type === "maxpool2d") {
      // The pool's winners index its whole input [C][inH][inW]; the channel's own plane starts
      // at filter · inH · inW.
      const all = ws.winners[i] as Int32Array;
      const offset = filter * plan.pool.inHeight * plan.pool.inWidth;
      winners = new Int32Array(plane);
      for (let o = 0; o < plane; o++) winners[o] = (all[filter * plane + o] as number) - offset;
    }
    route.push({
      layer: i,
      type: plan.type,
      height,
      width,
      grad: planeOf(ws.deltas[i] as Float64Array, filter, plane),
      winners,
    });
  }
  return route;
}

/**
 * One filter's sweep inside `net` for one input (`image`, `[C][H][W]` as the network's input,
 * with its `target`: a class index for cross-entropy, an array of the outputs' size for
 * squared-error). `scale` is the loss gradient's factor (1 for a summed batch, 1/N for a
 * mean), so the sweep's sums are this input's share of a batch's gradient. `layer` is the
 * index in `spec.layers` of a convolution; `filter` one of its filters.
 */
export function networkFilterSweep(
  net: Network,
  params: Float64Array,
  image: Float64Array,
  target: number | Float64Array,
  scale: number,
  layer: number,
  filter: number,
): NetworkFilterSweep {
  checkNetwork(net);
  checkBuffer("params", params, net.paramCount);
  checkBuffer("image", image, sizeOf(net.spec.input));
  checkNumberIn("scale", scale, 0, 1);
  const plan = convPlan(net, layer, filter);
  const shape = plan.conv;
  const ws = createNetworkWorkspace(net);
  ws.input.set(image);
  forwardInto(net, params, ws);
  const grads = new Float64Array(net.paramCount);
  // Layer 0's input gradient is the network's input gradient, which only this flag computes.
  backwardInto(net, params, ws, target, scale, grads, layer === 0);

  const plane = shape.outHeight * shape.outWidth;
  const fsize = filterSize(shape);
  const delta = planeOf(ws.deltas[layer] as Float64Array, filter, plane);
  const kernelTerms = new Float64Array(plane * fsize);
  let contributing = 0;
  let p = 0;
  for (const c of layerContributions(net, params, ws, ws.deltas, layer, filter)) {
    kernelTerms.set(c.kernelGrad, p * fsize);
    if (c.delta !== 0) contributing++;
    p++;
  }
  const route = routeOf(net, ws, layer, filter);
  const top = route[route.length - 1];
  const above = (top === undefined ? layer : top.layer) + 1;
  const fromAbove = {
    layer: above < net.plans.length ? above : null,
    height: top === undefined ? shape.outHeight : top.height,
    width: top === undefined ? shape.outWidth : top.width,
    grad: top === undefined ? delta : top.grad,
  };
  const input = layer === 0 ? ws.input : (ws.outputs[layer - 1] as Float64Array);
  // backwardInto wrote every filter's share of the layer below's δ here (written, not added).
  const below = layer === 0 ? ws.inputGrad : (ws.deltas[layer - 1] as Float64Array);
  const first = plan.weights + filter * fsize;
  const last = ws.outputs[net.plans.length - 1] as Float64Array;
  return {
    layer,
    filter,
    shape,
    input: input.slice(),
    weights: params.slice(first, first + fsize),
    bias: params[plan.bias + filter] as number,
    out: planeOf(ws.outputs[layer] as Float64Array, filter, plane),
    route,
    fromAbove,
    delta,
    contributing,
    kernelTerms,
    weightGrad: grads.slice(first, first + fsize),
    biasGrad: grads[plan.bias + filter] as number,
    belowGrad: below.slice(),
    loss: ws.loss[0] as number,
    probabilities: net.spec.loss === "cross-entropy" ? ws.probabilities.slice() : last.slice(),
  };
}

/**
 * The step a run of `net` at `at` takes next (the same images in the same order, the same
 * shifts, gradient and SGD-with-momentum update as `trainStep` would), seen from filter
 * `filter` of convolution layer `layer`: each image's gradient of that filter (its sweep's
 * final sum), then the whole layer's batch gradient and the update that moves all K filters
 * at once. Built from the trainer's own functions: each image is a share of one image.
 */
export function networkBatchStep(
  net: Network,
  settings: TrainSettings,
  data: LabelledImages,
  at: RunPoint,
  layer: number,
  filter: number,
): BatchStep {
  checkNetwork(net);
  const plan = convPlan(net, layer, filter);
  const trainer = createNetworkTrainer(net, settings, data);
  if (at === null || typeof at !== "object") throw new RangeError("at must be a run point");
  trainer.params.set(checkBuffer("at.params", at.params, net.paramCount));
  trainer.velocity.set(checkBuffer("at.velocity", at.velocity, net.paramCount));
  trainer.steps = checkInteger("at.steps", at.steps, 0, 1e12);
  const fsize = filterSize(plan.conv);
  const layerSize = plan.conv.filters * fsize;
  const first = plan.weights + filter * fsize;
  const images = nextBatch(trainer);
  const b = images.length;
  const labels = new Uint8Array(b);
  const imageGrads = new Float64Array(b * fsize);
  const share = new Float64Array(net.paramCount);
  for (let i = 0; i < b; i++) {
    labels[i] = data.labels[images[i] as number] as number;
    // Image i of the batch, alone: its shift, its scale, its gradient added to zero.
    share.fill(0);
    shareGradient(trainer, i, i + 1, share);
    imageGrads.set(share.subarray(first, first + fsize), i * fsize);
  }
  const layerBefore = trainer.params.slice(plan.weights, plan.weights + layerSize);
  trainStep(trainer);
  return {
    images,
    labels,
    imageGrads,
    layerGrad: trainer.grads.slice(plan.weights, plan.weights + layerSize),
    layerBiasGrad: trainer.grads.slice(plan.bias, plan.bias + plan.conv.filters),
    layerBefore,
    layerAfter: trainer.params.slice(plan.weights, plan.weights + layerSize),
    params: trainer.params.slice(),
    velocity: trainer.velocity.slice(),
    loss: trainer.last[0] as number,
    accuracy: trainer.last[1] as number,
  };
}
