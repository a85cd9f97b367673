import {
  type Grid,
  MAX_KERNEL_SIDE,
  OPTION_RANGES,
  type OutputShape,
  outputShape,
  type Reduction,
  type ResolvedConvOptions,
} from "../engine/index";
import { shown } from "./shown";

export { SHOWN_CHARS, shown } from "./shown";

/**
 * The rules every state obeys: the state file's (docs/state-file.md) and the app's own limits.
 * Import checks a file against them, and the store refuses any change that breaks them (see
 * guard.ts), so the app never holds, saves or exports a state its own Import would refuse.
 *
 * The limits on sizes and magnitudes are what keep every derived number finite: with images
 * in [0, 1] up to 128x128, filters of at most 7x7 with weights and bias within ±1e6, targets
 * within ±1e8 and η ≤ 1e6, the output stays within ±5e7, δ within ±1.5e8, a gradient within
 * about ±1e16 and the loss below 1e21, for every stride, padding and dilation.
 */

/** The largest image side the app serves (measured smooth at 128x128; larger is refused). */
export const MAX_IMAGE_SIDE = 128;
/** The largest output side: a 1x1 kernel with the most padding on the largest image. */
export const MAX_OUTPUT_SIDE = MAX_IMAGE_SIDE + 2 * OPTION_RANGES.padding.max;
/** Filter weights (the learnable filter, its bias, the target filter) stay within ±this. */
export const MAX_WEIGHT = 1e6;
/** Target values stay within ±this (a target filter within ±MAX_WEIGHT makes at most 4.9e7). */
export const MAX_TARGET = 1e8;
/** A painted δ's values stay within ±this (like targets: every derived number stays finite). */
export const MAX_PAINTED_DELTA = 1e8;
/** The largest learning rate. */
export const MAX_LEARNING_RATE = 1e6;
/** The update counter's limit: past it a number in the file would no longer be exact. */
export const MAX_UPDATES = Number.MAX_SAFE_INTEGER;

/** A state that breaks a rule; the message names the field and the rule. */
export class StateFileError extends Error {
  override name = "StateFileError";
}

/** The fields the rules speak of, as the store and the state file hold them. */
export interface StateFields {
  image: Grid;
  kernel: Grid;
  bias: number;
  target: Grid;
  targetKernel: Grid | null;
  /** A δ = ∂L/∂out painted by hand (the output's shape), or null/absent: δ comes from the target. */
  paintedDelta?: Grid | null;
  options: ResolvedConvOptions;
  reduction: Reduction;
  learningRate: number;
  updates: number;
  position: number;
  sums: { kernelGrad: Grid; biasGrad: number; inputGrad: Grid } | null;
}

/** The name of one of the fields. */
export type StateField = keyof StateFields;

function fail(message: string): never {
  throw new StateFileError(message);
}

/** A limit written for a person: 1,000,000 rather than 1e6. */
function limitText(limit: number): string {
  return limit.toLocaleString("en-US");
}

/** Checks that a value is a plain object (not null, not an array); returns it as a record. */
export function checkRecord(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(`"${name}" must be an object, but it is ${shown(value)}.`);
  }
  return value as Record<string, unknown>;
}

/** Checks that a value is a finite number. */
export function checkFiniteNumber(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(`"${name}" must be a finite number, but it is ${shown(value)}.`);
  }
  return value;
}

/** Checks that a value is a whole number in [min, max]. */
export function checkWholeNumber(value: unknown, name: string, min: number, max: number): number {
  const n = checkFiniteNumber(value, name);
  if (!Number.isInteger(n) || n < min || n > max) {
    fail(
      `"${name}" must be a whole number from ${limitText(min)} to ${limitText(max)}, but it is ${n}.`,
    );
  }
  return n;
}

/** Checks that a value is finite and within ±limit; `what` says what such values are. */
export function checkMagnitude(value: unknown, name: string, limit: number, what: string): number {
  const n = checkFiniteNumber(value, name);
  if (Math.abs(n) > limit) {
    fail(`"${name}" is ${n}; ${what} must be from −${limitText(limit)} to ${limitText(limit)}.`);
  }
  return n;
}

/** Checks a grid's side lengths against a limit (before anything of that size is made). */
export function checkSides(height: unknown, width: unknown, name: string, maxSide: number): void {
  checkWholeNumber(height, `${name}.height`, 1, maxSide);
  checkWholeNumber(width, `${name}.width`, 1, maxSide);
}

function checkValues(grid: Grid, name: string, limit: number, what: string): void {
  const { data } = grid;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    // The fast test first: NaN fails it too.
    if (!(v >= -limit && v <= limit)) checkMagnitude(v, `${name}.data[${i}]`, limit, what);
  }
}

function checkShape(grid: Grid, shape: { height: number; width: number }, what: string): void {
  if (grid.height !== shape.height || grid.width !== shape.width) {
    fail(`${what}: expected ${shape.height}x${shape.width}, found ${grid.height}x${grid.width}.`);
  }
}

/** Checks the image: its sides and that every value is from 0 to 1. */
export function checkImage(image: Grid): void {
  checkSides(image.height, image.width, "image", MAX_IMAGE_SIDE);
  const { data } = image;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!(v >= 0 && v <= 1)) {
      checkFiniteNumber(v, `image.data[${i}]`);
      fail(`"image.data[${i}]" is ${v}; image values must be from 0 to 1.`);
    }
  }
}

/**
 * Checks the options and that the kernel fits the image with them; returns the output shape.
 */
export function checkFit(image: Grid, kernel: Grid, options: ResolvedConvOptions): OutputShape {
  for (const name of ["stride", "padding", "dilation"] as const) {
    const range = OPTION_RANGES[name];
    checkWholeNumber(options[name], `options.${name}`, range.min, range.max);
  }
  try {
    return outputShape(image, kernel, options);
  } catch (error) {
    return fail(`The kernel does not fit the image: ${(error as Error).message}.`);
  }
}

/**
 * Checks every rule. `changed` names the fields that changed since the state last passed:
 * only their values are scanned again (the shapes and relations between fields are always
 * checked, which is cheap). Throws StateFileError naming the first problem.
 */
export function checkState(state: StateFields, changed: ReadonlySet<StateField> | null): void {
  const scan = (field: StateField) => changed === null || changed.has(field);
  if (scan("image")) checkImage(state.image);
  checkSides(state.kernel.height, state.kernel.width, "kernel", MAX_KERNEL_SIDE);
  if (scan("kernel")) checkValues(state.kernel, "kernel", MAX_WEIGHT, "filter weights");
  checkMagnitude(state.bias, "bias", MAX_WEIGHT, "the bias");
  const out = checkFit(state.image, state.kernel, state.options);
  if (state.targetKernel !== null) {
    checkShape(state.targetKernel, state.kernel, `"targetKernel" must have the kernel's shape`);
    if (scan("targetKernel")) {
      checkValues(state.targetKernel, "targetKernel", MAX_WEIGHT, "the target filter's weights");
    }
  }
  checkShape(state.target, out, `"target" must have the output's shape`);
  if (scan("target")) checkValues(state.target, "target", MAX_TARGET, "target values");
  const painted = state.paintedDelta ?? null;
  if (painted !== null) {
    checkShape(painted, out, `"paintedDelta" must have the output's shape`);
    if (scan("paintedDelta")) {
      checkValues(painted, "paintedDelta", MAX_PAINTED_DELTA, "painted δ values");
    }
  }
  if (state.reduction !== "sum" && state.reduction !== "mean") {
    fail(`"loss.reduction" must be "sum" or "mean".`);
  }
  const lr = checkFiniteNumber(state.learningRate, "learningRate");
  if (lr < 0 || lr > MAX_LEARNING_RATE) {
    fail(`"learningRate" is ${lr}; it must be from 0 to ${limitText(MAX_LEARNING_RATE)}.`);
  }
  checkWholeNumber(state.updates, "updates", 0, MAX_UPDATES);
  checkWholeNumber(state.position, "position", 0, out.height * out.width);
  const { sums } = state;
  if (sums === null) return;
  checkShape(sums.kernelGrad, state.kernel, `"sums.kernelGrad" must have the kernel's shape`);
  checkShape(sums.inputGrad, state.image, `"sums.inputGrad" must have the image's shape`);
  checkFiniteNumber(sums.biasGrad, "sums.biasGrad");
  if (scan("sums")) {
    checkValues(sums.kernelGrad, "sums.kernelGrad", Number.MAX_VALUE, "sums");
    checkValues(sums.inputGrad, "sums.inputGrad", Number.MAX_VALUE, "sums");
  }
}

/** The problem with a state in a sentence, or null when it obeys every rule. */
export function stateProblem(
  state: StateFields,
  changed: ReadonlySet<StateField> | null = null,
): string | null {
  try {
    checkState(state, changed);
    return null;
  } catch (error) {
    if (error instanceof StateFileError) return error.message;
    throw error;
  }
}
