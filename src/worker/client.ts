/**
 * The typed client the state layer calls to run the engine off the main thread. It knows
 * nothing of the store: it returns promises and calls a progress callback.
 *
 * Requests travel in lanes, each with at most one live run: sweep() and train() are the main
 * sweep's and the Train button's lanes, and lane(name) gives a view a lane of its own. A newer
 * request on a lane supersedes the live one (its promise rejects with SupersededError, a
 * training run is stopped in the worker, and any reply that still arrives for it is dropped by
 * runId); other lanes are unaffected. A worker that fails is replaced and the runs it lost are
 * sent again once. Without Workers the same handler runs in-process.
 */
import type {
  ConvOptions,
  DifferenceScheme,
  GradientCheck,
  Grid,
  Reduction,
  Sweep,
} from "../engine";
import { EngineHandler } from "./handler";
import {
  assertNever,
  type DoneReply,
  type EngineReply,
  type EngineRequest,
  type ProgressReply,
  type ReductionComparison,
  type SweepReply,
  type UntiedDoneReply,
  type UntiedProgressReply,
} from "./protocol";

export type { ReductionComparison, ReductionResult } from "./protocol";

/** What a sweep is computed from. */
export interface SweepRequest {
  image: Grid;
  kernel: Grid;
  bias: number;
  target: Grid;
  options: ConvOptions;
  reduction: Reduction;
}

/** A training run: the problem, the starting parameters and the schedule. */
export interface TrainRequest {
  image: Grid;
  target: Grid;
  options: ConvOptions;
  reduction: Reduction;
  /** The starting kernel. */
  kernel: Grid;
  /** The starting bias. */
  bias: number;
  learningRate: number;
  /** Whole number ≥ 0. */
  steps: number;
  /** Whole number ≥ 1: steps between two onProgress calls. */
  reportEvery: number;
}

/** One progress report of a training run. */
export interface TrainProgress {
  /** Steps completed so far. */
  step: number;
  /** The loss of the latest step (before its update). */
  loss: number;
  /** The kernel after the latest step. */
  kernel: Grid;
  bias: number;
  /** The losses of the steps since the last report, in order. */
  losses: Float64Array;
}

/** How a training run ended. */
export interface TrainOutcome {
  /** Steps completed. */
  steps: number;
  /** The kernel after the last step that kept every value finite. */
  kernel: Grid;
  bias: number;
  /** True when a step produced a non-finite value and training stopped there. */
  diverged: boolean;
  /** True when stopTraining() ended the run early. */
  cancelled: boolean;
  /** The losses of the steps not yet reported through onProgress. */
  losses: Float64Array;
}

/**
 * Training a locally connected layer (every position its own filter and bias; see the engine's
 * `trainLocallyConnected` and `untie`): the problem, the starting parameters and the schedule.
 */
export interface UntiedTrainRequest {
  image: Grid;
  target: Grid;
  options: ConvOptions;
  reduction: Reduction;
  /** The starting filters, tiled: position (i, j)'s filter is the block at (i·kH, j·kW). */
  weights: Grid;
  /** The starting biases, one per position (the output's shape). */
  biases: Grid;
  learningRate: number;
  /** Whole number ≥ 0. */
  steps: number;
  /** Whole number ≥ 1: steps between two onProgress calls. */
  reportEvery: number;
}

/** One progress report of an untied training run. */
export interface UntiedTrainProgress {
  /** Steps completed so far. */
  step: number;
  /** The loss of the latest step (before its update). */
  loss: number;
  /** The filters and biases after the latest step. */
  weights: Grid;
  biases: Grid;
  /** The losses of the steps since the last report, in order. */
  losses: Float64Array;
}

/** How an untied training run ended. */
export interface UntiedTrainOutcome {
  /** Steps completed. */
  steps: number;
  /** The filters and biases after the last step that kept every value finite. */
  weights: Grid;
  biases: Grid;
  /** True when a step produced a non-finite value and training stopped there. */
  diverged: boolean;
  /** True when the lane's stop() ended the run early. */
  cancelled: boolean;
  /** The losses of the steps not yet reported through onProgress. */
  losses: Float64Array;
}

/** A gradient check of the shared filter at the given parameters (see the engine's gradientCheck). */
export interface GradientCheckRequest {
  image: Grid;
  kernel: Grid;
  bias: number;
  target: Grid;
  options: ConvOptions;
  reduction: Reduction;
  /** The finite-difference step, > 0. */
  epsilon: number;
  /** Default "central". */
  scheme?: DifferenceScheme;
}

/** The gradient under both reductions, and one update with each (sum at η/N, mean at η). */
export interface ReductionsRequest {
  image: Grid;
  kernel: Grid;
  bias: number;
  target: Grid;
  options: ConvOptions;
  /** η. */
  learningRate: number;
}

/** A request replaced by a newer one of the same lane, or cancelled (or the client disposed). */
export class SupersededError extends Error {
  override name = "SupersededError";
}

/** The engine rejected a request (e.g. mismatched shapes or a NaN); the message says why. */
export class EngineRequestError extends Error {
  override name = "EngineRequestError";
}

/** The engine worker failed twice while running a request, or could not be restarted. */
export class EngineWorkerError extends Error {
  override name = "EngineWorkerError";
}

/**
 * A lane of the client for one view: at most one live request, whatever its kind. A newer
 * request on the lane supersedes the live one (which rejects with SupersededError; a training
 * run is stopped in the worker); other lanes, sweep() and train() are unaffected.
 */
export interface EngineLane {
  /** The name the lane was asked for. */
  readonly name: string;
  /** Trains the shared filter, as train() does, on this lane. */
  trainShared(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<TrainOutcome>;
  /** Trains a locally connected layer; onProgress is called for this run's reports only. */
  trainUntied(
    request: UntiedTrainRequest,
    onProgress: (p: UntiedTrainProgress) => void,
  ): Promise<UntiedTrainOutcome>;
  /** The summed gradient beside finite differences of the loss. */
  gradientCheck(request: GradientCheckRequest): Promise<GradientCheck>;
  /** The gradient and one update under each reduction. */
  compareReductions(request: ReductionsRequest): Promise<ReductionComparison>;
  /** Abandons the live request: it rejects with SupersededError (a training run stops). */
  cancel(): void;
  /**
   * Stops the live training run at its next chunk boundary but keeps what it reached: its
   * promise resolves with `cancelled: true`. Does nothing to other requests.
   */
  stop(): void;
}

/** Runs the engine in a Web Worker (or in-process where there is none). */
export interface EngineClient {
  /**
   * Runs a sweep in the worker; a newer sweep() supersedes this one (its promise rejects with
   * SupersededError and its reply, if any arrives, is dropped). Resolves to the engine's
   * Sweep object rebuilt on the main thread (records = the transferred buffer).
   */
  sweep(request: SweepRequest): Promise<Sweep>;
  /**
   * Trains in the worker; a newer train() or cancelTraining() supersedes it. onProgress is
   * called for each progress message of this run only.
   */
  train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<TrainOutcome>;
  /** Abandons the live training run: its promise rejects with SupersededError. */
  cancelTraining(): void;
  /**
   * Stops the live training run at its next chunk boundary but keeps what it reached: its
   * promise resolves with `cancelled: true` and the parameters of the last completed step.
   */
  stopTraining(): void;
  /**
   * The lane called `name` (a non-empty string; the same name gives the same lane), separate
   * from sweep(), train() and every other lane. Throws RangeError for a bad name.
   */
  lane(name: string): EngineLane;
  /** True when running in a real Worker, false when the in-process fallback is used. */
  readonly usesWorker: boolean;
  /** Ends the worker; live runs reject with SupersededError, later calls with an Error. */
  dispose(): void;
}

/** Options of createEngineClient. */
export interface EngineClientOptions {
  /** Makes the worker (and each replacement after a failure). */
  createWorker?: () => Worker;
  /** Runs the handler on this thread instead of in a worker. */
  inProcess?: boolean;
}

function defaultCreateWorker(): Worker {
  return new Worker(new URL("./engine.worker.ts", import.meta.url), { type: "module" });
}

/** How requests reach a handler: a Worker, or a direct call on this thread. */
interface Transport {
  readonly usesWorker: boolean;
  send(request: EngineRequest, transfer: Transferable[]): void;
  close(): void;
}

/** The client's lanes: sweep() and train() have their own; lane(name) is `view:<name>`. */
const SWEEP_LANE = "sweep";
const TRAIN_LANE = "train";
const viewLane = (name: string) => `view:${name}`;

interface RunBase {
  /** The lane it runs in. */
  readonly lane: string;
  runId: number;
  /** Sends so far (the first try and at most one retry). */
  attempts: number;
  readonly reject: (error: Error) => void;
}

interface SweepRun extends RunBase {
  readonly kind: "sweep";
  /** The client's private copy, kept for a retry. */
  readonly request: SweepRequest;
  readonly resolve: (sweep: Sweep) => void;
}

/** What training runs of both kinds keep to resume after a crash and to be stopped. */
interface TrainingState {
  /** The lane named in the message, so the worker supersedes within it (none: "train"). */
  readonly wireLane: string | undefined;
  /** Steps reported before the current attempt; a retry resumes from there. */
  stepOffset: number;
  /** Steps reported in total (the parameters below are where they reached). */
  reportedSteps: number;
  /** stop() was called: the outcome is wanted, flagged cancelled. */
  stopping: boolean;
}

interface TrainRun extends RunBase, TrainingState {
  readonly kind: "train";
  readonly request: TrainRequest;
  readonly onProgress: (p: TrainProgress) => void;
  readonly resolve: (outcome: TrainOutcome) => void;
  kernel: Grid;
  bias: number;
}

interface UntiedRun extends RunBase, TrainingState {
  readonly kind: "untied";
  readonly request: UntiedTrainRequest;
  readonly onProgress: (p: UntiedTrainProgress) => void;
  readonly resolve: (outcome: UntiedTrainOutcome) => void;
  weights: Grid;
  biases: Grid;
}

interface CheckRun extends RunBase {
  readonly kind: "gradientCheck";
  readonly request: GradientCheckRequest;
  readonly resolve: (check: GradientCheck) => void;
}

interface ReductionsRun extends RunBase {
  readonly kind: "reductions";
  readonly request: ReductionsRequest;
  readonly resolve: (comparison: ReductionComparison) => void;
}

type Run = SweepRun | TrainRun | UntiedRun | CheckRun | ReductionsRun;

/** How a run of each kind is named in an error message. */
const RUN_NAMES: Record<Run["kind"], string> = {
  sweep: "sweep",
  train: "training run",
  untied: "untied training run",
  gradientCheck: "gradient check",
  reductions: "comparison of reductions",
};

function isTraining(run: Run): run is TrainRun | UntiedRun {
  return run.kind === "train" || run.kind === "untied";
}

function isGrid(value: unknown): value is Grid {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { data?: unknown }).data instanceof Float64Array
  );
}

/**
 * A private copy of a grid: the caller may keep editing its grid while the request is in
 * flight, and a transferred buffer is detached. Anything that is not a grid is passed on for
 * the handler to reject with a readable message.
 */
function copyGrid(grid: Grid): Grid {
  return isGrid(grid) ? { height: grid.height, width: grid.width, data: grid.data.slice() } : grid;
}

function copyOptions(options: ConvOptions): ConvOptions {
  return typeof options === "object" && options !== null ? { ...options } : options;
}

function sweepFromReply(reply: SweepReply): Sweep {
  return {
    inputHeight: reply.inputHeight,
    inputWidth: reply.inputWidth,
    kernelHeight: reply.kernelHeight,
    kernelWidth: reply.kernelWidth,
    outHeight: reply.outHeight,
    outWidth: reply.outWidth,
    options: reply.options,
    reduction: reply.reduction,
    recordLength: reply.recordLength,
    records: reply.records,
    loss: reply.loss,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Lets a throwing callback surface (console, window.onerror) without breaking the client. */
function reportLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

function trainingState(wireLane: string | undefined): TrainingState {
  return { wireLane, stepOffset: 0, reportedSteps: 0, stopping: false };
}

class Client implements EngineClient {
  readonly usesWorker: boolean;
  readonly #transport: Transport;
  #nextRunId = 1;
  /** The live run of each lane. */
  readonly #runs = new Map<string, Run>();
  readonly #lanes = new Map<string, EngineLane>();
  #disposed = false;

  constructor(makeTransport: (client: Client) => Transport) {
    this.#transport = makeTransport(this);
    this.usesWorker = this.#transport.usesWorker;
  }

  sweep(request: SweepRequest): Promise<Sweep> {
    return this.#start<Sweep>(SWEEP_LANE, "this sweep was superseded by a newer one", (base) => ({
      ...base,
      kind: "sweep",
      request: {
        image: copyGrid(request.image),
        kernel: copyGrid(request.kernel),
        bias: request.bias,
        target: copyGrid(request.target),
        options: copyOptions(request.options),
        reduction: request.reduction,
      },
    }));
  }

  train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<TrainOutcome> {
    return this.#trainShared(TRAIN_LANE, undefined, request, onProgress);
  }

  cancelTraining(): void {
    this.#cancelLane(TRAIN_LANE, "this training run was cancelled");
  }

  stopTraining(): void {
    this.#stopLane(TRAIN_LANE);
  }

  lane(name: string): EngineLane {
    if (typeof name !== "string" || name === "") {
      throw new RangeError(`a lane's name must be a non-empty string; got ${JSON.stringify(name)}`);
    }
    const existing = this.#lanes.get(name);
    if (existing !== undefined) return existing;
    const key = viewLane(name);
    const superseded = `this request was superseded by a newer one on the lane "${name}"`;
    const lane: EngineLane = {
      name,
      trainShared: (request, onProgress) => this.#trainShared(key, key, request, onProgress),
      trainUntied: (request, onProgress) =>
        this.#start<UntiedTrainOutcome>(key, superseded, (base) => {
          const weights = copyGrid(request.weights);
          const biases = copyGrid(request.biases);
          return {
            ...base,
            ...trainingState(key),
            kind: "untied",
            request: {
              ...request,
              image: copyGrid(request.image),
              target: copyGrid(request.target),
              options: copyOptions(request.options),
              weights,
              biases,
            },
            onProgress,
            weights,
            biases,
          };
        }),
      gradientCheck: (request) =>
        this.#start<GradientCheck>(key, superseded, (base) => ({
          ...base,
          kind: "gradientCheck",
          request: {
            ...request,
            image: copyGrid(request.image),
            kernel: copyGrid(request.kernel),
            target: copyGrid(request.target),
            options: copyOptions(request.options),
          },
        })),
      compareReductions: (request) =>
        this.#start<ReductionComparison>(key, superseded, (base) => ({
          ...base,
          kind: "reductions",
          request: {
            ...request,
            image: copyGrid(request.image),
            kernel: copyGrid(request.kernel),
            target: copyGrid(request.target),
            options: copyOptions(request.options),
          },
        })),
      cancel: () => this.#cancelLane(key, `the request on the lane "${name}" was cancelled`),
      stop: () => this.#stopLane(key),
    };
    this.#lanes.set(name, lane);
    return lane;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const run of this.#runs.values()) {
      if (isTraining(run)) this.#post({ type: "cancel", runId: run.runId }, []);
    }
    this.#transport.close();
    const runs = [...this.#runs.values()];
    this.#runs.clear();
    for (const run of runs) run.reject(new SupersededError("the engine client was disposed"));
  }

  /** Routes a reply to its live run; replies of superseded runs are dropped. */
  receive(reply: EngineReply): void {
    switch (reply.type) {
      case "sweep": {
        const run = this.#live(reply.runId, "sweep");
        if (run === null) return;
        this.#clear(run);
        run.resolve(sweepFromReply(reply));
        return;
      }
      case "progress": {
        const run = this.#live(reply.runId, "train");
        if (run !== null) this.#progress(run, reply);
        return;
      }
      case "done": {
        const run = this.#live(reply.runId, "train");
        if (run === null) return;
        this.#clear(run);
        run.resolve(this.#outcome(run, reply));
        return;
      }
      case "untiedProgress": {
        const run = this.#live(reply.runId, "untied");
        if (run !== null) this.#untiedProgress(run, reply);
        return;
      }
      case "untiedDone": {
        const run = this.#live(reply.runId, "untied");
        if (run === null) return;
        this.#clear(run);
        run.resolve(this.#untiedOutcome(run, reply));
        return;
      }
      case "gradientCheck": {
        const run = this.#live(reply.runId, "gradientCheck");
        if (run === null) return;
        this.#clear(run);
        run.resolve(reply.check);
        return;
      }
      case "reductions": {
        const run = this.#live(reply.runId, "reductions");
        if (run === null) return;
        this.#clear(run);
        run.resolve(reply.comparison);
        return;
      }
      case "pong":
        // The transport's watchdog reads these; nothing to route.
        return;
      case "error": {
        const run = this.#runOf(reply.runId);
        if (run === null) return;
        this.#clear(run);
        run.reject(new EngineRequestError(reply.message));
        return;
      }
      default:
        assertNever(reply);
    }
  }

  /** True while any run waits for the worker (the watchdog only watches then). */
  hasLiveRuns(): boolean {
    return this.#runs.size > 0;
  }

  /**
   * The worker died (uncaught error, undecodable message, or it could not start): each live
   * run is sent once more to a fresh worker; a run that already had its retry fails.
   */
  workerFailed(reason: string): void {
    for (const run of [...this.#runs.values()]) {
      if (isTraining(run) && run.stopping) {
        // It was being stopped anyway: end it where the last report left it.
        this.#clear(run);
        if (run.kind === "train") {
          run.resolve({
            steps: run.reportedSteps,
            kernel: copyGrid(run.kernel),
            bias: run.bias,
            diverged: false,
            cancelled: true,
            losses: new Float64Array(0),
          });
        } else {
          run.resolve({
            steps: run.reportedSteps,
            weights: copyGrid(run.weights),
            biases: copyGrid(run.biases),
            diverged: false,
            cancelled: true,
            losses: new Float64Array(0),
          });
        }
      } else if (run.attempts >= 2) {
        this.#clear(run);
        run.reject(
          new EngineWorkerError(
            `The engine worker failed twice while running this ${RUN_NAMES[run.kind]}: ${reason}`,
          ),
        );
      } else {
        this.#send(run);
      }
    }
  }

  /**
   * Makes a run the live one of its lane, superseding the lane's previous run, and sends it.
   * `make` builds the run from the fields every run has.
   */
  #start<T>(
    lane: string,
    supersededMessage: string,
    make: (base: {
      lane: string;
      runId: number;
      attempts: number;
      resolve: (value: T) => void;
      reject: (error: Error) => void;
    }) => Run,
  ): Promise<T> {
    if (this.#disposed) return Promise.reject(new Error("the engine client was disposed"));
    this.#cancelLane(lane, supersededMessage);
    return new Promise<T>((resolve, reject) => {
      const run = make({ lane, runId: 0, attempts: 0, resolve, reject });
      this.#runs.set(lane, run);
      this.#send(run);
    });
  }

  #trainShared(
    lane: string,
    wireLane: string | undefined,
    request: TrainRequest,
    onProgress: (p: TrainProgress) => void,
  ): Promise<TrainOutcome> {
    const superseded =
      lane === TRAIN_LANE
        ? "this training run was superseded by a newer one"
        : `this request was superseded by a newer one on the lane "${lane.slice(5)}"`;
    return this.#start<TrainOutcome>(lane, superseded, (base) => {
      const kernel = copyGrid(request.kernel);
      return {
        ...base,
        ...trainingState(wireLane),
        kind: "train",
        request: {
          ...request,
          image: copyGrid(request.image),
          target: copyGrid(request.target),
          options: copyOptions(request.options),
          kernel,
        },
        onProgress,
        kernel,
        bias: request.bias,
      };
    });
  }

  /** Ends a lane's live run, if any: it rejects, and a training run is stopped in the worker. */
  #cancelLane(lane: string, message: string): void {
    const run = this.#runs.get(lane);
    if (run === undefined) return;
    this.#runs.delete(lane);
    if (isTraining(run)) this.#post({ type: "cancel", runId: run.runId }, []);
    run.reject(new SupersededError(message));
  }

  #stopLane(lane: string): void {
    const run = this.#runs.get(lane);
    if (run === undefined || !isTraining(run) || run.stopping) return;
    run.stopping = true;
    this.#post({ type: "cancel", runId: run.runId }, []);
  }

  #progress(run: TrainRun, reply: ProgressReply): void {
    const step = run.stepOffset + reply.step;
    run.reportedSteps = step;
    // Kept for a retry, which resumes from the last reported step.
    run.kernel = copyGrid(reply.kernel);
    run.bias = reply.bias;
    try {
      run.onProgress({
        step,
        loss: reply.loss,
        kernel: reply.kernel,
        bias: reply.bias,
        losses: reply.losses,
      });
    } catch (error) {
      reportLater(error);
    }
  }

  #outcome(run: TrainRun, reply: DoneReply): TrainOutcome {
    return {
      steps: run.stepOffset + reply.steps,
      kernel: reply.kernel,
      bias: reply.bias,
      diverged: reply.diverged,
      cancelled: reply.cancelled,
      losses: reply.losses,
    };
  }

  #untiedProgress(run: UntiedRun, reply: UntiedProgressReply): void {
    const step = run.stepOffset + reply.step;
    run.reportedSteps = step;
    run.weights = copyGrid(reply.weights);
    run.biases = copyGrid(reply.biases);
    try {
      run.onProgress({
        step,
        loss: reply.loss,
        weights: reply.weights,
        biases: reply.biases,
        losses: reply.losses,
      });
    } catch (error) {
      reportLater(error);
    }
  }

  #untiedOutcome(run: UntiedRun, reply: UntiedDoneReply): UntiedTrainOutcome {
    return {
      steps: run.stepOffset + reply.steps,
      weights: reply.weights,
      biases: reply.biases,
      diverged: reply.diverged,
      cancelled: reply.cancelled,
      losses: reply.losses,
    };
  }

  /** The live run with this runId, if it is of the kind the reply is for. */
  #live<K extends Run["kind"]>(runId: number, kind: K): Extract<Run, { kind: K }> | null {
    const run = this.#runOf(runId);
    return run !== null && run.kind === kind ? (run as Extract<Run, { kind: K }>) : null;
  }

  #runOf(runId: number): Run | null {
    for (const run of this.#runs.values()) if (run.runId === runId) return run;
    return null;
  }

  #clear(run: Run): void {
    if (this.#runs.get(run.lane) === run) this.#runs.delete(run.lane);
  }

  /** Sends (or re-sends, under a fresh runId) a run's request. */
  #send(run: Run): void {
    run.runId = this.#nextRunId++;
    run.attempts++;
    const copy = this.usesWorker ? copyGrid : (grid: Grid) => grid;
    switch (run.kind) {
      case "sweep": {
        const r = run.request;
        const image = copy(r.image);
        const kernel = copy(r.kernel);
        const target = copy(r.target);
        this.#post(
          {
            type: "sweep",
            runId: run.runId,
            image,
            kernel,
            bias: r.bias,
            target,
            options: r.options,
            reduction: r.reduction,
          },
          transferList(image, kernel, target),
        );
        return;
      }
      case "train": {
        const r = run.request;
        run.stepOffset = run.reportedSteps;
        const image = copy(r.image);
        const target = copy(r.target);
        const kernel = copy(run.kernel);
        this.#post(
          {
            type: "train",
            runId: run.runId,
            ...(run.wireLane === undefined ? {} : { lane: run.wireLane }),
            problem: { image, target, options: r.options, reduction: r.reduction },
            params: { kernel, bias: run.bias },
            learningRate: r.learningRate,
            // A retry resumes: it runs only the steps not yet reported.
            steps: typeof r.steps === "number" ? r.steps - run.stepOffset : r.steps,
            reportEvery: r.reportEvery,
          },
          transferList(image, target, kernel),
        );
        return;
      }
      case "untied": {
        const r = run.request;
        run.stepOffset = run.reportedSteps;
        const image = copy(r.image);
        const target = copy(r.target);
        const weights = copy(run.weights);
        const biases = copy(run.biases);
        this.#post(
          {
            type: "trainUntied",
            runId: run.runId,
            ...(run.wireLane === undefined ? {} : { lane: run.wireLane }),
            problem: { image, target, options: r.options, reduction: r.reduction },
            params: { weights, biases },
            learningRate: r.learningRate,
            steps: typeof r.steps === "number" ? r.steps - run.stepOffset : r.steps,
            reportEvery: r.reportEvery,
          },
          transferList(image, target, weights, biases),
        );
        return;
      }
      case "gradientCheck": {
        const r = run.request;
        const image = copy(r.image);
        const kernel = copy(r.kernel);
        const target = copy(r.target);
        this.#post(
          {
            type: "gradientCheck",
            runId: run.runId,
            problem: { image, target, options: r.options, reduction: r.reduction },
            params: { kernel, bias: r.bias },
            epsilon: r.epsilon,
            scheme: r.scheme ?? "central",
          },
          transferList(image, kernel, target),
        );
        return;
      }
      case "reductions": {
        const r = run.request;
        const image = copy(r.image);
        const kernel = copy(r.kernel);
        const target = copy(r.target);
        this.#post(
          {
            type: "reductions",
            runId: run.runId,
            image,
            kernel,
            bias: r.bias,
            target,
            options: r.options,
            learningRate: r.learningRate,
          },
          transferList(image, kernel, target),
        );
        return;
      }
      default:
        assertNever(run);
    }
  }

  #post(request: EngineRequest, transfer: Transferable[]): void {
    try {
      this.#transport.send(request, transfer);
    } catch (error) {
      // e.g. a DataCloneError: the request held something that cannot cross to a worker.
      const run = this.#runOf(request.runId);
      if (run === null) return;
      this.#clear(run);
      run.reject(
        error instanceof EngineWorkerError
          ? error
          : new EngineRequestError(`the request could not be sent: ${messageOf(error)}`),
      );
    }
  }
}

function transferList(...grids: Grid[]): Transferable[] {
  const buffers: Transferable[] = [];
  for (const grid of grids) {
    if (isGrid(grid)) buffers.push(grid.data.buffer as ArrayBuffer);
  }
  return buffers;
}

/** Runs the handler on this thread; requests are handled in a microtask, like a message. */
function inProcessTransport(client: Client): Transport {
  let closed = false;
  const handler = new EngineHandler((reply) => {
    if (!closed) client.receive(reply);
  });
  return {
    usesWorker: false,
    send(request) {
      if (closed) return;
      queueMicrotask(() => void handler.handle(request));
    },
    close() {
      // Replies stop here; a cancel sent just before still reaches the handler.
      closed = true;
    },
  };
}

/** How often the watchdog asks a worker with live runs whether it is alive. */
export const PING_EVERY_MS = 1000;
/** A worker that leaves a ping unanswered this long is taken for dead and replaced. */
export const SILENCE_LIMIT_MS = 4000;

/**
 * Talks to a Worker, replacing it (lazily, on the next send) when it fails. A worker can also
 * die without any event (closed, killed by the browser): while runs are live, a watchdog
 * pings it, and one that leaves a ping unanswered for SILENCE_LIMIT_MS is replaced the same
 * way. (Only an unanswered ping counts, so throttled timers in a background tab never
 * mistake a slow heartbeat for a dead worker.)
 */
function workerTransport(client: Client, createWorker: () => Worker, first: Worker): Transport {
  let worker: Worker | null = first;
  let closed = false;
  let watchdog: ReturnType<typeof setInterval> | null = null;
  /** When the unanswered ping was sent, or null when the worker has answered since. */
  let pingSentAt: number | null = null;
  let nextPing = 0;

  const stopWatchdog = () => {
    if (watchdog !== null) clearInterval(watchdog);
    watchdog = null;
    pingSentAt = null;
  };

  const check = () => {
    if (worker === null || closed || !client.hasLiveRuns()) {
      stopWatchdog();
      return;
    }
    if (pingSentAt === null) {
      pingSentAt = Date.now();
      worker.postMessage({ type: "ping", runId: nextPing++ } satisfies EngineRequest);
    } else if (Date.now() - pingSentAt > SILENCE_LIMIT_MS) {
      fail(worker, `it stopped answering for ${SILENCE_LIMIT_MS / 1000} s`);
    }
  };

  const attach = (w: Worker): Worker => {
    w.onmessage = (event: MessageEvent<EngineReply>) => {
      if (w !== worker) return;
      pingSentAt = null; // any message shows it is alive
      client.receive(event.data);
    };
    w.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      fail(w, event.message ? `it threw ${event.message}` : "it stopped with an uncaught error");
    };
    w.onmessageerror = () => fail(w, "a message from it could not be read");
    return w;
  };

  const detach = (w: Worker) => {
    w.onmessage = null;
    w.onerror = null;
    w.onmessageerror = null;
    w.terminate();
  };

  const fail = (w: Worker, reason: string) => {
    if (w !== worker || closed) return;
    detach(w);
    worker = null;
    pingSentAt = null;
    client.workerFailed(reason);
  };

  attach(first);
  return {
    usesWorker: true,
    send(request, transfer) {
      if (closed) return;
      if (worker === null) {
        if (request.type === "cancel") return; // nothing runs in a worker that is gone
        try {
          worker = attach(createWorker());
        } catch (error) {
          throw new EngineWorkerError(
            `the engine worker could not be restarted: ${messageOf(error)}`,
          );
        }
      }
      worker.postMessage(request, transfer);
      if (watchdog === null && request.type !== "cancel")
        watchdog = setInterval(check, PING_EVERY_MS);
    },
    close() {
      closed = true;
      stopWatchdog();
      if (worker !== null) detach(worker);
      worker = null;
    },
  };
}

/**
 * A client running the engine in a Web Worker: `createWorker` makes it (by default the
 * bundled engine.worker.ts). With `inProcess`, where `Worker` is undefined (e.g. Node), or
 * when the first worker cannot be created, the same handler runs on this thread instead.
 */
export function createEngineClient(options: EngineClientOptions = {}): EngineClient {
  const createWorker = options.createWorker ?? defaultCreateWorker;
  let first: Worker | null = null;
  if (options.inProcess !== true && (options.createWorker || typeof Worker !== "undefined")) {
    try {
      first = createWorker();
    } catch {
      first = null; // e.g. a page whose policy forbids workers: the in-process path still works.
    }
  }
  const worker = first;
  return new Client((client) =>
    worker === null ? inProcessTransport(client) : workerTransport(client, createWorker, worker),
  );
}
