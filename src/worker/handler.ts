/**
 * The engine's request handler: takes requests (see protocol.ts), runs the engine, posts
 * replies through a callback. It knows nothing of Workers, so unit tests drive it directly and
 * the client runs the same code in-process when Workers are unavailable.
 */
import { cloneGrid, computeSweep, type Grid, type Problem, train } from "../engine";
import {
  assertNever,
  type CancelRequestMessage,
  type EngineReply,
  type EngineRequest,
  type Post,
  type SweepRequestMessage,
  type TrainRequestMessage,
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

const REQUEST_TYPES: readonly EngineRequest["type"][] = ["sweep", "train", "cancel"];

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

/**
 * Handles one request at a time as they arrive. Sweeps run to completion at once; training
 * runs in chunks with a yield between them, and stops at the next chunk boundary when a
 * `cancel` for it or a newer `train` arrives (it then replies `done` with `cancelled`).
 * Every failure, including a malformed request, becomes an `error` reply; nothing throws.
 */
export class EngineHandler {
  readonly #post: Post<EngineReply>;
  readonly #yield: YieldToEvents;
  readonly #chunkWork: number;
  /** The runId of the training run allowed to continue, if any. */
  #activeTrain: number | null = null;

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
          `unknown request type ${describe(message.type)}; expected "sweep", "train" or "cancel"`,
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
          await this.#train(request);
          return;
        case "cancel":
          this.#cancel(request);
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
    if (this.#activeTrain === request.runId) this.#activeTrain = null;
  }

  async #train(request: TrainRequestMessage): Promise<void> {
    const { runId } = request;
    // A newer train supersedes the running one even when it turns out to be malformed.
    this.#activeTrain = runId;
    try {
      await this.#trainRun(request);
    } finally {
      if (this.#activeTrain === runId) this.#activeTrain = null;
    }
  }

  async #trainRun(request: TrainRequestMessage): Promise<void> {
    const { runId, learningRate, steps, reportEvery } = request;
    if (!isObject(request.problem)) {
      throw new BadRequest(
        `problem must be an object {image, target, options, reduction}; got ${describe(request.problem)}`,
      );
    }
    if (!isObject(request.params)) {
      throw new BadRequest(
        `params must be an object {kernel, bias}; got ${describe(request.params)}`,
      );
    }
    if (!isWholeNumber(steps, 0)) {
      throw new BadRequest(`steps must be a whole number ≥ 0; got ${describe(steps)}`);
    }
    if (!isWholeNumber(reportEvery, 1)) {
      throw new BadRequest(`reportEvery must be a whole number ≥ 1; got ${describe(reportEvery)}`);
    }
    const problem: Problem = {
      input: request.problem.image,
      target: request.problem.target,
      options: request.problem.options,
      reduction: request.problem.reduction,
    };
    let kernel: Grid = request.params.kernel;
    let bias = request.params.bias;
    // Zero steps checks every argument and throws the engine's RangeError for a bad one.
    train(problem, { kernel, bias }, learningRate, 0);

    const workPerStep = problem.target.data.length * kernel.data.length;
    const chunkSteps = Math.max(1, Math.floor(this.#chunkWork / workPerStep));
    let done = 0;
    let pending = new Float64Array(Math.min(reportEvery, steps));
    let filled = 0;
    let diverged = false;
    let cancelled = false;
    while (done < steps) {
      if (this.#activeTrain !== runId) {
        cancelled = true;
        break;
      }
      const chunk = train(
        problem,
        { kernel, bias },
        learningRate,
        Math.min(pending.length - filled, chunkSteps),
      );
      pending.set(chunk.losses, filled);
      filled += chunk.losses.length;
      done += chunk.losses.length;
      kernel = chunk.params.kernel;
      bias = chunk.params.bias;
      if (chunk.diverged) {
        diverged = true;
        break;
      }
      // Reports fall on multiples of reportEvery; a shorter last stretch goes with `done`.
      if (filled === reportEvery) {
        // A copy: `kernel` is still needed by the next chunk, and transferring detaches it.
        const reported = cloneGrid(kernel);
        this.#post(
          {
            type: "progress",
            runId,
            step: done,
            loss: pending[filled - 1] as number,
            kernel: reported,
            bias,
            losses: pending,
          },
          [bufferOf(reported.data), bufferOf(pending)],
        );
        pending = new Float64Array(Math.min(reportEvery, steps - done));
        filled = 0;
      }
      if (done < steps) await this.#yield();
    }
    const final = cloneGrid(kernel);
    const tail = pending.slice(0, filled);
    this.#post(
      {
        type: "done",
        runId,
        steps: done,
        kernel: final,
        bias,
        diverged,
        cancelled,
        losses: tail,
      },
      [bufferOf(final.data), bufferOf(tail)],
    );
  }
}
