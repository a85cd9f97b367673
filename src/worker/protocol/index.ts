/**
 * The messages between the main thread and the engine worker, imported by both sides.
 * One discriminated union per direction (`type`), every message carrying the `runId` of the
 * request it belongs to, so the client can drop replies of runs it no longer wants.
 *
 * Every request is `{ problem, params }` and the settings of its kind; every reply carries
 * the engine's own result type (`sweep: Sweep`, `check: GradientCheck`, a training run's
 * `Params` or `LocalParams`), so nothing here re-lists an engine type's fields.
 *
 * Grids cross as `{ height, width, data: Float64Array }` with `data` in the transfer list:
 * the sender's buffer is detached afterwards, so a sender that still needs a grid posts a
 * copy (the client copies the caller's grids; the handler copies the parameters it keeps
 * training).
 */
import type {
  ConvOptions,
  DifferenceScheme,
  GradientCheck,
  Grid,
  LocalParams,
  Params,
  Reduction,
  ReductionComparison,
  Sweep,
} from "../../engine";
import type { NetworkReply, NetworkRequest } from "../network/protocol";

// ── Requests: main thread → worker ─────────────────────────────────────────────────────────

/** What the engine computes on: the engine's `Problem`, with the app's word for its input. */
export interface ProblemMessage {
  /** The input image (the engine's `input`). */
  readonly image: Grid;
  /** The target output map (the conv2d output's shape). */
  readonly target: Grid;
  readonly options: ConvOptions;
  readonly reduction: Reduction;
  /**
   * A δ = ∂L/∂out given directly (painted), the output's shape: sweeps and gradient checks
   * then use the loss Σ δ·out instead of the target's (see the engine's computeSweep).
   */
  readonly outputGrad?: Grid | null;
}

/** Run one sweep (forward, loss gradient, every position's contribution); reply `sweep`. */
export interface SweepRequestMessage {
  readonly type: "sweep";
  readonly runId: number;
  readonly problem: ProblemMessage;
  readonly params: Params;
}

/** How long a training run goes and how often it reports. */
export interface Schedule {
  readonly learningRate: number;
  /** Whole number ≥ 0. */
  readonly steps: number;
  /** Whole number ≥ 1: steps between two progress replies. */
  readonly reportEvery: number;
}

/**
 * Train the parameters `P` for `steps` SGD steps, reporting after every `reportEvery` steps
 * and once at the end. A newer training request of the same lane, or a `cancel` with this
 * runId, stops the run at its next chunk boundary.
 */
export interface TrainingRequestMessage<T extends string, P> extends Schedule {
  readonly type: T;
  readonly runId: number;
  /**
   * Which runs this one supersedes: a training run keeps going until a newer one of the same
   * lane arrives (or its cancel). Default: the request's type.
   */
  readonly lane?: string;
  readonly problem: ProblemMessage;
  /** The starting parameters. */
  readonly params: P;
}

/** Train the shared filter; replies `progress`, then `done`. */
export type TrainRequestMessage = TrainingRequestMessage<"train", Params>;

/**
 * Train a locally connected layer (every position its own filter and bias, see
 * `trainLocallyConnected`); replies `untiedProgress`, then `untiedDone`.
 */
export type TrainUntiedRequestMessage = TrainingRequestMessage<"trainUntied", LocalParams>;

/** Compare the summed gradient with finite differences of the loss; reply `gradientCheck`. */
export interface GradientCheckRequestMessage {
  readonly type: "gradientCheck";
  readonly runId: number;
  readonly problem: ProblemMessage;
  readonly params: Params;
  /** The finite-difference step, > 0. */
  readonly epsilon: number;
  readonly scheme: DifferenceScheme;
}

/** The engine's `compareReductions` (both reductions, so the problem names none); reply `reductions`. */
export interface ReductionsRequestMessage {
  readonly type: "reductions";
  readonly runId: number;
  readonly problem: Omit<ProblemMessage, "reduction">;
  readonly params: Params;
  /** η: the mean's step; the sum's is η / N. */
  readonly learningRate: number;
}

/**
 * Stop the training run `runId` (of any lane, if it is still running); it then replies its
 * final message with `cancelled`.
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
  | PingRequestMessage
  | NetworkRequest;

// ── Replies: worker → main thread ──────────────────────────────────────────────────────────

/**
 * The engine's `Sweep` (its records laid out as documented on `Sweep` in src/engine/sweep.ts;
 * the bytes are exactly those of `computeSweep(...).records`), the records buffer transferred.
 */
export interface SweepReply {
  readonly type: "sweep";
  readonly runId: number;
  readonly sweep: Sweep;
}

/** A training run's report after every `reportEvery` completed steps, with its parameters `P`. */
export type TrainingProgress<P> = P & {
  /** Steps completed so far in this run. */
  readonly step: number;
  /** The loss of the latest completed step (measured before its update). */
  readonly loss: number;
  /** The losses of the steps since the previous report, in order. */
  readonly losses: Float64Array;
};

/**
 * The end of a training run (finished, diverged, cancelled or superseded), with the
 * parameters `P` after the last step that kept every value finite.
 */
export type TrainingEnd<P> = P & {
  /** Steps completed in this run. */
  readonly steps: number;
  /** True when a step produced a non-finite value; training stopped there. */
  readonly diverged: boolean;
  /** True when a `cancel` or a newer run of its lane stopped the run early. */
  readonly cancelled: boolean;
  /** The losses of the completed steps not yet sent in a report. */
  readonly losses: Float64Array;
};

/** A reply of one run, of type `T`, carrying `body`. */
type Reply<T extends string, Body> = Body & { readonly type: T; readonly runId: number };

/** Shared training's report: the kernel reached and the losses since (both transferred). */
export type ProgressReply = Reply<"progress", TrainingProgress<Params>>;
/** Shared training's end (kernel and losses transferred). */
export type DoneReply = Reply<"done", TrainingEnd<Params>>;
/** Untied training's report: the filters and biases reached and the losses since (transferred). */
export type UntiedProgressReply = Reply<"untiedProgress", TrainingProgress<LocalParams>>;
/** Untied training's end (filters, biases and losses transferred). */
export type UntiedDoneReply = Reply<"untiedDone", TrainingEnd<LocalParams>>;

/** The engine's `GradientCheck` (its grids transferred). */
export interface GradientCheckReply {
  readonly type: "gradientCheck";
  readonly runId: number;
  readonly check: GradientCheck;
}

/** The engine's `ReductionComparison` (its grids transferred). */
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
  | ErrorReply
  | NetworkReply;

/**
 * The worker's first message, once it has loaded: `locked` says whether it holds the Web Lock
 * named after it for as long as it lives (the watchdog asks for that lock to tell a busy
 * worker from a dead one). The transport reads it; it never reaches a run.
 */
export interface ReadyMessage {
  readonly type: "ready";
  readonly locked: boolean;
}

/** Every message a worker posts: the replies, and its `ready`. */
export type WorkerMessage = EngineReply | ReadyMessage;

/** Posts a message with the buffers to transfer (worker's `postMessage`, or a direct call). */
export type Post<M> = (message: M, transfer: Transferable[]) => void;

/** Throws at compile time when a switch over a union misses a case. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
