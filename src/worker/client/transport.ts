/**
 * How requests reach the handler: through a Web Worker (replaced when it fails, watched while
 * runs are live), or by a direct call on this thread where there is no Worker.
 */
import { errorText } from "../../engine";
import { loadCode } from "../../engine/loadCode";
import type { EngineHandler } from "../host/handler";
import type { EngineReply, EngineRequest, WorkerMessage } from "../protocol";
import { EngineWorkerError } from "./errors";
import { Watchdog } from "./watchdog";

/** Sends requests to a handler. */
export interface Transport {
  readonly usesWorker: boolean;
  /** Throws EngineWorkerError when no worker can be made, or the postMessage error. */
  send(request: EngineRequest, transfer: Transferable[]): void;
  close(): void;
}

/** Where a transport delivers what it hears. */
export interface TransportSink {
  receive(reply: EngineReply): void;
  /** True while any run waits for the worker (the watchdog only watches then). */
  hasLiveRuns(): boolean;
  /** The worker died; its live runs need a new one. */
  workerFailed(reason: string): void;
}

/**
 * Runs the handler on this thread; requests are handled asynchronously, like a message, and in
 * order. The handler (and the whole engine behind it) is imported on first use: a page that
 * has Workers never loads it on the main thread, which keeps it out of the first load.
 */
export function inProcessTransport(sink: TransportSink): Transport {
  let closed = false;
  // Not kept when it fails: each request then fails in words, and the next one tries again.
  let handler: Promise<EngineHandler> | null = null;
  const loaded = () => {
    handler ??= loadCode("The engine's code", () => import("../host/handler")).then(
      ({ EngineHandler }) =>
        new EngineHandler((reply) => {
          if (!closed) sink.receive(reply);
        }),
      (error: unknown) => {
        handler = null;
        throw error;
      },
    );
    return handler;
  };
  return {
    usesWorker: false,
    send(request) {
      if (closed) return;
      void loaded().then(
        (h) => h.handle(request),
        (error: unknown) => {
          if (!closed) {
            sink.receive({
              type: "error",
              runId: request.runId,
              request: request.type,
              message: errorText(error),
            });
          }
        },
      );
    },
    close() {
      // Replies stop here; a cancel sent just before still reaches the handler.
      closed = true;
    },
  };
}

/** A worker of the engine and the name it was made with (the name of the Web Lock it holds). */
export interface NamedWorker {
  readonly worker: Worker;
  readonly name: string;
}

let workersNamed = 0;

/** A name for a new worker, unique in this page (and, by its random part, across tabs). */
export function workerName(): string {
  workersNamed++;
  return `convsweep-engine-${workersNamed}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Whether the worker called `name` still holds its Web Lock: true while it exists, however
 * busy; false once it is gone; null where the browser has no Web Locks.
 */
export async function holdsLock(name: string): Promise<boolean | null> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  if (locks === undefined) return null;
  const { held = [] } = await locks.query();
  return held.some((lock) => lock.name === name);
}

/**
 * Talks to a Worker, replacing it (lazily, on the next send) when it fails: an uncaught
 * error, an unreadable message, or silence the watchdog notices from a worker that is gone.
 * `alive` asks whether a worker still exists (default: whether it holds its Web Lock).
 */
export function workerTransport(
  sink: TransportSink,
  createWorker: (name: string) => Worker,
  first: NamedWorker,
  alive: (name: string) => Promise<boolean | null> = holdsLock,
): Transport {
  let worker: Worker | null = first.worker;
  let name = first.name;
  /** Whether the current worker said it holds its lock (then `alive` can be trusted). */
  let locked = false;
  let closed = false;
  const watchdog = new Watchdog({
    needed: () => !closed && sink.hasLiveRuns(),
    ping: (runId) => {
      if (worker === null) return false;
      worker.postMessage({ type: "ping", runId } satisfies EngineRequest);
      return true;
    },
    alive: () => (locked ? alive(name) : Promise.resolve(null)),
    silent: (reason) => {
      if (worker !== null) fail(worker, reason);
    },
  });

  const attach = (w: Worker): Worker => {
    w.onmessage = (event: MessageEvent<WorkerMessage>) => {
      if (w !== worker) return;
      watchdog.heard();
      const message = event.data;
      if (message.type === "ready") locked = message.locked;
      else sink.receive(message);
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
    watchdog.replaced();
    sink.workerFailed(reason);
  };

  attach(first.worker);
  return {
    usesWorker: true,
    send(request, transfer) {
      if (closed) return;
      if (worker === null) {
        if (request.type === "cancel") return; // nothing runs in a worker that is gone
        try {
          name = workerName();
          locked = false;
          worker = attach(createWorker(name));
        } catch (error) {
          throw new EngineWorkerError(
            `the engine worker could not be restarted: ${errorText(error)}`,
          );
        }
      }
      worker.postMessage(request, transfer);
      if (request.type !== "cancel") watchdog.start();
    },
    close() {
      closed = true;
      watchdog.stop();
      if (worker !== null) detach(worker);
      worker = null;
    },
  };
}
