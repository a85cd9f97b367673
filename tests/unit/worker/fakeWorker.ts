// A stand-in for a Web Worker in Node: the real EngineHandler runs behind it, messages are
// structured-cloned with their transfer lists (so detached buffers behave as in a browser) and
// delivered asynchronously, and a test can make it die.
import { EngineHandler } from "../../../src/worker/host/handler";
import type { EngineReply, EngineRequest, WorkerMessage } from "../../../src/worker/protocol";

export interface FakeWorkerOptions {
  /** Dies (an `error` event) instead of handling a request for which this returns true. */
  dieOn?: (request: EngineRequest) => boolean;
  /** Dies right after posting a reply for which this returns true. */
  dieAfter?: (reply: EngineReply) => boolean;
  /** Holds replies until release() (to deliver stale replies at a chosen moment). */
  hold?: boolean;
  /** What its `ready` says of its Web Lock (default false: the watchdog cannot ask). */
  locked?: boolean;
  /** Fires `messageerror` instead of `error` when it dies. */
  failWith?: "error" | "messageerror";
}

export class FakeWorker {
  onmessage: ((event: { data: WorkerMessage }) => void) | null = null;
  onerror: ((event: { message: string; preventDefault(): void }) => void) | null = null;
  onmessageerror: ((event: unknown) => void) | null = null;
  terminated = false;
  /** Every request received, after cloning. */
  readonly received: EngineRequest[] = [];
  readonly #held: WorkerMessage[] = [];
  readonly #handler: EngineHandler;
  readonly #options: FakeWorkerOptions;
  #hold: boolean;

  constructor(options: FakeWorkerOptions = {}) {
    this.#options = options;
    this.#hold = options.hold ?? false;
    this.#handler = new EngineHandler((reply, transfer) => {
      if (this.terminated) return;
      const data = structuredClone(reply, { transfer });
      if (this.#hold) this.#held.push(data);
      else setImmediate(() => this.#deliver(data));
      if (this.#options.dieAfter?.(reply)) this.die();
    });
    // Like the real worker, it says `ready` once loaded (it holds no Web Lock).
    setImmediate(() => {
      if (this.terminated) return;
      const ready: WorkerMessage = { type: "ready", locked: this.#options.locked ?? false };
      if (this.#hold) this.#held.push(ready);
      else this.#deliver(ready);
    });
  }

  postMessage(message: EngineRequest, transfer: Transferable[] = []): void {
    // Like a real worker, a terminated one silently ignores messages.
    const data = structuredClone(message, { transfer });
    setImmediate(() => {
      if (this.terminated) return;
      this.received.push(data);
      if (this.#options.dieOn?.(data)) this.die();
      else void this.#handler.handle(data);
    });
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Stops handling and reports the failure the way a browser would. */
  die(message = "simulated crash"): void {
    this.terminated = true;
    setImmediate(() => {
      if (this.#options.failWith === "messageerror") this.onmessageerror?.({});
      else this.onerror?.({ message, preventDefault() {} });
    });
  }

  /** Holds replies from now on, until release() (a worker that has become slow). */
  hold(): void {
    this.#hold = true;
  }

  /** Delivers the held replies, in order, and stops holding. */
  release(): void {
    this.#hold = false;
    for (const data of this.#held.splice(0)) this.#deliver(data);
  }

  #deliver(data: WorkerMessage): void {
    this.onmessage?.({ data });
  }
}

/** A createWorker that makes FakeWorkers with per-instance options, recording each. */
export function fakeWorkers(optionsFor: (index: number) => FakeWorkerOptions = () => ({})) {
  const made: FakeWorker[] = [];
  const createWorker = () => {
    const worker = new FakeWorker(optionsFor(made.length));
    made.push(worker);
    return worker as unknown as Worker;
  };
  return { made, createWorker };
}
