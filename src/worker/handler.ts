/**
 * The engine's request handler: takes requests (see protocol.ts), runs the engine, posts
 * replies through a callback. It knows nothing of Workers, so unit tests drive it directly and
 * the client runs the same code in-process when Workers are unavailable.
 */
import {
  checkLearningRate,
  cloneGrid,
  computeSweep,
  conv2d,
  conv2dBackward,
  gradientCheck,
  type LocalParams,
  type Params,
  type Problem,
  type Reduction,
  sgdUpdate,
  squaredErrorGrad,
  squaredErrorLoss,
  train,
  trainLocallyConnected,
} from "../engine";
import {
  assertNever,
  type CancelRequestMessage,
  type EngineReply,
  type EngineRequest,
  type GradientCheckRequestMessage,
  type Post,
  type ReductionComparison,
  type ReductionResult,
  type ReductionsRequestMessage,
  type SweepRequestMessage,
  type TrainProblem,
  type TrainRequestMessage,
  type TrainUntiedRequestMessage,
} from "./protocol";

/** Resolves after queued events (incoming messages) have had a chance to run. */
export type YieldToEvents = () => Promise<void>;

/**
 * A yield that costs microseconds, not the 4 ms a nested setTimeout is clamped to: a
 * MessageChannel round trip in browsers and workers, setImmediate in Node (whose open
 * MessagePorts would keep the process alive).
 */
export function createYield(): YieldToEvents {
  if (typeof setImmediate === "function") {
    return () => new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof MessageChannel === "function") {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    // Node's MessagePort keeps the process alive unless unref'd; browsers have no unref.
    (channel.port1 as { unref?: () => void }).unref?.();
    return () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(null);
      });
  }
  return () => new Promise((resolve) => setTimeout(resolve, 0));
}

/** Options of an EngineHandler; the defaults suit the worker. */
export interface HandlerOptions {
  /** Runs between training chunks so a `cancel` or a newer request is seen. */
  yieldToEvents?: YieldToEvents;
  /**
   * Most multiply-adds (output cells · kernel cells · steps) in one training chunk, bounding
   * how long a cancel or a sweep waits behind training. Default 2²¹, about 1–2 ms.
   */
  chunkWork?: number;
}

const DEFAULT_CHUNK_WORK = 2 ** 21;

/** Carries the request's identity with a message meant for a person. */
class BadRequest extends Error {
  override name = "BadRequest";
}

const REQUEST_TYPES: readonly EngineRequest["type"][] = [
  "sweep",
  "train",
  "trainUntied",
  "gradientCheck",
  "reductions",
  "cancel",
  "ping",
];

/** "a", "b" or "c". */
function listOf(names: readonly string[]): string {
  const quoted = names.map((n) => JSON.stringify(n));
  return `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

function describe(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isWholeNumber(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}

/** The buffer to put in a transfer list. The engine only allocates plain ArrayBuffers. */
function bufferOf(array: Float64Array): ArrayBuffer {
  return array.buffer as ArrayBuffer;
}

/** The request's lane, or `fallback` when it names none. */
function laneOf(request: { lane?: unknown }, fallback: string): string {
  const { lane } = request;
  if (lane === undefined) return fallback;
  if (typeof lane !== "string" || lane === "") {
    throw new BadRequest(`lane must be a non-empty string; got ${describe(lane)}`);
  }
  return lane;
}

/** The engine's Problem for a request's problem, which must be an object. */
function problemOf(problem: TrainProblem): Problem {
  if (!isObject(problem)) {
    throw new BadRequest(
      `problem must be an object {image, target, options, reduction}; got ${describe(problem)}`,
    );
  }
  return {
    input: problem.image,
    target: problem.target,
    options: problem.options,
    reduction: problem.reduction,
  };
}

function checkSchedule(steps: unknown, reportEvery: unknown): void {
  if (!isWholeNumber(steps, 0)) {
    throw new BadRequest(`steps must be a whole number ≥ 0; got ${describe(steps)}`);
  }
  if (!isWholeNumber(reportEvery, 1)) {
    throw new BadRequest(`reportEvery must be a whole number ≥ 1; got ${describe(reportEvery)}`);
  }
}

/** What a chunked training run needs to know about its kind of parameters. */
interface Trainer<P> {
  readonly runId: number;
  readonly lane: string;
  readonly steps: number;
  readonly reportEvery: number;
  /** Multiply-adds of one step (output cells · filter cells). */
  readonly workPerStep: number;
  /** The starting parameters. */
  readonly start: P;
  /** `n` steps from `params`. */
  advance(params: P, n: number): { params: P; losses: Float64Array; diverged: boolean };
  /** Posts a progress reply; `params` must be copied before transferring (they train on). */
  report(step: number, loss: number, params: P, losses: Float64Array): void;
  /** Posts the final reply. */
  finish(
    steps: number,
    params: P,
    diverged: boolean,
    cancelled: boolean,
    losses: Float64Array,
  ): void;
}

/**
 * Handles requests as they arrive. Sweeps, gradient checks and reduction comparisons run to
 * completion at once; training runs in chunks with a yield between them, so several runs of
 * different lanes interleave, and a run stops at its next chunk boundary when a `cancel` for it
 * or a newer training request of its lane arrives (it then replies `done`/`untiedDone` with
 * `cancelled`). Every failure, including a malformed request, becomes an `error` reply;
 * nothing throws.
 */
export class EngineHandler {
  readonly #post: Post<EngineReply>;
  readonly #yield: YieldToEvents;
  readonly #chunkWork: number;
  /** For each lane, the runId of the training run allowed to continue. */
  readonly #active = new Map<string, number>();

  constructor(post: Post<EngineReply>, options: HandlerOptions = {}) {
    this.#post = post;
    this.#yield = options.yieldToEvents ?? createYield();
    this.#chunkWork = options.chunkWork ?? DEFAULT_CHUNK_WORK;
  }

  /** Handles a request; the promise settles when its last reply has been posted. Never rejects. */
  async handle(message: unknown): Promise<void> {
    const runId = isObject(message) && isWholeNumber(message.runId, 0) ? message.runId : -1;
    const type =
      isObject(message) && REQUEST_TYPES.includes(message.type as EngineRequest["type"])
        ? (message.type as EngineRequest["type"])
        : null;
    try {
      if (!isObject(message)) {
        throw new BadRequest(`a request must be an object with a "type"; got ${describe(message)}`);
      }
      if (type === null) {
        throw new BadRequest(
          `unknown request type ${describe(message.type)}; expected ${listOf(REQUEST_TYPES)}`,
        );
      }
      if (runId === -1) {
        throw new BadRequest(`runId must be a whole number ≥ 0; got ${describe(message.runId)}`);
      }
      const request = message as unknown as EngineRequest;
      switch (request.type) {
        case "sweep":
          this.#sweep(request);
          return;
        case "train":
          await this.#training(runId, laneOf(request, "train"), () => this.#train(request));
          return;
        case "trainUntied":
          await this.#training(runId, laneOf(request, "trainUntied"), () =>
            this.#trainUntied(request),
          );
          return;
        case "gradientCheck":
          this.#gradientCheck(request);
          return;
        case "reductions":
          this.#reductions(request);
          return;
        case "cancel":
          this.#cancel(request);
          return;
        case "ping":
          this.#post({ type: "pong", runId }, []);
          return;
        default:
          assertNever(request);
      }
    } catch (error) {
      this.#post(
        {
          type: "error",
          runId,
          request: type,
          message: error instanceof Error ? error.message : String(error),
        },
        [],
      );
    }
  }

  #sweep(request: SweepRequestMessage): void {
    const sweep = computeSweep(
      request.image,
      request.kernel,
      request.bias,
      request.target,
      request.options,
      request.reduction,
    );
    this.#post(
      {
        type: "sweep",
        runId: request.runId,
        inputHeight: sweep.inputHeight,
        inputWidth: sweep.inputWidth,
        kernelHeight: sweep.kernelHeight,
        kernelWidth: sweep.kernelWidth,
        outHeight: sweep.outHeight,
        outWidth: sweep.outWidth,
        options: sweep.options,
        reduction: sweep.reduction,
        recordLength: sweep.recordLength,
        records: sweep.records,
        loss: sweep.loss,
      },
      [bufferOf(sweep.records)],
    );
  }

  #cancel(request: CancelRequestMessage): void {
    for (const [lane, runId] of this.#active) {
      if (runId === request.runId) this.#active.delete(lane);
    }
  }

  /** Makes `runId` the live run of its lane while `run` runs. */
  async #training(runId: number, lane: string, run: () => Promise<void>): Promise<void> {
    // A newer run supersedes the lane's running one even when it turns out to be malformed.
    this.#active.set(lane, runId);
    try {
      await run();
    } finally {
      if (this.#active.get(lane) === runId) this.#active.delete(lane);
    }
  }

  async #train(request: TrainRequestMessage): Promise<void> {
    const { runId, learningRate, steps, reportEvery } = request;
    const problem = problemOf(request.problem);
    if (!isObject(request.params)) {
      throw new BadRequest(
        `params must be an object {kernel, bias}; got ${describe(request.params)}`,
      );
    }
    checkSchedule(steps, reportEvery);
    const start: Params = { kernel: request.params.kernel, bias: request.params.bias };
    // Zero steps checks every argument and throws the engine's RangeError for a bad one.
    train(problem, start, learningRate, 0);
    await this.#chunked<Params>({
      runId,
      lane: laneOf(request, "train"),
      steps,
      reportEvery,
      workPerStep: problem.target.data.length * start.kernel.data.length,
      start,
      advance: (params, n) => train(problem, params, learningRate, n),
      report: (step, loss, params, losses) => {
        // A copy: `params` go on training, and transferring detaches.
        const kernel = cloneGrid(params.kernel);
        this.#post({ type: "progress", runId, step, loss, kernel, bias: params.bias, losses }, [
          bufferOf(kernel.data),
          bufferOf(losses),
        ]);
      },
      finish: (done, params, diverged, cancelled, losses) => {
        const kernel = cloneGrid(params.kernel);
        this.#post(
          {
            type: "done",
            runId,
            steps: done,
            kernel,
            bias: params.bias,
            diverged,
            cancelled,
            losses,
          },
          [bufferOf(kernel.data), bufferOf(losses)],
        );
      },
    });
  }

  async #trainUntied(request: TrainUntiedRequestMessage): Promise<void> {
    const { runId, learningRate, steps, reportEvery } = request;
    const problem = problemOf(request.problem);
    if (!isObject(request.params)) {
      throw new BadRequest(
        `params must be an object {weights, biases}; got ${describe(request.params)}`,
      );
    }
    checkSchedule(steps, reportEvery);
    const start: LocalParams = { weights: request.params.weights, biases: request.params.biases };
    trainLocallyConnected(problem, start, learningRate, 0);
    const copies = (params: LocalParams) => {
      const weights = cloneGrid(params.weights);
      const biases = cloneGrid(params.biases);
      return { weights, biases, buffers: [bufferOf(weights.data), bufferOf(biases.data)] };
    };
    await this.#chunked<LocalParams>({
      runId,
      lane: laneOf(request, "trainUntied"),
      steps,
      reportEvery,
      workPerStep: start.weights.data.length,
      start,
      advance: (params, n) => trainLocallyConnected(problem, params, learningRate, n),
      report: (step, loss, params, losses) => {
        const { weights, biases, buffers } = copies(params);
        this.#post({ type: "untiedProgress", runId, step, loss, weights, biases, losses }, [
          ...buffers,
          bufferOf(losses),
        ]);
      },
      finish: (done, params, diverged, cancelled, losses) => {
        const { weights, biases, buffers } = copies(params);
        this.#post(
          {
            type: "untiedDone",
            runId,
            steps: done,
            weights,
            biases,
            diverged,
            cancelled,
            losses,
          },
          [...buffers, bufferOf(losses)],
        );
      },
    });
  }

  /**
   * Runs a training job in chunks of at most `chunkWork` multiply-adds, yielding between
   * chunks; reports fall on multiples of reportEvery, and a shorter last stretch goes with
   * the final reply.
   */
  async #chunked<P>(job: Trainer<P>): Promise<void> {
    const { runId, lane, steps, reportEvery } = job;
    const chunkSteps = Math.max(1, Math.floor(this.#chunkWork / Math.max(1, job.workPerStep)));
    let params = job.start;
    let done = 0;
    let pending = new Float64Array(Math.min(reportEvery, steps));
    let filled = 0;
    let diverged = false;
    let cancelled = false;
    while (done < steps) {
      if (this.#active.get(lane) !== runId) {
        cancelled = true;
        break;
      }
      const chunk = job.advance(params, Math.min(pending.length - filled, chunkSteps));
      pending.set(chunk.losses, filled);
      filled += chunk.losses.length;
      done += chunk.losses.length;
      params = chunk.params;
      if (chunk.diverged) {
        diverged = true;
        break;
      }
      if (filled === reportEvery) {
        job.report(done, pending[filled - 1] as number, params, pending);
        pending = new Float64Array(Math.min(reportEvery, steps - done));
        filled = 0;
      }
      if (done < steps) await this.#yield();
    }
    job.finish(done, params, diverged, cancelled, pending.slice(0, filled));
  }

  #gradientCheck(request: GradientCheckRequestMessage): void {
    const problem = problemOf(request.problem);
    if (!isObject(request.params)) {
      throw new BadRequest(
        `params must be an object {kernel, bias}; got ${describe(request.params)}`,
      );
    }
    const check = gradientCheck(
      problem,
      { kernel: request.params.kernel, bias: request.params.bias },
      request.epsilon,
      request.scheme,
    );
    this.#post({ type: "gradientCheck", runId: request.runId, check }, [
      bufferOf(check.kernelGrad.data),
      bufferOf(check.numericKernelGrad.data),
      bufferOf(check.kernelRelativeError.data),
    ]);
  }

  #reductions(request: ReductionsRequestMessage): void {
    const { image, kernel, bias, target, options, learningRate } = request;
    // conv2d checks image, kernel, bias and options; squaredErrorGrad checks the target.
    const out = conv2d(image, kernel, bias, options);
    checkLearningRate(learningRate);
    const positions = out.height * out.width;
    const under = (reduction: Reduction, rate: number): ReductionResult => {
      const outputGrad = squaredErrorGrad(out, target, reduction);
      const { kernelGrad, biasGrad } = conv2dBackward(image, kernel, outputGrad, options);
      const after = sgdUpdate({ kernel, bias }, kernelGrad, biasGrad, rate);
      return {
        loss: squaredErrorLoss(out, target, reduction),
        kernelGrad,
        biasGrad,
        learningRate: rate,
        kernelAfter: after.kernel,
        biasAfter: after.bias,
      };
    };
    const comparison: ReductionComparison = {
      positions,
      sum: under("sum", learningRate / positions),
      mean: under("mean", learningRate),
    };
    this.#post({ type: "reductions", runId: request.runId, comparison }, [
      bufferOf(comparison.sum.kernelGrad.data),
      bufferOf(comparison.sum.kernelAfter.data),
      bufferOf(comparison.mean.kernelGrad.data),
      bufferOf(comparison.mean.kernelAfter.data),
    ]);
  }
}
