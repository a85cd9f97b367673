/**
 * The messages between the main thread and the engine worker, imported by both sides.
 * One discriminated union per direction (`type`), every message carrying the `runId` of the
 * request it belongs to, so the client can drop replies of runs it no longer wants.
 *
 * Grids cross as `{ height, width, data: Float64Array }` with `data` in the transfer list:
 * the sender's buffer is detached afterwards, so a sender that still needs a grid posts a
 * copy (the client copies the caller's grids; the handler copies the kernel it keeps training).
 */
import type {
  ConvOptions,
  DifferenceScheme,
  GradientCheck,
  Grid,
  Reduction,
  ResolvedConvOptions,
} from "../engine";

// ── Requests: main thread → worker ─────────────────────────────────────────────────────────

/** Run one sweep (forward, loss gradient, every position's contribution) and reply `sweep`. */
export interface SweepRequestMessage {
  readonly type: "sweep";
  readonly runId: number;
  /** The input image. */
  readonly image: Grid;
  /** The shared filter. */
  readonly kernel: Grid;
  readonly bias: number;
  /** The target output map (the conv2d output's shape). */
  readonly target: Grid;
  readonly options: ConvOptions;
  readonly reduction: Reduction;
}

/** The fixed part of a training run: what the filter is trained on. */
export interface TrainProblem {
  readonly image: Grid;
  readonly target: Grid;
  readonly options: ConvOptions;
  readonly reduction: Reduction;
}

/**
 * Train `steps` SGD steps; reply `progress` after every `reportEvery` steps and `done` at the
 * end. A newer `train` or `trainUntied` on the same lane, or a `cancel` with this runId, stops
 * the run at its next chunk boundary.
 */
export interface TrainRequestMessage {
  readonly type: "train";
  readonly runId: number;
  /**
   * Which runs this one supersedes: a training run keeps going until a newer one of the same
   * lane arrives (or its cancel). Default `"train"` (the app's Train button); views use their own.
   */
  readonly lane?: string;
  readonly problem: TrainProblem;
  /** The starting kernel and bias. */
  readonly params: { readonly kernel: Grid; readonly bias: number };
  readonly learningRate: number;
  /** Whole number ≥ 0. */
  readonly steps: number;
  /** Whole number ≥ 1: steps between two `progress` replies. */
  readonly reportEvery: number;
}

/**
 * Train a locally connected layer (every position its own filter and bias, see
 * `trainLocallyConnected`) `steps` SGD steps; reply `untiedProgress` after every `reportEvery`
 * steps and `untiedDone` at the end. Superseded and cancelled like `train`.
 */
export interface TrainUntiedRequestMessage {
  readonly type: "trainUntied";
  readonly runId: number;
  /** As for `train`; default `"trainUntied"`. */
  readonly lane?: string;
  readonly problem: TrainProblem;
  /** The starting filters (tiled, see `LocalParams`) and biases. */
  readonly params: { readonly weights: Grid; readonly biases: Grid };
  readonly learningRate: number;
  /** Whole number ≥ 0. */
  readonly steps: number;
  /** Whole number ≥ 1: steps between two `untiedProgress` replies. */
  readonly reportEvery: number;
}

/** Compare the summed gradient with finite differences of the loss; reply `gradientCheck`. */
export interface GradientCheckRequestMessage {
  readonly type: "gradientCheck";
  readonly runId: number;
  readonly problem: TrainProblem;
  readonly params: { readonly kernel: Grid; readonly bias: number };
  /** The finite-difference step, > 0. */
  readonly epsilon: number;
  readonly scheme: DifferenceScheme;
}

/**
 * Compute the gradient under both reductions and one SGD update with each (the sum with
 * learningRate / N, the mean with learningRate); reply `reductions`.
 */
export interface ReductionsRequestMessage {
  readonly type: "reductions";
  readonly runId: number;
  readonly image: Grid;
  readonly kernel: Grid;
  readonly bias: number;
  readonly target: Grid;
  readonly options: ConvOptions;
  /** η: the mean's step; the sum's is η / N. */
  readonly learningRate: number;
}

/**
 * Stop the training run `runId` (of any lane, if it is still running); it then replies `done`
 * (or `untiedDone`) with `cancelled`.
 */
export interface CancelRequestMessage {
  readonly type: "cancel";
  readonly runId: number;
}

/**
 * Are you alive? The worker answers `pong` at once (between training chunks at the latest):
 * the client's watchdog replaces a worker that stops answering, e.g. one that was closed.
 */
export interface PingRequestMessage {
  readonly type: "ping";
  readonly runId: number;
}

/** Every message the worker accepts. */
export type EngineRequest =
  | SweepRequestMessage
  | TrainRequestMessage
  | TrainUntiedRequestMessage
  | GradientCheckRequestMessage
  | ReductionsRequestMessage
  | CancelRequestMessage
  | PingRequestMessage;

// ── Replies: worker → main thread ──────────────────────────────────────────────────────────

/**
 * The result of a `sweep` request: the engine's `Sweep`, with `records` transferred.
 *
 * Buffer layout (the engine's, see `Sweep` in src/engine/sweep.ts; read it with the engine's
 * `RECORD_OUT`, `RECORD_DELTA`, `RECORD_KERNEL_GRAD` and `recordInputGradOffset(K)`): `outHeight · outWidth` records in
 * row-major position order (p = row · outWidth + col), each `recordLength = 2 + 2K` numbers
 * for a kernel of K cells (20 for 3x3), record p at `records[p · recordLength …]`:
 * - `[RECORD_OUT]` (0): the output value at the position,
 * - `[RECORD_DELTA]` (1): delta = ∂L/∂out there,
 * - `[RECORD_KERNEL_GRAD … + K)` (2 …): the kernel-gradient terms, delta · the input cells
 *   the kernel saw (0 over padding), kernel-shaped, row-major,
 * - `[recordInputGradOffset(K) … + K)` (2 + K …): the input-gradient patch, delta · kernel,
 *   its tap (a, b) landing on input cell (row·stride − padding + a·dilation,
 *   col·stride − padding + b·dilation); taps in the padding are dropped when summing.
 * The bytes are exactly those of `computeSweep(...).records`.
 */
export interface SweepReply {
  readonly type: "sweep";
  readonly runId: number;
  readonly inputHeight: number;
  readonly inputWidth: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly options: ResolvedConvOptions;
  readonly reduction: Reduction;
  readonly recordLength: number;
  /** One transferred buffer holding every record, laid out as described above. */
  readonly records: Float64Array;
  /** The loss of the whole sweep (before any update). */
  readonly loss: number;
}

/** Sent after every `reportEvery` completed steps of a training run. */
export interface ProgressReply {
  readonly type: "progress";
  readonly runId: number;
  /** Steps completed so far in this run. */
  readonly step: number;
  /** The loss of the latest completed step (measured before its update). */
  readonly loss: number;
  /** The kernel after the latest step (transferred copy). */
  readonly kernel: Grid;
  readonly bias: number;
  /** The losses of the steps since the previous report, in order (transferred). */
  readonly losses: Float64Array;
}

/** The end of a training run: finished, diverged, cancelled or superseded. */
export interface DoneReply {
  readonly type: "done";
  readonly runId: number;
  /** Steps completed in this run. */
  readonly steps: number;
  /** The parameters after the last step that kept every value finite. */
  readonly kernel: Grid;
  readonly bias: number;
  /** True when a step produced a non-finite value; training stopped there. */
  readonly diverged: boolean;
  /** True when a `cancel` or a newer `train` stopped the run early. */
  readonly cancelled: boolean;
  /** The losses of the completed steps not yet sent in a `progress` (transferred). */
  readonly losses: Float64Array;
}

/** Sent after every `reportEvery` completed steps of an untied training run. */
export interface UntiedProgressReply {
  readonly type: "untiedProgress";
  readonly runId: number;
  /** Steps completed so far in this run. */
  readonly step: number;
  /** The loss of the latest completed step (measured before its update). */
  readonly loss: number;
  /** The filters and biases after the latest step (transferred copies). */
  readonly weights: Grid;
  readonly biases: Grid;
  /** The losses of the steps since the previous report, in order (transferred). */
  readonly losses: Float64Array;
}

/** The end of an untied training run: finished, diverged, cancelled or superseded. */
export interface UntiedDoneReply {
  readonly type: "untiedDone";
  readonly runId: number;
  /** Steps completed in this run. */
  readonly steps: number;
  /** The parameters after the last step that kept every value finite (transferred). */
  readonly weights: Grid;
  readonly biases: Grid;
  readonly diverged: boolean;
  readonly cancelled: boolean;
  /** The losses of the completed steps not yet sent in an `untiedProgress` (transferred). */
  readonly losses: Float64Array;
}

/** The engine's `GradientCheck` (its grids transferred). */
export interface GradientCheckReply {
  readonly type: "gradientCheck";
  readonly runId: number;
  readonly check: GradientCheck;
}

/** The loss, gradient and one update under one reduction. */
export interface ReductionResult {
  readonly loss: number;
  /** ∂L/∂kernel: conv2dBackward's, for this reduction's outputGrad. */
  readonly kernelGrad: Grid;
  readonly biasGrad: number;
  /** The learning rate of the update below. */
  readonly learningRate: number;
  /** kernel − learningRate · kernelGrad, bias − learningRate · biasGrad. */
  readonly kernelAfter: Grid;
  readonly biasAfter: number;
}

/** The same problem under both reductions. */
export interface ReductionComparison {
  /** N: the number of output positions the mean divides by. */
  readonly positions: number;
  /** With the sum's update taken at learningRate / N. */
  readonly sum: ReductionResult;
  /** With the mean's update taken at learningRate. */
  readonly mean: ReductionResult;
}

/** The result of a `reductions` request (its grids transferred). */
export interface ReductionsReply {
  readonly type: "reductions";
  readonly runId: number;
  readonly comparison: ReductionComparison;
}

/** A request that could not be carried out; `message` is meant for a person to read. */
export interface ErrorReply {
  readonly type: "error";
  /** The request's runId, or -1 when the request had no usable one. */
  readonly runId: number;
  /** The type of the failed request, when it had a known one. */
  readonly request: EngineRequest["type"] | null;
  readonly message: string;
}

/** The answer to a `ping`, with its runId. */
export interface PongReply {
  readonly type: "pong";
  readonly runId: number;
}

/** Every message the worker sends. */
export type EngineReply =
  | SweepReply
  | ProgressReply
  | DoneReply
  | UntiedProgressReply
  | UntiedDoneReply
  | GradientCheckReply
  | ReductionsReply
  | PongReply
  | ErrorReply;

/** Posts a message with the buffers to transfer (worker's `postMessage`, or a direct call). */
export type Post<M> = (message: M, transfer: Transferable[]) => void;

/** Throws at compile time when a switch over a union misses a case. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
