import {
  type ConvOptions,
  conv2d,
  createGrid,
  type Grid,
  MAX_KERNEL_SIDE,
  OPTION_RANGES,
  outputShape,
  type Reduction,
  type ResolvedConvOptions,
} from "../engine/index";

/** The state file's format name and version (CONTRACT.md §2). */
export const STATE_FORMAT = "convsweep-state";
export const STATE_VERSION = 1;
/** Larger files are refused before they are parsed. */
export const MAX_STATE_FILE_BYTES = 5 * 1024 * 1024;
/** The file name Export downloads. */
export const STATE_FILE_NAME = "convsweep-state.json";

/** Everything the state file records (CONTRACT.md §2), with grids as engine Grids. */
export interface SavedState {
  image: Grid;
  kernel: Grid;
  bias: number;
  target: Grid;
  targetKernel: Grid | null;
  options: ResolvedConvOptions;
  reduction: Reduction;
  learningRate: number;
  updates: number;
  position: number;
  sums: { kernelGrad: Grid; biasGrad: number; inputGrad: Grid };
}

/** What a link carries: the state without the sums (they are derived again). */
export type LinkedState = Omit<SavedState, "sums">;

/** A state file that cannot be used; the message names the problem for a person. */
export class StateFileError extends Error {
  override name = "StateFileError";
}

function gridJson(grid: Grid) {
  return { height: grid.height, width: grid.width, data: Array.from(grid.data) };
}

/** The state as the JSON text Export writes: fixed key order, so a re-export is identical. */
export function serializeState(state: SavedState): string {
  const doc = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    image: gridJson(state.image),
    kernel: gridJson(state.kernel),
    bias: state.bias,
    target: gridJson(state.target),
    targetKernel: state.targetKernel === null ? null : gridJson(state.targetKernel),
    options: {
      stride: state.options.stride,
      padding: state.options.padding,
      dilation: state.options.dilation,
    },
    loss: { reduction: state.reduction },
    learningRate: state.learningRate,
    updates: state.updates,
    position: state.position,
    sums: {
      kernelGrad: gridJson(state.sums.kernelGrad),
      biasGrad: state.sums.biasGrad,
      inputGrad: gridJson(state.sums.inputGrad),
    },
  };
  return `${JSON.stringify(doc)}\n`;
}

function fail(message: string): never {
  throw new StateFileError(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function finiteNumber(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(`"${name}" must be a finite number, but it is ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  const n = finiteNumber(value, name);
  if (!Number.isInteger(n) || n < min || n > max) {
    fail(`"${name}" must be a whole number from ${min} to ${max}, but it is ${n}.`);
  }
  return n;
}

function readGrid(value: unknown, name: string, maxSide = 4096): Grid {
  if (!isRecord(value)) fail(`"${name}" must be a grid {"height", "width", "data"}.`);
  const height = wholeNumber(value.height, `${name}.height`, 1, maxSide);
  const width = wholeNumber(value.width, `${name}.width`, 1, maxSide);
  const { data } = value;
  if (!Array.isArray(data)) fail(`"${name}.data" must be an array of numbers.`);
  if (data.length !== height * width) {
    fail(
      `"${name}" says ${height}x${width} (${height * width} values) but its data has ${data.length} values.`,
    );
  }
  const grid = createGrid(height, width);
  for (let i = 0; i < data.length; i++) {
    grid.data[i] = finiteNumber(data[i], `${name}.data[${i}]`);
  }
  return grid;
}

function sameShape(a: Grid, b: { height: number; width: number }, what: string): void {
  if (a.height !== b.height || a.width !== b.width) {
    fail(`${what}: expected ${b.height}x${b.width}, found ${a.height}x${a.width}.`);
  }
}

/**
 * Parses and checks a state file's text. Throws StateFileError naming the first problem.
 * Whether `sums` agree with the other fields is checked by the caller, which runs the sweep.
 */
export function parseState(text: string): SavedState {
  if (text.length > MAX_STATE_FILE_BYTES) {
    fail(`The file is ${(text.length / 1048576).toFixed(1)} MB; a state file is at most 5 MB.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail("The file is not JSON, so it is not a ConvSweep state file.");
  }
  return readState(doc, "file");
}

/**
 * Checks a parsed state document. A state file ("file") has every field; a link ("link")
 * leaves out `sums`, and `target` when `targetKernel` makes it (both are derived again).
 */
export function readState(doc: unknown, kind: "file"): SavedState;
export function readState(doc: unknown, kind: "link"): LinkedState;
export function readState(doc: unknown, kind: "file" | "link"): SavedState | LinkedState {
  if (!isRecord(doc)) fail("The file is JSON but not a ConvSweep state object.");
  if (doc.format !== STATE_FORMAT) {
    fail(
      `"format" must be "${STATE_FORMAT}", but it is ${JSON.stringify(doc.format) ?? "missing"}.`,
    );
  }
  if (doc.version !== STATE_VERSION) {
    fail(
      `This app reads state files of version ${STATE_VERSION}; this one is version ${JSON.stringify(doc.version) ?? "missing"}.`,
    );
  }
  const image = readGrid(doc.image, "image");
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i] as number;
    if (v < 0 || v > 1) fail(`"image.data[${i}]" is ${v}; image values must be from 0 to 1.`);
  }
  const kernel = readGrid(doc.kernel, "kernel", MAX_KERNEL_SIDE);
  const bias = finiteNumber(doc.bias, "bias");
  if (!isRecord(doc.options))
    fail(`"options" must be an object {"stride", "padding", "dilation"}.`);
  const options: ResolvedConvOptions = {
    stride: wholeNumber(
      doc.options.stride,
      "options.stride",
      OPTION_RANGES.stride.min,
      OPTION_RANGES.stride.max,
    ),
    padding: wholeNumber(
      doc.options.padding,
      "options.padding",
      OPTION_RANGES.padding.min,
      OPTION_RANGES.padding.max,
    ),
    dilation: wholeNumber(
      doc.options.dilation,
      "options.dilation",
      OPTION_RANGES.dilation.min,
      OPTION_RANGES.dilation.max,
    ),
  };
  let out: { height: number; width: number };
  try {
    out = outputShape(image, kernel, options);
  } catch (error) {
    fail(`The kernel does not fit the image: ${(error as Error).message}.`);
  }
  if (kind === "file" && doc.targetKernel === undefined) {
    fail(`"targetKernel" is missing (it is null when the target was not made by a filter).`);
  }
  const targetKernel =
    doc.targetKernel === null || doc.targetKernel === undefined
      ? null
      : readGrid(doc.targetKernel, "targetKernel", MAX_KERNEL_SIDE);
  if (targetKernel !== null)
    sameShape(targetKernel, kernel, `"targetKernel" must have the kernel's shape`);
  // A link leaves out a target that its filter makes; it is made again here.
  const target =
    kind === "link" && doc.target === undefined && targetKernel !== null
      ? conv2d(image, targetKernel, 0, options)
      : readGrid(doc.target, "target");
  sameShape(target, out, `"target" must have the output's shape`);
  if (!isRecord(doc.loss) || (doc.loss.reduction !== "sum" && doc.loss.reduction !== "mean")) {
    fail(`"loss.reduction" must be "sum" or "mean".`);
  }
  const reduction: Reduction = doc.loss.reduction;
  const learningRate = finiteNumber(doc.learningRate, "learningRate");
  if (learningRate < 0) fail(`"learningRate" must be 0 or more, but it is ${learningRate}.`);
  const updates = wholeNumber(doc.updates, "updates", 0, Number.MAX_SAFE_INTEGER);
  const position = wholeNumber(doc.position, "position", 0, out.height * out.width);
  const common: LinkedState = {
    image,
    kernel,
    bias,
    target,
    targetKernel,
    options,
    reduction,
    learningRate,
    updates,
    position,
  };
  if (kind === "link") return common;
  if (!isRecord(doc.sums))
    fail(`"sums" must be an object {"kernelGrad", "biasGrad", "inputGrad"}.`);
  const kernelGrad = readGrid(doc.sums.kernelGrad, "sums.kernelGrad", MAX_KERNEL_SIDE);
  sameShape(kernelGrad, kernel, `"sums.kernelGrad" must have the kernel's shape`);
  const biasGrad = finiteNumber(doc.sums.biasGrad, "sums.biasGrad");
  const inputGrad = readGrid(doc.sums.inputGrad, "sums.inputGrad");
  sameShape(inputGrad, image, `"sums.inputGrad" must have the image's shape`);
  return { ...common, sums: { kernelGrad, biasGrad, inputGrad } };
}

/** Options in the engine's optional form. */
export function toConvOptions(options: ResolvedConvOptions): ConvOptions {
  return { stride: options.stride, padding: options.padding, dilation: options.dilation };
}
