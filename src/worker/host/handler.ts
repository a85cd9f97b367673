/**
 * The engine's request handler: takes requests (see ../protocol), runs the engine, posts
 * replies through a callback. It knows nothing of Workers, so unit tests drive it directly and
 * the client runs the same code in-process when Workers are unavailable.
 */
import { computeSweep, errorText } from "../../engine";
import { loadCode } from "../../engine/loadCode";
import type { DigitsLoader, ImagesLoader, NetworkContext } from "../network/handler";
import type { ShareWorkerFactory } from "../network/shares";
import type { EngineReply, EngineRequest, Post } from "../protocol";
import {
  BadRequest,
  bufferOf,
  describe,
  isObject,
  isWholeNumber,
  laneOf,
  listOf,
  paramsOf,
  problemOf,
  reducedProblemOf,
} from "./requestChecks";
import { runTraining, TRAINING_KINDS, type TrainingContext } from "./training";
import { createYield, type YieldToEvents } from "./yield";

/** Options of an EngineHandler; the defaults suit the worker. */
export interface HandlerOptions {
  /** Runs between training chunks so a `cancel` or a newer request is seen. */
  yieldToEvents?: YieldToEvents;
  /**
   * Most multiply-adds (output cells · kernel cells · steps) in one training chunk, bounding
   * how long a cancel or a sweep waits behind training. Default 2²¹, about 1–2 ms.
   */
  chunkWork?: number;
  /** Loads the digits asset of the network's requests (default: fetch and parse it). */
  loadDigits?: DigitsLoader;
  /** Loads a person's stored images by id (default: from this browser's IndexedDB). */
  loadImages?: ImagesLoader;
  /** Makes a helper worker for data-parallel training (none: the run uses this thread alone). */
  shareWorker?: ShareWorkerFactory;
}

const DEFAULT_CHUNK_WORK = 2 ** 21;

/** A handler for each type of request (its own request type as its argument). */
type Handlers = {
  readonly [T in EngineRequest["type"]]: (
    request: Extract<EngineRequest, { type: T }>,
  ) => Promise<void> | void;
};

const KERNEL_AND_BIAS = "{kernel, bias}";

/**
 * Handles requests as they arrive. Sweeps, gradient checks and reduction comparisons run to
 * completion at once; training runs in chunks with a yield between them, so several runs of
 * different lanes interleave, and a run stops at its next chunk boundary when a `cancel` for it
 * or a newer training request of its lane arrives (it then replies its end with `cancelled`).
 * Every failure, including a malformed request, becomes an `error` reply; nothing throws.
 */

export class EngineHandler {
  readonly #post: Post<EngineReply>;
  readonly #context: TrainingContext;
  readonly #loadDigits: DigitsLoader | undefined;
  readonly #loadImages: ImagesLoader | undefined;
  readonly #shareWorker: ShareWorkerFactory | undefined;
  /** The network's code and context, imported on its first request (out of the worker's entry). */
  #network: Promise<{
    module: typeof import("../network/handler");
    context: NetworkContext;
  }> | null = null;
  /** For each lane, the runId of the training run allowed to continue. */
  readonly #active = new Map<string, number>();

  constructor(post: Post<EngineReply>, options: HandlerOptions = {}) {
    this.#post = post;
    this.#context = {
      post,
      yieldToEvents: options.yieldToEvents ?? createYield(),
      chunkWork: options.chunkWork ?? DEFAULT_CHUNK_WORK,
      isLive: (lane, runId) => this.#active.get(lane) === runId,
    };
    this.#loadDigits = options.loadDigits;
    this.#loadImages = options.loadImages;
    this.#shareWorker = options.shareWorker;
  }

  /** Handles a request; the promise settles when its last reply has been posted. Never rejects. */
  async handle(message: unknown): Promise<void> {
    const runId = isObject(message) && isWholeNumber(message.runId, 0) ? message.runId : -1;
    const type =
      isObject(message) &&
      typeof message.type === "string" &&
      Object.hasOwn(this.#handlers, message.type)
        ? (message.type as EngineRequest["type"])
        : null;
    try {
      if (!isObject(message)) {
        throw new BadRequest(`a request must be an object with a "type"; got ${describe(message)}`);
      }
      if (type === null) {
        throw new BadRequest(
          `unknown request type ${describe(message.type)}; expected ${listOf(Object.keys(this.#handlers))}`,
        );
      }
      if (runId === -1) {
        throw new BadRequest(`runId must be a whole number ≥ 0; got ${describe(message.runId)}`);
      }
      const request = message as unknown as EngineRequest;
      await (this.#handlers[request.type] as (request: EngineRequest) => unknown)(request);
    } catch (error) {
      this.#post(
        {
          type: "error",
          runId,
          request: type,
          message: errorText(error),
        },
        [],
      );
    }
  }

  /**
   * How each kind of request is carried out, by its type: the one list of the kinds the worker
   * accepts. The compiler checks it against the protocol's union (a kind missing here, or here
   * and not there, is a type error).
   */
  readonly #handlers: Handlers = {
    sweep: (request) => {
      const { runId } = request;
      const problem = reducedProblemOf(request.problem);
      const { kernel, bias } = paramsOf(request.params, KERNEL_AND_BIAS);
      const { input, target, options, reduction } = problem;
      const outputGrad = request.problem.outputGrad ?? null;
      const sweep = computeSweep(input, kernel, bias, target, options, reduction, outputGrad);
      this.#post({ type: "sweep", runId, sweep }, [bufferOf(sweep.records)]);
    },
    train: async (request) => {
      const { runId } = request;
      const lane = laneOf(request, request.type);
      await this.#training(lane, runId, () =>
        runTraining(TRAINING_KINDS.train, request, lane, this.#context),
      );
    },
    trainUntied: async (request) => {
      const { runId } = request;
      const lane = laneOf(request, request.type);
      await this.#training(lane, runId, () =>
        runTraining(TRAINING_KINDS.trainUntied, request, lane, this.#context),
      );
    },
    gradientCheck: async (request) => {
      const { runId } = request;
      const problem = reducedProblemOf(request.problem);
      const { kernel, bias } = paramsOf(request.params, KERNEL_AND_BIAS);
      const { epsilon, scheme } = request;
      const outputGrad = request.problem.outputGrad ?? null;
      // The views' requests load their maths on first use: the worker starts with the sweep.
      const { gradientCheck } = await loadCode(
        "The gradient check's code",
        () => import("../../engine/gradientCheck"),
      );
      const check = gradientCheck(problem, { kernel, bias }, epsilon, scheme, outputGrad);
      this.#post({ type: "gradientCheck", runId, check }, [
        bufferOf(check.kernelGrad.data),
        bufferOf(check.numericKernelGrad.data),
        bufferOf(check.kernelRelativeError.data),
      ]);
    },
    reductions: async (request) => {
      const { runId } = request;
      const problem = problemOf(request.problem);
      const { kernel, bias } = paramsOf(request.params, KERNEL_AND_BIAS);
      const { compareReductions } = await loadCode(
        "The comparison of sum and mean's code",
        () => import("../../engine/reductions"),
      );
      const comparison = compareReductions(problem, { kernel, bias }, request.learningRate);
      const { sum, mean } = comparison;
      this.#post({ type: "reductions", runId, comparison }, [
        bufferOf(sum.kernelGrad.data),
        bufferOf(sum.kernelAfter.data),
        bufferOf(mean.kernelGrad.data),
        bufferOf(mean.kernelAfter.data),
      ]);
    },
    cancel: (request) => {
      const { runId } = request;
      for (const [lane, live] of this.#active) {
        if (live === runId) this.#active.delete(lane);
      }
    },
    ping: (request) => {
      const { runId } = request;
      this.#post({ type: "pong", runId }, []);
    },
    networkTrain: async (request) => {
      const { runId } = request;
      const lane = laneOf(request, request.type);
      await this.#training(lane, runId, async () => {
        const { module, context } = await this.#networkCode();
        await module.runNetworkTraining(request, lane, context);
      });
    },
    networkPredict: async (request) => {
      const { module } = await this.#networkCode();
      module.networkPredict(request, this.#post);
    },
    networkSweep: async (request) => {
      const { module, context } = await this.#networkCode();
      await module.networkSweep(request, context);
    },
    networkImportOnnx: async (request) => {
      const { module } = await this.#networkCode();
      module.networkImportOnnx(request, this.#post);
    },
  };

  /** The real network's code (a chunk of its own) and its context, loaded once. */
  #networkCode() {
    this.#network ??= loadCode("The real network's code", () => import("../network/handler")).then(
      (module) => ({
        module,
        context: {
          ...this.#context,
          data: module.dataCache(
            this.#loadDigits ?? module.fetchDigits,
            this.#loadImages ?? module.storedImages,
          ),
          shareWorker: this.#shareWorker,
        },
      }),
      (error: unknown) => {
        // Not kept: the next request fetches the code anew (once the connection is back).
        this.#network = null;
        throw error;
      },
    );
    return this.#network;
  }

  /** Makes `runId` the live run of its lane while `run` runs. */
  async #training(lane: string, runId: number, run: () => Promise<void>): Promise<void> {
    // A newer run supersedes the lane's running one even when it turns out to be malformed.
    this.#active.set(lane, runId);
    try {
      await run();
    } finally {
      if (this.#active.get(lane) === runId) this.#active.delete(lane);
    }
  }
}
