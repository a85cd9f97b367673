/**
 * What every entry of the request table (requests.ts) is made of: a kind of request, the job
 * that carries one request of it, and what a reply does to that job.
 */
import type { EngineReply, EngineRequest } from "../protocol";
import type { Cross } from "./crossing";

/** A request message before its runId (and lane) are given. */
export type RequestBody = EngineRequest extends infer R
  ? R extends EngineRequest
    ? Omit<R, "runId">
    : never
  : never;

/** What one reply did to its run. */
export type Receipt<R> =
  /** It ended the run with this result. */
  | { readonly done: R }
  /** A report: the run goes on. */
  | "progress"
  /** A step of a run made of several requests: send `encode` again. */
  | "next"
  /** Not a reply for this kind of run: ignored. */
  | null;

/** One request in flight, as its kind keeps it. */
export interface Job<R> {
  /** The message to send now (the first try, a retry, or a run's next request). */
  encode(cross: Cross): RequestBody;
  /** Reads one of the run's replies (never an `error` or `pong`). */
  receive(reply: EngineReply): Receipt<R>;
  /**
   * Training runs only: what the run resolves with when its worker fails while it is being
   * stopped. Its presence makes the run stoppable, and a `cancel` is sent when it is dropped.
   */
  stopped?(): R;
}

/** One kind of request: its caller's request `Q`, its result `R` and its progress `P`. */
export interface RequestKind<Q, R, P = never> {
  /** How a run is named in an error message ("this sweep"). */
  readonly noun: string;
  /** A job for one request (`request` is the client's own snapshot); onProgress gets its reports. */
  start(request: Q, onProgress: (progress: P) => void): Job<R>;
}

/** Lets a throwing callback surface (console, window.onerror) without breaking the client. */
export function reportLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
