/**
 * How a request's grids cross to the worker: the client keeps a private snapshot of what the
 * caller passed (the caller may keep editing its grids while the request is in flight), and
 * each send to a Worker transfers fresh copies of it (a transferred buffer is detached, and a
 * retry needs the snapshot intact).
 */
import type { Grid, Params } from "../../engine";
import type { ProblemMessage } from "../protocol";

function isGrid(value: unknown): value is Grid {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { data?: unknown }).data instanceof Float64Array
  );
}

function copyGrid(grid: Grid): Grid {
  return { height: grid.height, width: grid.width, data: grid.data.slice() };
}

/**
 * A deep copy of a request: its grids copied, its plain objects and arrays rebuilt, anything
 * else (numbers, strings, and values the handler will reject with a readable message) kept.
 */
export function snapshot<T>(value: T): T {
  if (isGrid(value)) return copyGrid(value) as T;
  if (Array.isArray(value)) return value.map(snapshot) as T;
  if (
    typeof value === "object" &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) copy[key] = snapshot(field);
    return copy as T;
  }
  return value;
}

/** Puts a value into a message: a grid as it should cross, anything else unchanged. */
export type Cross = <T>(value: T) => T;

/**
 * A Cross for one message, and the buffers it has listed for transfer. For a Worker each grid
 * crosses as a copy whose buffer is transferred; in-process the grid itself is passed.
 */
export function crossing(toWorker: boolean): { cross: Cross; transfer: Transferable[] } {
  const transfer: Transferable[] = [];
  const cross: Cross = (value) => {
    if (!isGrid(value)) return value;
    const grid = toWorker ? copyGrid(value) : value;
    transfer.push(grid.data.buffer as ArrayBuffer);
    return grid as typeof value;
  };
  return { cross, transfer };
}

/** An object with each of its grid fields put through `cross`. */
export function crossFields<T extends object>(value: T, cross: Cross): T {
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = cross(field);
  return out as T;
}

/** A message's problem, its grids crossing (anything but an object is left for the handler to reject). */
export function problemPart(r: ProblemMessage, cross: Cross): ProblemMessage {
  if (typeof r !== "object" || r === null) return r;
  return {
    image: cross(r.image),
    target: cross(r.target),
    options: r.options,
    reduction: r.reduction,
    ...(r.outputGrad ? { outputGrad: cross(r.outputGrad) } : {}),
  };
}

/** A message's shared-filter parameters, the kernel crossing. */
export function paramsPart(r: Params, cross: Cross): Params {
  return { kernel: cross(r.kernel), bias: r.bias };
}
