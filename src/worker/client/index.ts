/**
 * The typed client the state layer calls to run the engine off the main thread. It knows
 * nothing of the store: it returns promises and calls progress callbacks.
 *
 * Every request travels in a lane: `lane(name)` gives one, with at most one live request
 * (see runs.ts), and a method for each kind of request in the request table (requests.ts).
 * A worker that fails is replaced and the runs it lost are sent again once (transport.ts,
 * watchdog.ts). Without Workers the same handler runs in-process.
 */
import { REQUESTS, type Requests } from "./requests";
import { Runs } from "./runs";
import { inProcessTransport, type NamedWorker, workerName, workerTransport } from "./transport";

export type {
  NetworkPredictRequest,
  NetworkSweepRequest,
  NetworkSweepResult,
  NetworkTrainOutcome,
  NetworkTrainProgress,
  NetworkTrainRequest,
} from "../network/requests";
export { EngineRequestError, EngineWorkerError, SupersededError } from "./errors";
export type {
  GradientCheckRequest,
  ReductionsRequest,
  SweepBatchRequest,
  SweepRequest,
  TrainOutcome,
  TrainProgress,
  TrainRequest,
  UntiedTrainOutcome,
  UntiedTrainProgress,
  UntiedTrainRequest,
} from "./requests";
export { PING_EVERY_MS, SILENCE_LIMIT_MS } from "./watchdog";

/** A lane's method for one kind of request: with an onProgress when the kind reports progress. */
type LaneMethod<K> = K extends import("./requestKind").RequestKind<infer Q, infer R, infer P>
  ? [P] extends [never]
    ? (request: Q) => Promise<R>
    : (request: Q, onProgress: (progress: P) => void) => Promise<R>
  : never;

/**
 * A lane of the client: at most one live request, whatever its kind. A newer request on the
 * lane supersedes the live one (which rejects with SupersededError; a training run is stopped
 * in the worker); other lanes are unaffected. One method per kind of request (see REQUESTS).
 */
export type EngineLane = { readonly [K in keyof Requests]: LaneMethod<Requests[K]> } & {
  /** The name the lane was asked for. */
  readonly name: string;
  /** Abandons the live request: it rejects with SupersededError (a training run stops). */
  cancel(): void;
  /**
   * Stops the live training run at its next chunk boundary but keeps what it reached: its
   * promise resolves with `cancelled: true`. Does nothing to other requests.
   */
  stop(): void;
};

/** Runs the engine in a Web Worker (or in-process where there is none). */
export interface EngineClient {
  /**
   * The lane called `name` (a non-empty string; the same name gives the same lane), separate
   * from every other lane. Throws RangeError for a bad name.
   */
  lane(name: string): EngineLane;
  /** True when running in a real Worker, false when the in-process fallback is used. */
  readonly usesWorker: boolean;
  /** Ends the worker; live runs reject with SupersededError, later calls with an Error. */
  dispose(): void;
}

/** Options of createEngineClient. */
export interface EngineClientOptions {
  /**
   * Makes the worker (and each replacement after a failure), named `name`: the real worker
   * holds the Web Lock of that name while it lives.
   */
  createWorker?: (name: string) => Worker;
  /** Whether the worker called `name` still exists (default: whether its Web Lock is held). */
  alive?: (name: string) => Promise<boolean | null>;
  /** Runs the handler on this thread instead of in a worker. */
  inProcess?: boolean;
}

function defaultCreateWorker(name: string): Worker {
  return new Worker(new URL("../host/engine.worker.ts", import.meta.url), { type: "module", name });
}

/** A lane's methods, made from the request table. */
function makeLane(runs: Runs, name: string): EngineLane {
  const methods: Record<string, unknown> = {};
  for (const [method, kind] of Object.entries(REQUESTS)) {
    methods[method] = (request: unknown, onProgress?: (progress: unknown) => void) =>
      runs.start(name, kind as never, request, onProgress ?? (() => {}));
  }
  return {
    ...(methods as { [K in keyof Requests]: LaneMethod<Requests[K]> }),
    name,
    cancel: () => runs.cancel(name, `the request on the lane "${name}" was cancelled`),
    stop: () => runs.stop(name),
  };
}

/**
 * A client running the engine in a Web Worker: `createWorker` makes it (by default the
 * bundled engine.worker.ts). With `inProcess`, where `Worker` is undefined (e.g. Node), or
 * when the first worker cannot be created, the same handler runs on this thread instead.
 */
export function createEngineClient(options: EngineClientOptions = {}): EngineClient {
  const createWorker = options.createWorker ?? defaultCreateWorker;
  let first: NamedWorker | null = null;
  if (options.inProcess !== true && (options.createWorker || typeof Worker !== "undefined")) {
    const name = workerName();
    try {
      first = { worker: createWorker(name), name };
    } catch {
      first = null; // e.g. a page whose policy forbids workers: the in-process path still works.
    }
  }
  const worker = first;
  const runs = new Runs((sink) =>
    worker === null
      ? inProcessTransport(sink)
      : workerTransport(sink, createWorker, worker, options.alive),
  );
  const lanes = new Map<string, EngineLane>();
  return {
    usesWorker: runs.usesWorker,
    lane(name) {
      if (typeof name !== "string" || name === "") {
        throw new RangeError(
          `a lane's name must be a non-empty string; got ${JSON.stringify(name)}`,
        );
      }
      let lane = lanes.get(name);
      if (lane === undefined) {
        lane = makeLane(runs, name);
        lanes.set(name, lane);
      }
      return lane;
    },
    dispose: () => runs.dispose(),
  };
}
