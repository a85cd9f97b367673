/**
 * The worker side of the real network's requests (network/protocol.ts): training in steps with
 * a yield between them, predicting a drawn digit, and one filter's sweep. The images a request
 * reads (data.ts, by data key) are loaded once and kept; nothing else outlives a request.
 */

import {
  checkTrainSettings,
  classesOfImages,
  createNetwork,
  createNetworkTrainer,
  type DigitsDataset,
  evaluateNetwork,
  importOnnx,
  type LabelledImages,
  type Network,
  predictNetwork,
  trainStep,
} from "../../engine";
import { networkBatchStep, networkFilterSweep } from "../../engine/net/filterSweep";
import { BadRequest, bufferOf, describe, isObject, isWholeNumber } from "../host/requestChecks";
import type { YieldToEvents } from "../host/yield";
import type { EngineReply, Post } from "../protocol";
import type {
  NetworkEvaluation,
  NetworkMessage,
  NetworkOnnxRequestMessage,
  NetworkPredictRequestMessage,
  NetworkSweepRequestMessage,
  NetworkTrainRequestMessage,
  SweepImage,
} from "./protocol";
import { NETWORK_HOLDS } from "./protocol";
import { MAX_TRAINING_WORKERS, SharePool, type ShareWorkerFactory } from "./shares";

export {
  type DigitsLoader,
  dataCache,
  fetchDigits,
  type ImagesLoader,
  loadData,
  type StoredImages,
  storedImages,
} from "./data";

/** Test images per evaluation chunk: about 30 ms, so a cancel waits no longer. */
const EVALUATION_CHUNK = 250;

/** What the network's requests need from the handler. */
export interface NetworkContext {
  readonly post: Post<EngineReply>;
  readonly yieldToEvents: YieldToEvents;
  /** False once a `cancel` for the run or a newer run of its lane has arrived. */
  isLive(lane: string, runId: number): boolean;
  /** The images a data key names (dataKey.ts; loaded once, then kept). */
  data(key: string): Promise<DigitsDataset>;
  /** Makes a helper for data-parallel training; absent where there are no workers. */
  readonly shareWorker?: ShareWorkerFactory | undefined;
}

/** A request's network and its parameters, checked (its data is checked where it is read). */
function networkOf(network: NetworkMessage): { net: Network; params: Float64Array } {
  if (!isObject(network)) {
    throw new BadRequest(`network must be an object {spec, params}; got ${describe(network)}`);
  }
  const net = createNetwork(network.spec);
  if (net.spec.loss !== "cross-entropy") {
    throw new BadRequest("the section's network classifies: its loss must be cross-entropy");
  }
  return { net, params: floats(network.params, "network.params", net.paramCount) };
}

/** A Float64Array of `length` numbers, or a BadRequest naming it. */
function floats(value: unknown, name: string, length: number): Float64Array {
  if (!(value instanceof Float64Array) || value.length !== length) {
    throw new BadRequest(`${name} must be a Float64Array of ${length}; got ${describe(value)}`);
  }
  return value;
}

function wholeNumber(name: string, value: unknown, min: number): number {
  if (!isWholeNumber(value, min)) {
    throw new BadRequest(`${name} must be a whole number ≥ ${min}; got ${describe(value)}`);
  }
  return value;
}

/** The held-out digits' evaluation, in chunks with a yield between them (false: cancelled). */
async function evaluateInChunks(
  net: Network,
  params: Float64Array,
  test: LabelledImages,
  step: number,
  live: () => boolean,
  yieldToEvents: YieldToEvents,
): Promise<NetworkEvaluation | null> {
  const classes = classesOfImages(test);
  const confusion = new Int32Array(classes * classes);
  let loss = 0;
  const side = test.pixels.length / test.count;
  for (let from = 0; from < test.count; from += EVALUATION_CHUNK) {
    if (!live()) return null;
    const count = Math.min(EVALUATION_CHUNK, test.count - from);
    const part = evaluateNetwork(net, params, {
      ...test,
      count,
      pixels: test.pixels.subarray(from * side, (from + count) * side),
      labels: test.labels.subarray(from, from + count),
    });
    for (let i = 0; i < confusion.length; i++) {
      confusion[i] = (confusion[i] as number) + (part.confusion[i] as number);
    }
    loss += part.loss * count;
    await yieldToEvents();
  }
  let correct = 0;
  for (let c = 0; c < classes; c++) correct += confusion[c * classes + c] as number;
  return { step, accuracy: correct / test.count, loss: loss / test.count, confusion };
}

/** Every value within ±limit (and so finite). */
const within = (values: Float64Array, limit: number) => {
  for (const v of values) if (!(Math.abs(v) <= limit)) return false;
  return true;
};

/**
 * A training run: one step at a time (about 10 ms for the default network) with a yield after
 * each, reports at most every `reportMs`, the held-out digits every `evaluateEvery` steps and
 * at the end. A step that makes a non-finite value is undone and ends the run (`diverged`).
 */
export async function runNetworkTraining(
  request: NetworkTrainRequestMessage,
  lane: string,
  context: NetworkContext,
): Promise<void> {
  const { runId } = request;
  const { net, params: start } = networkOf(request.network);
  const settings = checkTrainSettings(request.settings);
  const startStep = wholeNumber("steps", request.steps, 0);
  const run = wholeNumber("run", request.run, 0);
  const evaluateEvery = wholeNumber("evaluateEvery", request.evaluateEvery, 1);
  const reportMs = request.reportMs;
  if (typeof reportMs !== "number" || !(reportMs >= 0)) {
    throw new BadRequest(`reportMs must be a number ≥ 0; got ${describe(reportMs)}`);
  }
  const workers = request.workers ?? 1;
  if (!isWholeNumber(workers, 1) || workers > MAX_TRAINING_WORKERS) {
    throw new BadRequest(
      `workers must be a whole number from 1 to ${MAX_TRAINING_WORKERS}; got ${describe(workers)}`,
    );
  }
  const data = await context.data(request.data);
  const trainer = createNetworkTrainer(net, settings, data.train);
  trainer.params.set(start);
  trainer.velocity.set(floats(request.velocity, "velocity", net.paramCount));
  trainer.steps = startStep;
  const params = trainer.params;
  const live = () => context.isLive(lane, runId);
  const pool =
    workers > 1 && context.shareWorker !== undefined
      ? new SharePool(workers - 1, context.shareWorker)
      : null;
  let shares = [settings.batchSize];

  let losses: number[] = [];
  let accuracies: number[] = [];
  let evaluations: NetworkEvaluation[] = [];
  let lastReport = performance.now();
  const body = () => {
    const reply = {
      step: trainer.steps,
      params: trainer.params.slice(),
      velocity: trainer.velocity.slice(),
      shares,
      losses: Float64Array.from(losses),
      accuracies: Float64Array.from(accuracies),
      evaluations,
    };
    losses = [];
    accuracies = [];
    evaluations = [];
    lastReport = performance.now();
    return reply;
  };
  const transfer = (b: ReturnType<typeof body>) => [
    bufferOf(b.params),
    bufferOf(b.velocity),
    bufferOf(b.losses),
    bufferOf(b.accuracies),
    ...b.evaluations.map((e) => e.confusion.buffer as ArrayBuffer),
  ];
  const backup = new Float64Array(trainer.params.length);
  const velocityBackup = new Float64Array(backup.length);
  let diverged = false;
  let cancelled = false;
  let evaluatedAt = -1;
  for (let done = 0; done < run; done++) {
    if (!live()) {
      cancelled = true;
      break;
    }
    backup.set(trainer.params);
    velocityBackup.set(trainer.velocity);
    let loss: number;
    let accuracy: number;
    if (pool === null) {
      trainStep(trainer);
      loss = trainer.last[0] as number;
      accuracy = trainer.last[1] as number;
    } else {
      const step = await pool.step(trainer, request.data, context.yieldToEvents);
      ({ loss, accuracy, shares } = step);
    }
    // A step past what a network holds (the network file's limits, NETWORK_HOLDS) is undone.
    if (
      !(loss >= 0 && loss <= NETWORK_HOLDS.loss) ||
      !within(trainer.params, NETWORK_HOLDS.param) ||
      !within(trainer.velocity, NETWORK_HOLDS.velocity) ||
      trainer.steps > NETWORK_HOLDS.steps
    ) {
      trainer.params.set(backup);
      trainer.velocity.set(velocityBackup);
      trainer.steps--;
      diverged = true;
      break;
    }
    losses.push(loss);
    accuracies.push(accuracy);
    if (trainer.steps % evaluateEvery === 0) {
      const e = await evaluateInChunks(
        net,
        params,
        data.test,
        trainer.steps,
        live,
        context.yieldToEvents,
      );
      if (e === null) {
        cancelled = true;
        break;
      }
      if (!(e.loss <= NETWORK_HOLDS.loss)) {
        // The held-out loss left what a network holds: the step is undone, as a diverged one.
        trainer.params.set(backup);
        trainer.velocity.set(velocityBackup);
        trainer.steps--;
        losses.pop();
        accuracies.pop();
        diverged = true;
        break;
      }
      evaluations.push(e);
      evaluatedAt = trainer.steps;
    }
    if (performance.now() - lastReport >= reportMs && done + 1 < run) {
      const b = body();
      context.post({ type: "networkProgress", runId, ...b }, transfer(b));
    }
    await context.yieldToEvents();
  }
  if (evaluatedAt !== trainer.steps) {
    // The end's accuracy is always the parameters it hands back (a cancel still evaluates).
    const e = await evaluateInChunks(
      net,
      params,
      data.test,
      trainer.steps,
      () => true,
      context.yieldToEvents,
    );
    // Only an evaluation a network file holds (a held-out loss of at most NETWORK_HOLDS.loss).
    if (e !== null && e.loss <= NETWORK_HOLDS.loss) evaluations.push(e);
  }
  pool?.dispose();
  const b = body();
  context.post({ type: "networkDone", runId, ...b, diverged, cancelled }, transfer(b));
}

/** The ten probabilities of a drawn digit. */
export function networkPredict(request: NetworkPredictRequestMessage, post: Post<EngineReply>) {
  const { net, params } = networkOf(request.network);
  const probabilities = predictNetwork(net, params, request.image);
  post({ type: "networkPrediction", runId: request.runId, probabilities }, [
    bufferOf(probabilities),
  ]);
}

/** The pixels and label of the image a sweep is about. */
function imageOf(source: SweepImage, data: DigitsDataset): { pixels: Float64Array; label: number } {
  if (!isObject(source)) {
    throw new BadRequest(`image must be an object {set, index}; got ${describe(source)}`);
  }
  if (source.set === "drawn") {
    if (!(source.image instanceof Float64Array)) {
      throw new BadRequest(`image.image must be a Float64Array; got ${describe(source.image)}`);
    }
    return { pixels: source.image.slice(), label: source.label };
  }
  if (source.set !== "train" && source.set !== "test") {
    throw new BadRequest(
      `image.set must be "train", "test" or "drawn"; got ${describe((source as { set: unknown }).set)}`,
    );
  }
  const images = data[source.set];
  const index = source.index;
  if (!isWholeNumber(index, 0) || index >= images.count) {
    throw new BadRequest(
      `image.index must be a whole number from 0 to ${images.count - 1}; got ${describe(index)}`,
    );
  }
  const side = images.pixels.length / images.count;
  const pixels = new Float64Array(side);
  for (let i = 0; i < side; i++) pixels[i] = (images.pixels[index * side + i] as number) / 255;
  return { pixels, label: images.labels[index] as number };
}

/** One filter's sweep for an image, and the run's next step seen from that filter. */
export async function networkSweep(
  request: NetworkSweepRequestMessage,
  context: NetworkContext,
): Promise<void> {
  const { net, params } = networkOf(request.network);
  const settings = checkTrainSettings(request.settings);
  const steps = wholeNumber("steps", request.steps, 0);
  const layer = wholeNumber("layer", request.layer, 0);
  const data = await context.data(request.data);
  const { pixels, label } = imageOf(request.image, data);
  const scale = settings.reduction === "mean" ? 1 / settings.batchSize : 1;
  const sweep = networkFilterSweep(net, params, pixels, label, scale, layer, request.filter);
  const at = { params, velocity: request.velocity, steps };
  const batch = networkBatchStep(net, settings, data.train, at, layer, request.filter);
  const s = sweep;
  // Every buffer crosses once (a route stage's grad may be the same array as fromAbove's).
  const buffers = new Set<ArrayBuffer>([
    ...[s.input, s.weights, s.out, s.fromAbove.grad, s.delta, s.kernelTerms].map(bufferOf),
    ...s.route.flatMap((r) => [
      r.grad.buffer as ArrayBuffer,
      ...(r.winners ? [r.winners.buffer as ArrayBuffer] : []),
    ]),
    ...[s.weightGrad, s.belowGrad, s.probabilities, pixels].map(bufferOf),
    ...[batch.imageGrads, batch.layerGrad, batch.layerBiasGrad].map(bufferOf),
    ...[batch.layerBefore, batch.layerAfter, batch.params, batch.velocity].map(bufferOf),
    batch.images.buffer as ArrayBuffer,
  ]);
  context.post({ type: "networkSweep", runId: request.runId, pixels, label, sweep, batch }, [
    ...buffers,
  ]);
}

/** Reads an ONNX model (importOnnx's messages name the operator and node it cannot read). */
export function networkImportOnnx(request: NetworkOnnxRequestMessage, post: Post<EngineReply>) {
  if (!(request.bytes instanceof Uint8Array)) {
    throw new BadRequest(`bytes must be a Uint8Array; got ${describe(request.bytes)}`);
  }
  const { spec, params, folded } = importOnnx(request.bytes);
  const reply = { type: "networkOnnx", runId: request.runId, spec, params } as const;
  post(folded === undefined ? reply : { ...reply, folded }, [bufferOf(params)]);
}
