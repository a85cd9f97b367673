/**
 * The watchdog of a Worker: a worker can die without any event (closed, killed by the
 * browser), so while runs are live the watchdog pings it, and one that leaves a ping
 * unanswered for SILENCE_LIMIT_MS is taken for dead. Only an unanswered ping counts, so
 * throttled timers in a background tab never mistake a slow heartbeat for a dead worker.
 */

/** How often the watchdog asks a worker with live runs whether it is alive. */
export const PING_EVERY_MS = 1000;
/** A worker that leaves a ping unanswered this long is taken for dead and replaced. */
export const SILENCE_LIMIT_MS = 4000;

/** What the watchdog watches through. */
export interface Watched {
  /** True while a run waits for the worker: the watchdog only watches then. */
  needed(): boolean;
  /** Sends a ping (runId = its sequence number); false when there is no worker to ping. */
  ping(sequence: number): boolean;
  /** The worker left a ping unanswered too long. */
  silent(reason: string): void;
}

/** Pings while needed; `heard()` on every message from the worker. */
export class Watchdog {
  readonly #watched: Watched;
  #timer: ReturnType<typeof setInterval> | null = null;
  /** When the unanswered ping was sent, or null when the worker has answered since. */
  #pingSentAt: number | null = null;
  #nextPing = 0;

  constructor(watched: Watched) {
    this.#watched = watched;
  }

  /** Starts watching, if it is not already. */
  start(): void {
    this.#timer ??= setInterval(() => this.#check(), PING_EVERY_MS);
  }

  /** Any message shows the worker is alive. */
  heard(): void {
    this.#pingSentAt = null;
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#pingSentAt = null;
  }

  #check(): void {
    if (!this.#watched.needed()) {
      this.stop();
      return;
    }
    if (this.#pingSentAt === null) {
      if (!this.#watched.ping(this.#nextPing++)) {
        this.stop();
        return;
      }
      this.#pingSentAt = Date.now();
    } else if (Date.now() - this.#pingSentAt > SILENCE_LIMIT_MS) {
      this.#watched.silent(`it stopped answering for ${SILENCE_LIMIT_MS / 1000} s`);
    }
  }
}
