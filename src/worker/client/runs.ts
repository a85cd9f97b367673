/**
 * The client's runs, by lane: each lane holds at most one live run. A newer request on a lane
 * supersedes the live one (its promise rejects with SupersededError, a training run is stopped
 * in the worker, and any reply that still arrives for it is dropped by runId); other lanes are
 * unaffected. When the worker fails, each live run is sent once more to a fresh one.
 */
import { errorText } from "../../engine";
import type { EngineReply, EngineRequest } from "../protocol";
import { crossing, snapshot } from "./crossing";
import { EngineRequestError, EngineWorkerError, SupersededError } from "./errors";
import type { Job, RequestKind } from "./requestKind";
import type { Transport, TransportSink } from "./transport";

/** One live request of a lane. */
interface Run {
  /** The lane's name. */
  readonly lane: string;
  readonly noun: string;
  readonly job: Job<unknown>;
  runId: number;
  /** Sends of the current request so far (the first try and at most one retry). */
  attempts: number;
  /** stop() was called: the outcome is wanted, flagged cancelled. */
  stopping: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The lane a training message names. The handler gives requests that name no lane lanes of
 * their own ("train", "trainUntied"); the client's lanes are kept apart from those.
 */
const wireLane = (lane: string) => `view:${lane}`;

/** A run that trains in chunks: it can be stopped, and a `cancel` ends it in the worker. */
const trains = (run: Run) => run.job.stopped !== undefined;

/** The lanes' live runs and their traffic with the transport. */
export class Runs implements TransportSink {
  readonly #transport: Transport;
  #nextRunId = 1;
  /** The live run of each lane. */
  readonly #live = new Map<string, Run>();
  #disposed = false;

  constructor(makeTransport: (sink: TransportSink) => Transport) {
    this.#transport = makeTransport(this);
  }

  get usesWorker(): boolean {
    return this.#transport.usesWorker;
  }

  /** Makes a request the live run of `lane`, superseding the lane's previous run, and sends it. */
  start<Q, R, P>(
    lane: string,
    kind: RequestKind<Q, R, P>,
    request: Q,
    onProgress: (progress: P) => void,
  ): Promise<R> {
    if (this.#disposed) return Promise.reject(new Error("the engine client was disposed"));
    this.cancel(lane, `this request was superseded by a newer one on the lane "${lane}"`);
    return new Promise<R>((resolve, reject) => {
      const run: Run = {
        lane,
        noun: kind.noun,
        // The client's own copy: the caller may keep editing its grids, and a retry needs them.
        job: kind.start(snapshot(request), onProgress),
        runId: 0,
        attempts: 0,
        stopping: false,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      this.#live.set(lane, run);
      this.#send(run);
    });
  }

  /** Ends a lane's live run, if any: it rejects, and a training run is stopped in the worker. */
  cancel(lane: string, message: string): void {
    const run = this.#live.get(lane);
    if (run === undefined) return;
    this.#live.delete(lane);
    if (trains(run)) this.#post({ type: "cancel", runId: run.runId }, []);
    run.reject(new SupersededError(message));
  }

  /** Stops a lane's live training run where it is; it resolves with what it reached. */
  stop(lane: string): void {
    const run = this.#live.get(lane);
    if (run === undefined || !trains(run) || run.stopping) return;
    run.stopping = true;
    this.#post({ type: "cancel", runId: run.runId }, []);
  }

  /** Ends the transport; live runs reject with SupersededError, later requests with an Error. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const run of this.#live.values()) {
      if (trains(run)) this.#post({ type: "cancel", runId: run.runId }, []);
    }
    this.#transport.close();
    const runs = [...this.#live.values()];
    this.#live.clear();
    for (const run of runs) run.reject(new SupersededError("the engine client was disposed"));
  }

  /** Routes a reply to its live run; replies of superseded runs are dropped. */
  receive(reply: EngineReply): void {
    if (reply.type === "pong") return; // the transport's watchdog reads these
    const run = this.#runOf(reply.runId);
    if (run === null) return;
    if (reply.type === "error") {
      this.#clear(run);
      run.reject(new EngineRequestError(reply.message));
      return;
    }
    const receipt = run.job.receive(reply);
    if (receipt === "next") {
      run.attempts = 0;
      this.#send(run);
    } else if (receipt !== null && receipt !== "progress") {
      this.#clear(run);
      run.resolve(receipt.done);
    }
  }

  hasLiveRuns(): boolean {
    return this.#live.size > 0;
  }

  /**
   * The worker died (uncaught error, undecodable message, silence, or it could not start):
   * each live run is sent once more to a fresh worker; a run that already had its retry fails.
   */
  workerFailed(reason: string): void {
    for (const run of [...this.#live.values()]) {
      if (run.stopping && run.job.stopped !== undefined) {
        // It was being stopped anyway: end it where the last report left it.
        this.#clear(run);
        run.resolve(run.job.stopped());
      } else if (run.attempts >= 2) {
        this.#clear(run);
        run.reject(
          new EngineWorkerError(
            `The engine worker failed twice while running this ${run.noun}: ${reason}`,
          ),
        );
      } else {
        this.#send(run);
      }
    }
  }

  #runOf(runId: number): Run | null {
    for (const run of this.#live.values()) if (run.runId === runId) return run;
    return null;
  }

  #clear(run: Run): void {
    if (this.#live.get(run.lane) === run) this.#live.delete(run.lane);
  }

  /** Sends (or re-sends, under a fresh runId) a run's current request. */
  #send(run: Run): void {
    run.runId = this.#nextRunId++;
    run.attempts++;
    const { cross, transfer } = crossing(this.usesWorker);
    const body = run.job.encode(cross);
    const lane = trains(run) ? { lane: wireLane(run.lane) } : {};
    this.#post({ ...body, ...lane, runId: run.runId } as EngineRequest, transfer);
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
          : new EngineRequestError(`the request could not be sent: ${errorText(error)}`),
      );
    }
  }
}
