/**
 * The request table: one entry per kind of request a lane can make. An entry says how the
 * caller's request becomes a message (and which buffers it transfers), which replies end it
 * and what they resolve to, and what its progress reports look like. A lane's methods are
 * made from this table, so a new kind of request is one protocol entry, one handler entry and
 * one entry here.
 *
 * A caller's request is the message's parts side by side (`ProblemMessage & Params & …`), so
 * it is one shape with the message, not a copy of it.
 */
import type {
  DifferenceScheme,
  GradientCheck,
  LocalParams,
  Params,
  ReductionComparison,
  Sweep,
} from "../../engine";
import { importOnnxModel, predictNetwork, sweepNetwork, trainNetwork } from "../network/requests";
import type {
  EngineReply,
  ProblemMessage,
  Schedule,
  SweepRequestMessage,
  TrainingEnd,
  TrainingProgress,
} from "../protocol";
import { type Cross, crossFields, paramsPart, problemPart } from "./crossing";
import type { RequestBody, RequestKind } from "./requestKind";
import { trainingKind } from "./trainingRequests";

/** What a sweep is computed from. */
export type SweepRequest = ProblemMessage & Params;
/** Sweeps of several problems with one filter: a batch. */
export type SweepBatchRequest = Params & { readonly problems: readonly ProblemMessage[] };
/** A training run of the shared filter: the problem, the starting parameters and the schedule. */
export type TrainRequest = ProblemMessage & Params & Schedule;
/** A report of a shared training run. */
export type TrainProgress = TrainingProgress<Params>;
/** How a shared training run ended (`cancelled`: the lane's stop() ended it early). */
export type TrainOutcome = TrainingEnd<Params>;
/**
 * Training a locally connected layer (every position its own filter and bias; see the
 * engine's `trainLocallyConnected` and `untie`).
 */
export type UntiedTrainRequest = ProblemMessage & LocalParams & Schedule;
/** A report of an untied training run. */
export type UntiedTrainProgress = TrainingProgress<LocalParams>;
/** How an untied training run ended. */
export type UntiedTrainOutcome = TrainingEnd<LocalParams>;
/** A gradient check of the shared filter (see the engine's gradientCheck); scheme default "central". */
export type GradientCheckRequest = ProblemMessage &
  Params & { readonly epsilon: number; readonly scheme?: DifferenceScheme };
/** The gradient under both reductions, and one update with each (sum at η/N, mean at η). */
export type ReductionsRequest = Omit<ProblemMessage, "reduction"> &
  Params & { readonly learningRate: number };

function sweepMessage(problem: ProblemMessage, params: Params, cross: Cross) {
  return {
    type: "sweep",
    problem: problemPart(problem, cross),
    params: paramsPart(params, cross),
  } satisfies Omit<SweepRequestMessage, "runId">;
}

/** A kind answered by one reply of type `type`. */
function oneShot<Q, R, T extends EngineReply["type"]>(
  noun: string,
  type: T,
  encode: (request: Q, cross: Cross) => RequestBody,
  decode: (reply: Extract<EngineReply, { type: T }>) => R,
): RequestKind<Q, R> {
  return {
    noun,
    start: (request) => ({
      encode: (cross) => encode(request, cross),
      receive: (reply) =>
        reply.type === type ? { done: decode(reply as Extract<EngineReply, { type: T }>) } : null,
    }),
  };
}

/**
 * A sweep of each problem, one after another, as one run of its lane: a newer request on the
 * lane supersedes the whole batch. Resolves to the sweeps in order. (Made of `sweep`
 * messages, so it has no protocol or handler entry of its own.)
 */
const sweepBatch: RequestKind<SweepBatchRequest, Sweep[]> = {
  noun: "batch of sweeps",
  start(request) {
    const sweeps: Sweep[] = [];
    return {
      encode: (cross) =>
        sweepMessage(request.problems[sweeps.length] as ProblemMessage, request, cross),
      receive(reply) {
        if (reply.type !== "sweep") return null;
        sweeps.push(reply.sweep);
        return sweeps.length < request.problems.length ? "next" : { done: sweeps };
      },
    };
  },
};

/** Every kind of request, by the name of the lane's method that makes it. */
export const REQUESTS = {
  /** One sweep: resolves to the engine's Sweep (records = the transferred buffer). */
  sweep: oneShot<SweepRequest, Sweep, "sweep">(
    "sweep",
    "sweep",
    (r, cross) => sweepMessage(r, r, cross),
    (reply) => reply.sweep,
  ),
  /** Sweeps of several problems with one filter (see sweepBatch above). */
  sweepBatch,
  /** Trains the shared filter; onProgress is called for this run's reports only. */
  trainShared: trainingKind<Params, "train">({
    noun: "training run",
    type: "train",
    progress: "progress",
    done: "done",
    pick: ({ kernel, bias }) => ({ kernel, bias }),
  }),
  /** Trains a locally connected layer; onProgress is called for this run's reports only. */
  trainUntied: trainingKind<LocalParams, "trainUntied">({
    noun: "untied training run",
    type: "trainUntied",
    progress: "untiedProgress",
    done: "untiedDone",
    pick: ({ weights, biases }) => ({ weights, biases }),
  }),
  /** The summed gradient beside finite differences of the loss. */
  gradientCheck: oneShot<GradientCheckRequest, GradientCheck, "gradientCheck">(
    "gradient check",
    "gradientCheck",
    (r, cross) => ({
      type: "gradientCheck",
      problem: problemPart(r, cross),
      params: paramsPart(r, cross),
      epsilon: r.epsilon,
      scheme: r.scheme ?? "central",
    }),
    (reply) => reply.check,
  ),
  /** The gradient and one update under each reduction (the engine's compareReductions). */
  compareReductions: oneShot<ReductionsRequest, ReductionComparison, "reductions">(
    "comparison of reductions",
    "reductions",
    (r, cross) => ({
      type: "reductions",
      problem: crossFields({ image: r.image, target: r.target, options: r.options }, cross),
      params: paramsPart(r, cross),
      learningRate: r.learningRate,
    }),
    (reply) => reply.comparison,
  ),
  /** Trains the real network (network/protocol.ts); onProgress gets this run's reports. */
  trainNetwork,
  /** The real network's ten probabilities for a drawn digit. */
  predictNetwork,
  /** One filter's sweep inside the real network, and the next batch step seen from it. */
  sweepNetwork,
  /** An ONNX model's layers and weights, read in the worker. */
  importOnnxModel,
};

/** The table's kinds by method name. */
export type Requests = typeof REQUESTS;
