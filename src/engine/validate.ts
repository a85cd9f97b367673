import type { Grid } from "./grid";

/** Stride, zero padding and dilation of a convolution; every field is optional. */
export interface ConvOptions {
  /** Step between neighbouring output positions, in input cells: integer 1..4, default 1. */
  stride?: number;
  /** Zero padding added on all four sides of the input: integer 0..3, default 0. */
  padding?: number;
  /** Spacing between the kernel's taps, in input cells: integer 1..3, default 1. */
  dilation?: number;
}

/** ConvOptions with every field present and checked. */
export interface ResolvedConvOptions {
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
}

/** The largest kernel side the engine accepts. */
export const MAX_KERNEL_SIDE = 7;

/** The option ranges the engine accepts, inclusive. */
export const OPTION_RANGES = {
  stride: { min: 1, max: 4, default: 1 },
  padding: { min: 0, max: 3, default: 0 },
  dilation: { min: 1, max: 3, default: 1 },
} as const;

function describe(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

function checkIntegerInRange(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${name} must be an integer from ${min} to ${max}; got ${describe(value)}`,
    );
  }
  return value;
}

/** Fills in defaults and checks each option; throws RangeError naming the first bad one. */
export function resolveOptions(options: ConvOptions | undefined): ResolvedConvOptions {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new RangeError(`options must be an object; got ${describe(options)}`);
  }
  const result = { stride: 0, padding: 0, dilation: 0 };
  for (const key of ["stride", "padding", "dilation"] as const) {
    const range = OPTION_RANGES[key];
    const value = options?.[key];
    result[key] =
      value === undefined ? range.default : checkIntegerInRange(key, value, range.min, range.max);
  }
  return result;
}

/** Checks that a number is finite; returns it. */
export function checkFinite(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number; got ${describe(value)}`);
  }
  return value;
}

/**
 * Checks a grid's shape fields, its data length and, unless `values` is false, that every
 * value is finite. `maxSide` bounds height and width (kernels); inputs are only required to
 * be positive.
 */
export function checkGrid(
  name: string,
  grid: Grid,
  maxSide = Number.MAX_SAFE_INTEGER,
  values = true,
): Grid {
  if (typeof grid !== "object" || grid === null) {
    throw new RangeError(`${name} must be a grid {height, width, data}; got ${describe(grid)}`);
  }
  checkIntegerInRange(`${name}.height`, grid.height, 1, maxSide);
  checkIntegerInRange(`${name}.width`, grid.width, 1, maxSide);
  const { data } = grid;
  if (!(data instanceof Float64Array)) {
    throw new RangeError(`${name}.data must be a Float64Array; got ${describe(data)}`);
  }
  const expected = grid.height * grid.width;
  if (data.length !== expected) {
    throw new RangeError(
      `${name}.data.length must equal height * width (${grid.height} * ${grid.width} = ${expected}); got ${data.length}`,
    );
  }
  if (values && !allFinite(data)) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (!Number.isFinite(v)) {
        throw new RangeError(`${name}.data[${i}] must be a finite number; got ${describe(v)}`);
      }
    }
  }
  return grid;
}

/**
 * True when every value is finite. v · 0 is ±0 for a finite v and NaN for NaN or ±Infinity,
 * so the sum of those products is 0 exactly when all are finite; four independent sums keep
 * the loop fast (this check runs on every argument of every call).
 */
export function allFinite(data: Float64Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = data.length;
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < n4; i += 4) {
    s0 += (data[i] as number) * 0;
    s1 += (data[i + 1] as number) * 0;
    s2 += (data[i + 2] as number) * 0;
    s3 += (data[i + 3] as number) * 0;
  }
  for (; i < n; i++) s0 += (data[i] as number) * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/** Output height and width of a convolution. */
export interface OutputShape {
  readonly height: number;
  readonly width: number;
}

/**
 * The output shape for checked arguments; throws RangeError when the kernel's span
 * (with dilation) is larger than the padded input.
 */
export function outputShape(
  input: { height: number; width: number },
  kernel: { height: number; width: number },
  options: ResolvedConvOptions,
): OutputShape {
  const { stride, padding, dilation } = options;
  const spanH = (kernel.height - 1) * dilation + 1;
  const spanW = (kernel.width - 1) * dilation + 1;
  const paddedH = input.height + 2 * padding;
  const paddedW = input.width + 2 * padding;
  if (spanH > paddedH || spanW > paddedW) {
    throw new RangeError(
      `kernel (${kernel.height}x${kernel.width}, spanning ${spanH}x${spanW} with dilation ${dilation}) is larger than the padded input (${paddedH}x${paddedW} with padding ${padding})`,
    );
  }
  return {
    height: Math.floor((paddedH - spanH) / stride) + 1,
    width: Math.floor((paddedW - spanW) / stride) + 1,
  };
}

/** Checks input and kernel together and returns the resolved options and output shape. */
export function checkConvArguments(
  input: Grid,
  kernel: Grid,
  options: ConvOptions | undefined,
  inputValues = true,
): { options: ResolvedConvOptions; out: OutputShape } {
  checkGrid("input", input, undefined, inputValues);
  checkGrid("kernel", kernel, MAX_KERNEL_SIDE);
  const resolved = resolveOptions(options);
  return { options: resolved, out: outputShape(input, kernel, resolved) };
}

/**
 * True when the 3x3 fast paths apply (fusedStep3x3, and conv2d's and conv2dBackward's own):
 * a 3x3 kernel, stride 1, no padding, no dilation. Every input cell is then under the kernel
 * at some position.
 */
export function isFusedCase(kernel: Grid, options: ResolvedConvOptions): boolean {
  return (
    kernel.height === 3 &&
    kernel.width === 3 &&
    options.stride === 1 &&
    options.padding === 0 &&
    options.dilation === 1
  );
}

/**
 * Runs `checks` with the large grids' value scans left out. When it throws, the same checks
 * run again with every scan, so the error is the first one in the full order (a NaN in the
 * input is reported before a bad option, as always). The caller then scans the values
 * itself, or proves them finite from its result: a NaN or ±Infinity in an input reaches every
 * sum it is a term of (x · 0 is NaN, and no later term brings an infinite sum back), so a
 * finite result whose sums cover every input value means finite inputs. A result that is not
 * finite can also come from finite values that overflow: the caller then scans, and the scan
 * passes.
 */
export function checkWithoutScans<T>(checks: (scan: boolean) => T): T {
  try {
    return checks(false);
  } catch (error) {
    checks(true);
    throw error;
  }
}

/** Checks that a grid has the given shape (e.g. outputGrad or target against the output). */
export function checkShape(
  name: string,
  grid: Grid,
  shape: OutputShape,
  what: string,
  values = true,
): void {
  checkGrid(name, grid, undefined, values);
  if (grid.height !== shape.height || grid.width !== shape.width) {
    throw new RangeError(
      `${name} must be ${shape.height}x${shape.width} (${what}); got ${grid.height}x${grid.width}`,
    );
  }
}
