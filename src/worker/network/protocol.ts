/**
 * The messages of the real-network section ("Inside a real network"): training the CNN,
 * predicting a drawn digit, and one filter's sweep inside it. Part of the unions of ../protocol.
 *
 * Every request carries the whole network (its `spec` and flat `params`), so the worker
 * keeps nothing between requests but the digits it loaded (by URL): a replaced worker gets
 * the same answer from the same message. Float64Arrays cross transferred.
 */

import type { NetworkSpec, TrainSettings } from "../../engine";
import type { BatchStep } from "../../engine/cnn/filterSweep";
import type { NetworkFilterSweep } from "../../engine/net/filterSweep";

/**
 * What a network may hold, on both sides of the worker (the network file's rules): every
 * parameter within ±param, every momentum value within ±velocity, at most `steps` steps
 * (the engine counts a run's images in whole numbers up to 1e12 steps), and each batch loss
 * at most `loss`. Training stops before a step that would leave them.
 */
export const NETWORK_HOLDS = { param: 1e6, velocity: 1e8, steps: 1e12, loss: 1e12 } as const;

/** The network: its layers and every parameter (layout of `createNetwork(spec)`). */
export interface NetworkMessage {
  readonly spec: NetworkSpec;
  readonly params: Float64Array;
}

/** A training run's place: momentum buffer and steps already taken (the images' order). */
export interface NetworkRunPoint {
  readonly velocity: Float64Array;
  /** Steps taken before this request, ≥ 0. */
  readonly steps: number;
}

/**
 * Train the network for `steps` more steps on the training digits, reporting at most every
 * `reportMs` and evaluating the held-out digits every `evaluateEvery` steps and at the end.
 * Replies `networkProgress`, then `networkDone`. A `cancel` or a newer run of its lane stops it.
 */
export interface NetworkTrainRequestMessage extends NetworkRunPoint {
  readonly type: "networkTrain";
  readonly runId: number;
  readonly lane?: string;
  readonly network: NetworkMessage;
  readonly settings: TrainSettings;
  /** Steps to take in this run, ≥ 0. */
  readonly run: number;
  /** Shortest time between two reports, in ms (a frame's worth: 16 or more). */
  readonly reportMs: number;
  /** Steps between two evaluations of the held-out digits, ≥ 1. */
  readonly evaluateEvery: number;
  /** The images trained on (dataKey.ts: the digits asset's URL, or a key of other images). */
  readonly data: string;
  /**
   * Workers that share each step's batch, this one included (1–8; default 1): each sums the
   * gradient of its share, and the step's gradient is the sum of their sums (shares.ts).
   */
  readonly workers?: number;
}

/** The ten probabilities of one 32x32 image (a drawn digit); reply `networkPrediction`. */
export interface NetworkPredictRequestMessage {
  readonly type: "networkPredict";
  readonly runId: number;
  readonly network: NetworkMessage;
  /** 32·32 values in [0, 1]. */
  readonly image: Float64Array;
}

/** Which image a sweep is about: a digit of the training or test set, or a drawn one. */
export type SweepImage =
  | { readonly set: "train" | "test"; readonly index: number }
  | { readonly set: "drawn"; readonly image: Float64Array; readonly label: number };

/**
 * One filter's sweep inside the network for one image, and the next step of the run seen from
 * that filter (its batch, their sums, the update); reply `networkSweep`.
 */
export interface NetworkSweepRequestMessage extends NetworkRunPoint {
  readonly type: "networkSweep";
  readonly runId: number;
  readonly network: NetworkMessage;
  readonly settings: TrainSettings;
  readonly image: SweepImage;
  /** The conv layer swept: its index in the spec's layers. */
  readonly layer: number;
  readonly filter: number;
  /** The images swept (dataKey.ts). */
  readonly data: string;
}

/**
 * An ONNX model's bytes read into a spec and its parameters (importOnnx), in the worker so
 * that a large file never holds the page; reply `networkOnnx`. The bytes are transferred.
 */
export interface NetworkOnnxRequestMessage {
  readonly type: "networkImportOnnx";
  readonly runId: number;
  readonly bytes: Uint8Array;
}

/** The model read: its layers and every parameter. */
export interface NetworkOnnxReply {
  readonly type: "networkOnnx";
  readonly runId: number;
  readonly spec: NetworkSpec;
  readonly params: Float64Array;
  /** The model's last Softmax or LogSoftmax, folded into the cross-entropy loss. */
  readonly folded?: "Softmax" | "LogSoftmax";
}

/** The held-out digits' evaluation at one step. */
export interface NetworkEvaluation {
  /** The step it was made after. */
  readonly step: number;
  /** Fraction correct, 0–1, and mean cross-entropy. */
  readonly accuracy: number;
  readonly loss: number;
  /** `confusion[label · 10 + predicted]`. */
  readonly confusion: Int32Array;
}

/** What a training report and the run's end carry. */
export interface NetworkTrainingBody {
  /** Steps taken in total (the request's `steps` plus this run's). */
  readonly step: number;
  /** Parameters and momentum after that step (copies, transferred). */
  readonly params: Float64Array;
  readonly velocity: Float64Array;
  /** Each step's batch loss since the previous report, and its fraction correct. */
  readonly losses: Float64Array;
  readonly accuracies: Float64Array;
  /** Evaluations of the held-out digits made since the previous report. */
  readonly evaluations: readonly NetworkEvaluation[];
  /** The images each worker summed in the last step (one entry: one worker; none: no step). */
  readonly shares: readonly number[];
}

/** A training report. */
export interface NetworkProgressReply extends NetworkTrainingBody {
  readonly type: "networkProgress";
  readonly runId: number;
}

/** The end of a training run (finished, diverged or cancelled). */
export interface NetworkDoneReply extends NetworkTrainingBody {
  readonly type: "networkDone";
  readonly runId: number;
  /**
   * A step made a non-finite number or left what a network holds (NETWORK_HOLDS): the run
   * stopped before it.
   */
  readonly diverged: boolean;
  readonly cancelled: boolean;
}

/** The ten class probabilities. */
export interface NetworkPredictionReply {
  readonly type: "networkPrediction";
  readonly runId: number;
  readonly probabilities: Float64Array;
}

/** A filter's sweep and its batch step. */
export interface NetworkSweepReply {
  readonly type: "networkSweep";
  readonly runId: number;
  /** The image swept (its pixels, 32·32 in [0, 1]) and its label. */
  readonly pixels: Float64Array;
  readonly label: number;
  readonly sweep: NetworkFilterSweep;
  readonly batch: BatchStep;
}

/** The network's requests. */
export type NetworkRequest =
  | NetworkTrainRequestMessage
  | NetworkPredictRequestMessage
  | NetworkSweepRequestMessage
  | NetworkOnnxRequestMessage;

/** The network's replies. */
export type NetworkReply =
  | NetworkProgressReply
  | NetworkDoneReply
  | NetworkPredictionReply
  | NetworkSweepReply
  | NetworkOnnxReply;
