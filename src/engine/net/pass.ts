import { checkBuffer, checkInteger } from "../cnn/checks";
import { convForward } from "../cnn/conv";
import { convBackward } from "../cnn/convBackward";
import { type ConvContribution, convContributions } from "../cnn/convContributions";
import { denseBackward, denseForward } from "../cnn/dense";
import { heUniform, seededRandom } from "../cnn/random";
import { reluBackward, reluForward } from "../cnn/relu";
import { softmaxCrossEntropy } from "../cnn/softmaxCrossEntropy";
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from "./pool";
import { type LayerPlan, type Network, sizeOf } from "./spec";

/** One forward pass: the input and every layer's output (outputs[i] = layer i's output). */
export interface NetworkTrace {
  /** The input, `[C][H][W]` row-major (the trace's own copy). */
  readonly input: Float64Array;
  /** Layer i's output. A flatten's output is its input's buffer (the same values, in order). */
  readonly outputs: readonly Float64Array[];
  /** For each max-pool layer, the input cell that won each output cell; null elsewhere. */
  readonly winners: readonly (Int32Array | null)[];
}

/** What one backward pass gives (docs/engine.md, "Any network"). */
export interface NetworkGradients {
  /** scale · L. */
  readonly loss: number;
  /** ∂(scale·L)/∂params, in the parameters' layout. */
  readonly grads: Float64Array;
  /** deltas[i] = ∂(scale·L)/∂(layer i's output). A flatten's δ is its input's δ buffer. */
  readonly deltas: readonly Float64Array[];
  /** ∂(scale·L)/∂input, `[C][H][W]`. */
  readonly inputGrad: Float64Array;
}

/**
 * Buffers for repeated passes of one network: a trace to run forward into, the deltas, the
 * input's gradient and the softmax's probabilities. Training reuses one per worker, so that
 * a step allocates nothing.
 */
export interface NetworkWorkspace extends NetworkTrace {
  readonly net: Network;
  readonly deltas: readonly Float64Array[];
  readonly inputGrad: Float64Array;
  readonly probabilities: Float64Array;
  /** The last backward pass's loss L, unscaled (a buffer, so that a pass allocates nothing). */
  readonly loss: Float64Array;
}

/** Buffers shaped for `net`. A flatten shares its input's output and δ buffers. */
export function createNetworkWorkspace(net: Network): NetworkWorkspace {
  const input = new Float64Array(sizeOf(net.spec.input));
  const inputGrad = new Float64Array(input.length);
  const outputs: Float64Array[] = [];
  const deltas: Float64Array[] = [];
  const winners: (Int32Array | null)[] = [];
  net.plans.forEach((plan, i) => {
    const size = sizeOf(net.shapes[i] ?? net.spec.input);
    if (plan.type === "flatten") {
      outputs.push(i === 0 ? input : (outputs[i - 1] as Float64Array));
      deltas.push(i === 0 ? new Float64Array(size) : (deltas[i - 1] as Float64Array));
    } else {
      outputs.push(new Float64Array(size));
      deltas.push(new Float64Array(size));
    }
    winners.push(plan.type === "maxpool2d" ? new Int32Array(size) : null);
  });
  const last = net.shapes[net.shapes.length - 1];
  const probabilities = new Float64Array(last === undefined ? 0 : sizeOf(last));
  return {
    net,
    input,
    outputs,
    winners,
    deltas,
    inputGrad,
    probabilities,
    loss: new Float64Array(1),
  };
}

/** A layer's weights and biases as views of a parameter (or gradient) buffer. */
interface LayerViews {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/** The views of every layer (null for a layer without parameters), cached per buffer. */
const viewCache = new WeakMap<Float64Array, { net: Network; views: (LayerViews | null)[] }>();

function layerViews(net: Network, buffer: Float64Array, name: string): (LayerViews | null)[] {
  const cached = viewCache.get(buffer);
  if (cached !== undefined && cached.net === net) return cached.views;
  checkBuffer(name, buffer, net.paramCount);
  const views = net.plans.map((plan) => {
    if (plan.type !== "conv2d" && plan.type !== "dense") return null;
    const biases = plan.type === "conv2d" ? plan.conv.filters : plan.units;
    return {
      weights: buffer.subarray(plan.weights, plan.bias),
      bias: buffer.subarray(plan.bias, plan.bias + biases),
    };
  });
  viewCache.set(buffer, { net, views });
  return views;
}

function viewsOf(views: (LayerViews | null)[], layer: number): LayerViews {
  return views[layer] as LayerViews;
}

/**
 * Seeded initial parameters: He-uniform weights (fan-in C·kh·kw for a convolution, the input
 * count for a dense layer), drawn layer by layer from one generator, and zero biases. Same
 * seed, same numbers; on today's digits network the same numbers as `initParams`.
 */
export function initNetworkParams(net: Network, seed: number): Float64Array {
  checkInteger("seed", seed, 0, 0xffffffff);
  const params = new Float64Array(net.paramCount);
  const views = layerViews(net, params, "params");
  const rand = seededRandom(seed);
  net.plans.forEach((plan, i) => {
    if (plan.type === "conv2d") {
      const { conv } = plan;
      heUniform(
        viewsOf(views, i).weights,
        conv.inChannels * conv.kernelHeight * conv.kernelWidth,
        rand,
      );
    } else if (plan.type === "dense") {
      heUniform(viewsOf(views, i).weights, plan.inputs, rand);
    }
  });
  return params;
}

/** Runs the forward pass of `ws.input` into `ws.outputs` (and the max-pools' winners). */
export function forwardInto(net: Network, params: Float64Array, ws: NetworkWorkspace): void {
  const views = layerViews(net, params, "params");
  // A plain loop: a callback would be an allocation per pass.
  for (let i = 0; i < net.plans.length; i++) {
    const plan = net.plans[i] as LayerPlan;
    const input = i === 0 ? ws.input : (ws.outputs[i - 1] as Float64Array);
    const out = ws.outputs[i] as Float64Array;
    switch (plan.type) {
      case "conv2d": {
        const v = viewsOf(views, i);
        convForward(plan.conv, input, v.weights, v.bias, out);
        break;
      }
      case "relu":
        reluForward(input, out);
        break;
      case "maxpool2d":
        maxPool2dForward(plan.pool, input, out, ws.winners[i] as Int32Array);
        break;
      case "avgpool2d":
        avgPool2dForward(plan.pool, input, out);
        break;
      case "flatten":
        break;
      case "dense": {
        const v = viewsOf(views, i);
        denseForward(input, v.weights, v.bias, out);
        break;
      }
    }
  }
}

/**
 * The loss of the last layer's output against `target`, and its δ into the last layer's
 * delta buffer (scaled: scale · ∂L/∂out): cross-entropy (softmax) against a class index, or
 * ½ Σ (out − target)² against an array of the output's size. Writes L, unscaled, to ws.loss.
 */
function lossInto(
  net: Network,
  ws: NetworkWorkspace,
  target: number | Float64Array,
  scale: number,
): void {
  const last = net.plans.length - 1;
  const out = ws.outputs[last] as Float64Array;
  const delta = ws.deltas[last] as Float64Array;
  if (net.spec.loss === "cross-entropy") {
    if (typeof target !== "number") {
      throw new RangeError("target must be a class index for cross-entropy");
    }
    checkInteger("target", target, 0, out.length - 1);
    ws.loss[0] = softmaxCrossEntropy(out, target, ws.probabilities, delta, scale);
    return;
  }
  if (typeof target === "number") {
    throw new RangeError(`target must be a Float64Array of ${out.length} for squared-error`);
  }
  checkBuffer("target", target, out.length);
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    const d = (out[i] as number) - (target[i] as number);
    sum += d * d;
    delta[i] = scale * d;
  }
  ws.loss[0] = 0.5 * sum;
}

/**
 * The backward pass of the trace in `ws`: the loss, every layer's δ, and the parameters'
 * gradient **added** into `grads` (so a batch's gradient is the sum of its images' terms, in
 * image order). The input's gradient is written into `ws.inputGrad` when `withInputGrad`.
 * The image's loss L, unscaled, is written to `ws.loss[0]` (a batch's loss is then
 * scale · Σ L, as the small CNN's trainer forms it). Allocates nothing.
 */
export function backwardInto(
  net: Network,
  params: Float64Array,
  ws: NetworkWorkspace,
  target: number | Float64Array,
  scale: number,
  grads: Float64Array,
  withInputGrad: boolean,
): void {
  if (typeof scale !== "number" || !Number.isFinite(scale)) {
    throw new RangeError(`scale must be a finite number; got ${String(scale)}`);
  }
  const views = layerViews(net, params, "params");
  const gradViews = layerViews(net, grads, "grads");
  lossInto(net, ws, target, scale);
  for (let i = net.plans.length - 1; i >= 0; i--) {
    const plan = net.plans[i];
    if (plan === undefined) continue;
    const input = i === 0 ? ws.input : (ws.outputs[i - 1] as Float64Array);
    const delta = ws.deltas[i] as Float64Array;
    const below = i > 0 ? (ws.deltas[i - 1] as Float64Array) : withInputGrad ? ws.inputGrad : null;
    switch (plan.type) {
      case "conv2d": {
        const g = viewsOf(gradViews, i);
        convBackward(plan.conv, input, viewsOf(views, i).weights, delta, g.weights, g.bias, below);
        break;
      }
      case "relu":
        if (below !== null) reluBackward(ws.outputs[i] as Float64Array, delta, below);
        break;
      case "maxpool2d":
        if (below !== null) maxPool2dBackward(plan.pool, ws.winners[i] as Int32Array, delta, below);
        break;
      case "avgpool2d":
        if (below !== null) avgPool2dBackward(plan.pool, delta, below);
        break;
      case "flatten":
        // A flatten's δ is its input's δ buffer already; only the input's gradient is apart.
        if (below !== null && below !== delta) below.set(delta);
        break;
      case "dense": {
        const g = viewsOf(gradViews, i);
        denseBackward(input, viewsOf(views, i).weights, delta, g.weights, g.bias, below);
        break;
      }
    }
  }
}

/** Forward pass of one input (`[C][H][W]`, row-major): a trace of every layer's output. */
export function networkForward(
  net: Network,
  params: Float64Array,
  input: Float64Array,
): NetworkTrace {
  checkBuffer("params", params, net.paramCount);
  checkBuffer("input", input, sizeOf(net.spec.input));
  const ws = createNetworkWorkspace(net);
  ws.input.set(input);
  forwardInto(net, params, ws);
  return { input: ws.input, outputs: ws.outputs, winners: ws.winners };
}

/**
 * Loss and backward pass of one traced input. `target` is a class index (cross-entropy) or an
 * array of the output's size (squared-error); `scale` multiplies the loss (1 for a summed
 * batch, 1/N for a mean). Returns new buffers: the trace is not changed.
 */
export function networkBackward(
  net: Network,
  params: Float64Array,
  trace: NetworkTrace,
  target: number | Float64Array,
  scale = 1,
): NetworkGradients {
  checkBuffer("params", params, net.paramCount);
  const ws = createNetworkWorkspace(net);
  checkTrace(net, trace);
  ws.input.set(trace.input);
  trace.outputs.forEach((out, i) => {
    const own = ws.outputs[i] as Float64Array;
    if (own !== out) own.set(out);
  });
  trace.winners.forEach((w, i) => {
    if (w !== null) (ws.winners[i] as Int32Array).set(w);
  });
  const grads = new Float64Array(net.paramCount);
  backwardInto(net, params, ws, target, scale, grads, true);
  const loss = scale * (ws.loss[0] as number);
  return { loss, grads, deltas: ws.deltas, inputGrad: ws.inputGrad };
}

function checkTrace(net: Network, trace: NetworkTrace): void {
  if (trace === null || typeof trace !== "object" || !Array.isArray(trace.outputs)) {
    throw new RangeError("trace must be what networkForward returned");
  }
  checkBuffer("trace.input", trace.input, sizeOf(net.spec.input));
  if (trace.outputs.length !== net.plans.length || trace.winners.length !== net.plans.length) {
    throw new RangeError(
      `trace must have ${net.plans.length} layers' outputs; got ${trace.outputs.length}`,
    );
  }
  trace.outputs.forEach((out, i) => {
    checkBuffer(`trace.outputs[${i}]`, out, sizeOf(net.shapes[i] ?? net.spec.input));
  });
}

/**
 * The per-position contributions of one filter of convolution layer `layer` (numbered from 0),
 * for the traced input: one entry per output position in row-major order, each with every
 * input channel (`[C][kh][kw]`). Summed in order from zero, the kernelGrad entries equal that
 * filter's slice of `networkBackward`'s grads to the bit, and the biasGrad entries its bias.
 */
export function layerContributions(
  net: Network,
  params: Float64Array,
  trace: NetworkTrace,
  deltas: readonly Float64Array[],
  layer: number,
  filter: number,
): Iterable<ConvContribution> {
  checkBuffer("params", params, net.paramCount);
  checkTrace(net, trace);
  checkInteger("layer", layer, 0, net.plans.length - 1);
  const plan = net.plans[layer];
  if (plan === undefined || plan.type !== "conv2d") {
    throw new RangeError(`layer must be a convolution; layer ${layer} is ${plan?.type}`);
  }
  if (!Array.isArray(deltas) || deltas.length !== net.plans.length) {
    throw new RangeError(`deltas must have ${net.plans.length} layers' δ`);
  }
  const input = layer === 0 ? trace.input : (trace.outputs[layer - 1] as Float64Array);
  const weights = viewsOf(layerViews(net, params, "params"), layer).weights;
  return convContributions(plan.conv, input, weights, deltas[layer] as Float64Array, filter);
}
