import {
  type ConvOptions,
  conv2d,
  createGrid,
  type Grid,
  MAX_KERNEL_SIDE,
  type ResolvedConvOptions,
} from "../engine/index";
import {
  checkFiniteNumber,
  checkFit,
  checkImage,
  checkSides,
  checkState,
  MAX_IMAGE_SIDE,
  MAX_OUTPUT_SIDE,
  type StateFields,
  StateFileError,
  shown,
} from "./stateRules";

export { StateFileError } from "./stateRules";

/** The state file's format name and version (docs/state-file.md). */
export const STATE_FORMAT = "convsweep-state";
export const STATE_VERSION = 1;
/** Larger files are refused before they are parsed. */
export const MAX_STATE_FILE_BYTES = 5 * 1024 * 1024;
/**
 * Files whose arrays and objects nest deeper are refused before they are parsed (a state file
 * needs 4 levels: the file, `sums`, `sums.kernelGrad`, its `data`).
 */
export const MAX_STATE_DEPTH = 32;
/** The file name Export downloads. */
export const STATE_FILE_NAME = "convsweep-state.json";

/** Everything the state file records (docs/state-file.md), with grids as engine Grids. */
export type SavedState = Omit<StateFields, "sums"> & { sums: NonNullable<StateFields["sums"]> };

/** What a link carries: the state without the sums (they are derived again). */
export type LinkedState = Omit<SavedState, "sums">;

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
    // Only in Paint δ mode: a file without it is what version 1 always was.
    ...(state.paintedDelta ? { paintedDelta: gridJson(state.paintedDelta) } : {}),
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

/** Reads a grid's structure; its sides are checked against maxSide before anything is made. */
function readGrid(value: unknown, name: string, maxSide: number): Grid {
  if (!isRecord(value)) fail(`"${name}" must be a grid {"height", "width", "data"}.`);
  checkSides(value.height, value.width, name, maxSide);
  const height = value.height as number;
  const width = value.width as number;
  const { data } = value;
  if (!Array.isArray(data)) fail(`"${name}.data" must be an array of numbers.`);
  if (data.length !== height * width) {
    fail(
      `"${name}" says ${height}x${width} (${height * width} values) but its data has ${data.length} values.`,
    );
  }
  const grid = createGrid(height, width);
  for (let i = 0; i < data.length; i++) {
    grid.data[i] = checkFiniteNumber(data[i], `${name}.data[${i}]`);
  }
  return grid;
}

/**
 * Parses and checks a state file's text. Throws StateFileError naming the first problem.
 * Whether `sums` agree with the other fields is checked by the caller, which runs the sweep.
 */
export function parseState(text: string): SavedState {
  if (text.length > MAX_STATE_FILE_BYTES) {
    fail(`The file is ${(text.length / 1048576).toFixed(1)} MB; a state file is at most 5 MB.`);
  }
  checkNesting(text, MAX_STATE_DEPTH);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail("The file is not JSON, so it is not a ConvSweep state file.");
  }
  return readState(doc, "file");
}

/**
 * Refuses JSON text whose arrays and objects nest more than `maxDepth` levels deep, in one
 * pass over the text before it is parsed: JSON.parse takes seconds over a few megabytes of
 * brackets nested a million deep, and no state file is nested like that.
 */
export function checkNesting(text: string, maxDepth: number, what = "state file"): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote (a backslash escapes the character after it).
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) {
        fail(
          `The file nests its values more than ${maxDepth} levels deep (a ${what} needs at most 4), so it is not a ConvSweep ${what}.`,
        );
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
}

/**
 * Checks a parsed state document against the rules of stateRules.ts. A state file ("file")
 * has every field; a link ("link") leaves out `sums`, and `target` when `targetKernel` makes
 * it (both are derived again).
 */
export function readState(doc: unknown, kind: "file"): SavedState;
export function readState(doc: unknown, kind: "link"): LinkedState;
export function readState(doc: unknown, kind: "file" | "link"): SavedState | LinkedState {
  if (!isRecord(doc)) fail("The file is JSON but not a ConvSweep state object.");
  if (doc.format !== STATE_FORMAT) {
    fail(`"format" must be "${STATE_FORMAT}", but it is ${shown(doc.format ?? "missing")}.`);
  }
  if (doc.version !== STATE_VERSION) {
    fail(
      `This app reads state files of version ${STATE_VERSION}; this one is version ${shown(doc.version ?? "missing")}.`,
    );
  }
  const image = readGrid(doc.image, "image", MAX_IMAGE_SIDE);
  checkImage(image);
  const kernel = readGrid(doc.kernel, "kernel", MAX_KERNEL_SIDE);
  const bias = checkFiniteNumber(doc.bias, "bias");
  if (!isRecord(doc.options)) {
    fail(`"options" must be an object {"stride", "padding", "dilation"}.`);
  }
  const options = {
    stride: doc.options.stride,
    padding: doc.options.padding,
    dilation: doc.options.dilation,
  } as ResolvedConvOptions;
  checkFit(image, kernel, options);
  if (kind === "file" && doc.targetKernel === undefined) {
    fail(`"targetKernel" is missing (it is null when the target was not made by a filter).`);
  }
  const targetKernel =
    doc.targetKernel === null || doc.targetKernel === undefined
      ? null
      : readGrid(doc.targetKernel, "targetKernel", MAX_KERNEL_SIDE);
  // A link leaves out a target that its filter makes; it is made again here.
  const target =
    kind === "link" && doc.target === undefined && targetKernel !== null
      ? makeLinkTarget(image, kernel, targetKernel, options)
      : readGrid(doc.target, "target", MAX_OUTPUT_SIDE);
  if (!isRecord(doc.loss) || (doc.loss.reduction !== "sum" && doc.loss.reduction !== "mean")) {
    fail(`"loss.reduction" must be "sum" or "mean".`);
  }
  // Optional (Paint δ mode); its shape and values are checked with the rest by checkState.
  const paintedDelta =
    doc.paintedDelta === null || doc.paintedDelta === undefined
      ? null
      : readGrid(doc.paintedDelta, "paintedDelta", MAX_OUTPUT_SIDE);
  const common: LinkedState = {
    image,
    kernel,
    bias,
    target,
    targetKernel,
    ...(paintedDelta === null ? {} : { paintedDelta }),
    options,
    reduction: doc.loss.reduction,
    learningRate: checkFiniteNumber(doc.learningRate, "learningRate"),
    updates: checkFiniteNumber(doc.updates, "updates"),
    position: checkFiniteNumber(doc.position, "position"),
  };
  if (kind === "link") {
    checkState({ ...common, sums: null }, null);
    return common;
  }
  if (!isRecord(doc.sums)) {
    fail(`"sums" must be an object {"kernelGrad", "biasGrad", "inputGrad"}.`);
  }
  const sums = {
    kernelGrad: readGrid(doc.sums.kernelGrad, "sums.kernelGrad", MAX_KERNEL_SIDE),
    biasGrad: checkFiniteNumber(doc.sums.biasGrad, "sums.biasGrad"),
    inputGrad: readGrid(doc.sums.inputGrad, "sums.inputGrad", MAX_IMAGE_SIDE),
  };
  const saved: SavedState = { ...common, sums };
  checkState(saved, null);
  return saved;
}

/** The target a link's target filter makes (checked first: it must have the kernel's shape). */
function makeLinkTarget(
  image: Grid,
  kernel: Grid,
  targetKernel: Grid,
  options: ResolvedConvOptions,
): Grid {
  if (targetKernel.height !== kernel.height || targetKernel.width !== kernel.width) {
    fail(
      `"targetKernel" must have the kernel's shape: expected ${kernel.height}x${kernel.width}, found ${targetKernel.height}x${targetKernel.width}.`,
    );
  }
  return conv2d(image, targetKernel, 0, options);
}

/** Options in the engine's optional form. */
export function toConvOptions(options: ResolvedConvOptions): ConvOptions {
  return { stride: options.stride, padding: options.padding, dilation: options.dilation };
}
