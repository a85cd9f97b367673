/**
 * The watchdog of a Worker: a worker can die without any event (closed, killed by the
 * browser), so while runs are live the watchdog pings it. A worker that is merely slow (still
 * loading on a busy machine, or starved of the processor) must never be taken for dead: that
 * would throw its work away and start the slow load again. So:
 *
 * - a worker that has not spoken yet is loading, and is not watched (a worker that cannot load
 *   fires an `error` event, which the transport hears);
 * - once it has spoken, a ping left unanswered for SILENCE_LIMIT_MS asks `alive()`, which
 *   knows for sure where the browser can tell (the worker holds a Web Lock for its lifetime:
 *   held means alive, however busy). Alive: the watchdog waits on. Gone, or unknown (no Web
 *   Locks, e.g. a page served over plain http from another host): the worker is replaced.
 *
 * Only an unanswered ping counts, so throttled timers in a background tab never mistake a slow
 * heartbeat for a dead worker.
 */

/** How often the watchdog asks a worker with live runs whether it is alive. */
export const PING_EVERY_MS = 1000;
/** A worker that leaves a ping unanswered this long is looked at (and, if gone, replaced). */
export const SILENCE_LIMIT_MS = 4000;

/** What the watchdog watches through. */
export interface Watched {
  /** True while a run waits for the worker: the watchdog only watches then. */
  needed(): boolean;
  /** Sends a ping (runId = its sequence number); false when there is no worker to ping. */
  ping(sequence: number): boolean;
  /**
   * Whether the silent worker still exists: true (alive, only slow), false (gone), or null
   * (the browser cannot tell).
   */
  alive(): Promise<boolean | null>;
  /** The worker left a ping unanswered too long and is not known to be alive. */
  silent(reason: string): void;
}

/** Pings while needed; `heard()` on every message from the worker, `replaced()` on a new one. */
export class Watchdog {
  readonly #watched: Watched;
  #timer: ReturnType<typeof setInterval> | null = null;
  /** True once the current worker has sent anything: before that it is loading. */
  #spoken = false;
  /** When the unanswered ping was sent, or null when the worker has answered since. */
  #pingSentAt: number | null = null;
  /** True while `alive()` is being asked. */
  #asking = false;
  #nextPing = 0;

  constructor(watched: Watched) {
    this.#watched = watched;
  }

  /** Starts watching, if it is not already. */
  start(): void {
    this.#timer ??= setInterval(() => this.#check(), PING_EVERY_MS);
  }

  /** Any message shows the worker is alive (and has loaded). */
  heard(): void {
    this.#spoken = true;
    this.#pingSentAt = null;
  }

  /** A new worker replaces the old one: it is loading, and the ping in flight went with the old. */
  replaced(): void {
    this.#spoken = false;
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
    if (!this.#spoken || this.#asking) return;
    if (this.#pingSentAt === null) {
      if (!this.#watched.ping(this.#nextPing++)) {
        this.stop();
        return;
      }
      this.#pingSentAt = Date.now();
    } else if (Date.now() - this.#pingSentAt > SILENCE_LIMIT_MS) {
      const sentAt = this.#pingSentAt;
      this.#asking = true;
      void this.#watched
        .alive()
        .catch(() => null)
        .then((alive) => {
          this.#asking = false;
          // Answered meanwhile, replaced, or no longer watched: nothing to decide.
          if (this.#pingSentAt !== sentAt || this.#timer === null) return;
          if (alive === true)
            this.#pingSentAt = Date.now(); // busy: wait on
          else {
            this.#watched.silent(
              `it stopped answering for ${SILENCE_LIMIT_MS / 1000} s${alive === false ? " and is gone" : ""}`,
            );
          }
        });
    }
  }
}
