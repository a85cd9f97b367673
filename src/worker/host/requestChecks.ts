/**
 * The handler's checks of a request's own fields (the engine checks the maths' arguments):
 * each failure is a BadRequest whose message names the field and the value it got.
 */
import type { Problem } from "../../engine";
import type { ProblemMessage } from "../protocol";

/** A malformed request, with a message meant for a person. */
export class BadRequest extends Error {
  override name = "BadRequest";
}

/** "a", "b" or "c". */
export function listOf(names: readonly string[]): string {
  const quoted = names.map((n) => JSON.stringify(n));
  return `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

/** A value as a message names it: numbers and strings as they are, anything else by its kind. */
export function describe(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function isWholeNumber(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}

/** The buffer to put in a transfer list. The engine only allocates plain ArrayBuffers. */
export function bufferOf(array: Float64Array): ArrayBuffer {
  return array.buffer as ArrayBuffer;
}

/** The request's lane, or `fallback` when it names none. */
export function laneOf(request: { lane?: unknown }, fallback: string): string {
  const { lane } = request;
  if (lane === undefined) return fallback;
  if (typeof lane !== "string" || lane === "") {
    throw new BadRequest(`lane must be a non-empty string; got ${describe(lane)}`);
  }
  return lane;
}

/**
 * The engine's Problem for a request's problem, which must be an object; its reduction,
 * when the kind has one, is the caller's to add.
 */
export function problemOf(problem: Omit<ProblemMessage, "reduction">): Omit<Problem, "reduction"> {
  if (!isObject(problem)) {
    throw new BadRequest(
      `problem must be an object {image, target, options, reduction}; got ${describe(problem)}`,
    );
  }
  return { input: problem.image, target: problem.target, options: problem.options };
}

/** problemOf with the request's reduction. */
export function reducedProblemOf(problem: ProblemMessage): Problem {
  return { ...problemOf(problem), reduction: problem.reduction };
}

/** A request's params, which must be an object with the fields `fields` lists (e.g. "{kernel, bias}"). */
export function paramsOf<P>(params: P, fields: string): P {
  if (!isObject(params)) {
    throw new BadRequest(`params must be an object ${fields}; got ${describe(params)}`);
  }
  return params;
}

export function checkSchedule(steps: unknown, reportEvery: unknown): void {
  if (!isWholeNumber(steps, 0)) {
    throw new BadRequest(`steps must be a whole number ≥ 0; got ${describe(steps)}`);
  }
  if (!isWholeNumber(reportEvery, 1)) {
    throw new BadRequest(`reportEvery must be a whole number ≥ 1; got ${describe(reportEvery)}`);
  }
}
