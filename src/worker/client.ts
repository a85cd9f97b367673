/**
 * The typed client the state layer calls to run the engine off the main thread. It knows
 * nothing of the store: it returns promises and calls a progress callback.
 *
 * Sweeps and training are two lanes, each with one live run; a newer request of the same
 * kind supersedes the live one (its promise rejects with SupersededError and any reply that
 * still arrives for it is dropped by runId). A worker that fails is replaced and the runs it
 * lost are sent again once. Without Workers the same handler runs in-process.
 */
import type { ConvOptions, Grid, Reduction, Sweep } from "../engine";
import { EngineHandler } from "./handler";
import {
  assertNever,
  type DoneReply,
  type EngineReply,
  type EngineRequest,
  type ProgressReply,
  type SweepReply,
} from "./protocol";

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

/** A request replaced by a newer one of the same kind, or cancelled (or the client disposed). */
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

interface SweepRun {
  readonly kind: "sweep";
  runId: number;
  /** Sends so far (the first try and at most one retry). */
  attempts: number;
  /** The client's private copy, kept for a retry. */
  readonly request: SweepRequest;
  readonly resolve: (sweep: Sweep) => void;
  readonly reject: (error: Error) => void;
}

interface TrainRun {
  readonly kind: "train";
  runId: number;
  attempts: number;
  readonly request: TrainRequest;
  readonly onProgress: (p: TrainProgress) => void;
  readonly resolve: (outcome: TrainOutcome) => void;
  readonly reject: (error: Error) => void;
  /** Steps reported before the current attempt; a retry resumes from there. */
  stepOffset: number;
  /** Steps reported in total, and the parameters they reached. */
  reportedSteps: number;
  kernel: Grid;
  bias: number;
  /** stopTraining() was called: the outcome is wanted, flagged cancelled. */
  stopping: boolean;
}

type Run = SweepRun | TrainRun;

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

class Client implements EngineClient {
  readonly usesWorker: boolean;
  readonly #transport: Transport;
  #nextRunId = 1;
  #sweep: SweepRun | null = null;
  #train: TrainRun | null = null;
  #disposed = false;

  constructor(makeTransport: (client: Client) => Transport) {
    this.#transport = makeTransport(this);
    this.usesWorker = this.#transport.usesWorker;
  }

  sweep(request: SweepRequest): Promise<Sweep> {
    if (this.#disposed) return Promise.reject(new Error("the engine client was disposed"));
    this.#sweep?.reject(new SupersededError("this sweep was superseded by a newer one"));
    return new Promise<Sweep>((resolve, reject) => {
      const run: SweepRun = {
        kind: "sweep",
        runId: 0,
        attempts: 0,
        request: {
          image: copyGrid(request.image),
          kernel: copyGrid(request.kernel),
          bias: request.bias,
          target: copyGrid(request.target),
          options: copyOptions(request.options),
          reduction: request.reduction,
        },
        resolve,
        reject,
      };
      this.#sweep = run;
      this.#send(run);
    });
  }

  train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<TrainOutcome> {
    if (this.#disposed) return Promise.reject(new Error("the engine client was disposed"));
    // The newer train supersedes the old run in the worker too; no cancel needed.
    this.#train?.reject(new SupersededError("this training run was superseded by a newer one"));
    return new Promise<TrainOutcome>((resolve, reject) => {
      const kernel = copyGrid(request.kernel);
      const run: TrainRun = {
        kind: "train",
        runId: 0,
        attempts: 0,
        request: {
          ...request,
          image: copyGrid(request.image),
          target: copyGrid(request.target),
          options: copyOptions(request.options),
          kernel,
        },
        onProgress,
        resolve,
        reject,
        stepOffset: 0,
        reportedSteps: 0,
        kernel,
        bias: request.bias,
        stopping: false,
      };
      this.#train = run;
      this.#send(run);
    });
  }

  cancelTraining(): void {
    const run = this.#train;
    if (run === null) return;
    this.#train = null;
    this.#post({ type: "cancel", runId: run.runId }, []);
    run.reject(new SupersededError("this training run was cancelled"));
  }

  stopTraining(): void {
    const run = this.#train;
    if (run === null || run.stopping) return;
    run.stopping = true;
    this.#post({ type: "cancel", runId: run.runId }, []);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#train !== null) this.#post({ type: "cancel", runId: this.#train.runId }, []);
    this.#transport.close();
    const runs = [this.#sweep, this.#train];
    this.#sweep = null;
    this.#train = null;
    for (const run of runs) run?.reject(new SupersededError("the engine client was disposed"));
  }

  /** Routes a reply to its live run; replies of superseded runs are dropped. */
  receive(reply: EngineReply): void {
    switch (reply.type) {
      case "sweep": {
        const run = this.#sweep;
        if (run === null || run.runId !== reply.runId) return;
        this.#sweep = null;
        run.resolve(sweepFromReply(reply));
        return;
      }
      case "progress": {
        const run = this.#train;
        if (run === null || run.runId !== reply.runId) return;
        this.#progress(run, reply);
        return;
      }
      case "done": {
        const run = this.#train;
        if (run === null || run.runId !== reply.runId) return;
        this.#train = null;
        run.resolve(this.#outcome(run, reply));
        return;
      }
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

  /**
   * The worker died (uncaught error, undecodable message, or it could not start): each live
   * run is sent once more to a fresh worker; a run that already had its retry fails.
   */
  workerFailed(reason: string): void {
    for (const run of [this.#sweep, this.#train]) {
      if (run === null) continue;
      if (run.kind === "train" && run.stopping) {
        // It was being stopped anyway: end it where the last report left it.
        this.#train = null;
        run.resolve({
          steps: run.reportedSteps,
          kernel: copyGrid(run.kernel),
          bias: run.bias,
          diverged: false,
          cancelled: true,
          losses: new Float64Array(0),
        });
      } else if (run.attempts >= 2) {
        this.#clear(run);
        run.reject(
          new EngineWorkerError(
            `The engine worker failed twice while running this ${run.kind === "sweep" ? "sweep" : "training run"}: ${reason}`,
          ),
        );
      } else {
        this.#send(run);
      }
    }
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

  #runOf(runId: number): Run | null {
    if (this.#sweep?.runId === runId) return this.#sweep;
    if (this.#train?.runId === runId) return this.#train;
    return null;
  }

  #clear(run: Run): void {
    if (run.kind === "sweep") {
      if (this.#sweep === run) this.#sweep = null;
    } else if (this.#train === run) {
      this.#train = null;
    }
  }

  /** Sends (or re-sends, under a fresh runId) a run's request. */
  #send(run: Run): void {
    run.runId = this.#nextRunId++;
    run.attempts++;
    const copy = this.usesWorker ? copyGrid : (grid: Grid) => grid;
    if (run.kind === "sweep") {
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
    } else {
      const r = run.request;
      run.stepOffset = run.reportedSteps;
      const image = copy(r.image);
      const target = copy(r.target);
      const kernel = copy(run.kernel);
      this.#post(
        {
          type: "train",
          runId: run.runId,
          problem: { image, target, options: r.options, reduction: r.reduction },
          params: { kernel, bias: run.bias },
          learningRate: r.learningRate,
          // A retry resumes: it runs only the steps not yet reported.
          steps: typeof r.steps === "number" ? r.steps - run.stepOffset : r.steps,
          reportEvery: r.reportEvery,
        },
        transferList(image, target, kernel),
      );
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

/** Talks to a Worker, replacing it (lazily, on the next send) when it fails. */
function workerTransport(client: Client, createWorker: () => Worker, first: Worker): Transport {
  let worker: Worker | null = first;
  let closed = false;

  const attach = (w: Worker): Worker => {
    w.onmessage = (event: MessageEvent<EngineReply>) => {
      if (w === worker) client.receive(event.data);
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
    },
    close() {
      closed = true;
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
