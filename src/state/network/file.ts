/**
 * The real network's state file ("convsweep-network", version 2; version 1 is still read) and
 * its share link. Every number the section shows is in the file: the network (its layers,
 * every parameter, momentum),
 * the settings, the history (losses, batch accuracies, evaluations with confusion matrices),
 * the drawn digit, and the sweep's choice, cursor and sums. Reading is as strict as the main
 * state file's: the first problem is refused with a message naming the field.
 */
import {
  CNN_CONFIG_RANGES,
  type CnnConfig,
  cnnArchitecture,
  cnnPresetSpec,
  errorText,
  IMAGE_SIDE,
  type NetworkSpec,
  type TrainSettings,
} from "../../engine";
import { NETWORK_HOLDS } from "../../worker/network/protocol";
import { checkNesting, MAX_STATE_DEPTH } from "../stateFile";
import {
  checkFiniteNumber,
  checkMagnitude,
  checkRecord,
  checkWholeNumber,
  StateFileError,
  shown,
} from "../stateRules";
import { DIGITS, dataWords, fitOf, type SectionData } from "./data";
import { namedImages, readData } from "./fileData";
import { digitsSpec, readSpec, sectionNetwork } from "./spec";
import type { NetworkEvaluation, NetworkState, SweepChoice } from "./store";
import { networkSums } from "./sums";

/** The file's format name and version. */
export const NETWORK_FORMAT = "convsweep-network";
export const NETWORK_VERSION = 2;
/** The largest file read (a long run's history included). */
export const MAX_NETWORK_FILE_BYTES = 32 * 1048576;
/** Parameters stay within ±this; momentum buffers within ±MAX_VELOCITY; steps up to MAX_STEPS. */
export const MAX_PARAM = NETWORK_HOLDS.param;
export const MAX_VELOCITY = NETWORK_HOLDS.velocity;
export const MAX_STEPS = NETWORK_HOLDS.steps;

/** What a file restores (the rest of the state is derived or transient). */
export type NetworkFileState = Pick<
  NetworkState,
  | "spec"
  | "data"
  | "settings"
  | "params"
  | "velocity"
  | "steps"
  | "losses"
  | "batchAccuracies"
  | "evaluations"
  | "drawn"
  | "choice"
  | "layer"
  | "filter"
  | "position"
>;

function fail(message: string): never {
  throw new StateFileError(message);
}

const record = checkRecord;

function numbers(value: unknown, name: string, length: number | null): unknown[] {
  if (!Array.isArray(value))
    fail(`"${name}" must be an array of numbers, but it is ${shown(value)}.`);
  if (length !== null && value.length !== length) {
    fail(`"${name}" must hold ${length} numbers for this network, but it holds ${value.length}.`);
  }
  return value;
}

function magnitudes(value: unknown, name: string, length: number, limit: number, what: string) {
  const list = numbers(value, name, length);
  return Float64Array.from(list, (v, i) => checkMagnitude(v, `${name}[${i}]`, limit, what));
}

function between(value: unknown, name: string, min: number, max: number): number {
  const n = checkFiniteNumber(value, name);
  if (n < min || n > max) fail(`"${name}" must be from ${min} to ${max}, but it is ${n}.`);
  return n;
}

/**
 * Checks a version 1 file's (or an older link's) network shape: K, K2, stride and padding of
 * the small CNN, which is the spec cnnPresetSpec(config) today.
 */
export function readConfig(value: unknown): { config: CnnConfig; length: number } {
  const c = record(value, "config");
  const r = CNN_CONFIG_RANGES;
  const config: CnnConfig = {
    filters: checkWholeNumber(c.filters, "config.filters", r.filters.min, r.filters.max),
    filters2: checkWholeNumber(c.filters2, "config.filters2", 0, 16),
    stride: checkWholeNumber(c.stride, "config.stride", r.stride.min, r.stride.max),
    padding: checkWholeNumber(c.padding, "config.padding", r.padding.min, r.padding.max),
  };
  try {
    return { config, length: cnnArchitecture(config).layout.length };
  } catch (error) {
    fail(`"config" does not make a network: ${errorText(error)}`);
  }
}

/** Checks the training settings. */
export function readSettings(value: unknown): TrainSettings {
  const s = record(value, "settings");
  if (s.reduction !== "sum" && s.reduction !== "mean") {
    fail(`"settings.reduction" must be "sum" or "mean", but it is ${shown(s.reduction)}.`);
  }
  const momentum = between(s.momentum, "settings.momentum", 0, 0.999999);
  return {
    batchSize: checkWholeNumber(s.batchSize, "settings.batchSize", 1, 1024),
    learningRate: between(s.learningRate, "settings.learningRate", 0, 1e6),
    momentum,
    reduction: s.reduction,
    seed: checkWholeNumber(s.seed, "settings.seed", 0, 0xffffffff),
    // Files written before these settings existed trained without them.
    maxShift:
      s.maxShift === undefined ? 0 : checkWholeNumber(s.maxShift, "settings.maxShift", 0, 2),
    learningRateHalfLife:
      s.learningRateHalfLife === undefined
        ? 0
        : checkWholeNumber(s.learningRateHalfLife, "settings.learningRateHalfLife", 0, 1e9),
  };
}

/**
 * Checks the sweep's choice of image, layer and filter against the network. `layer` is the
 * conv layer's index in the spec's layers (version 1 numbered the small CNN's conv layers 1
 * and 2: `convNumbers` reads them so).
 */
export function readChoice(
  value: unknown,
  spec: NetworkSpec,
  convNumbers = false,
  data: SectionData = DIGITS,
) {
  const s = record(value, "sweep");
  const image = record(s.image, "sweep.image");
  const { train, test } = dataWords(data);
  let choice: SweepChoice;
  if (image.set === "drawn" && data.kind === "digits") {
    choice = { set: "drawn", label: checkWholeNumber(image.label, "sweep.image.label", 0, 9) };
  } else if (image.set === "train" || image.set === "test") {
    const count = image.set === "train" ? train : test;
    choice = {
      set: image.set,
      index: checkWholeNumber(image.index, "sweep.image.index", 0, count - 1),
    };
  } else {
    const sets = data.kind === "digits" ? `"train", "test" or "drawn"` : `"train" or "test"`;
    fail(`"sweep.image.set" must be ${sets}, but it is ${shown(image.set)}.`);
  }
  const convs = spec.layers.flatMap((l, i) => (l.type === "conv2d" ? [i] : []));
  let layer: number;
  if (convNumbers) {
    layer = convs[checkWholeNumber(s.layer, "sweep.layer", 1, convs.length) - 1] as number;
  } else {
    layer = checkWholeNumber(s.layer, "sweep.layer", 0, spec.layers.length - 1);
    if (!convs.includes(layer)) {
      fail(`"sweep.layer" must be a conv layer's index (${convs.join(", ")}), but it is ${layer}.`);
    }
  }
  const conv = spec.layers[layer];
  const filters = conv?.type === "conv2d" ? conv.filters : 1;
  const filter = checkWholeNumber(s.filter, "sweep.filter", 0, filters - 1);
  return { choice, layer, filter, s };
}

function readEvaluations(value: unknown, steps: number, data: SectionData): NetworkEvaluation[] {
  const classes = fitOf(data).classes;
  const { test } = dataWords(data);
  if (!Array.isArray(value)) fail(`"evaluations" must be an array, but it is ${shown(value)}.`);
  let last = -1;
  return value.map((item, i) => {
    const e = record(item, `evaluations[${i}]`);
    const step = checkWholeNumber(e.step, `evaluations[${i}].step`, Math.max(0, last), steps);
    last = step;
    const confusion = numbers(e.confusion, `evaluations[${i}].confusion`, classes * classes);
    return {
      step,
      accuracy: between(e.accuracy, `evaluations[${i}].accuracy`, 0, 1),
      loss: between(e.loss, `evaluations[${i}].loss`, 0, NETWORK_HOLDS.loss),
      confusion: Int32Array.from(confusion, (n, j) =>
        checkWholeNumber(n, `evaluations[${i}].confusion[${j}]`, 0, test),
      ),
    };
  });
}

/** A file's state, and the sums it saved: at the cursor, and the engine's whole gradient. */
export interface NetworkFileContents extends NetworkFileState {
  readonly savedSums: SavedSums | null;
  readonly savedGradient: SavedSums | null;
}

/**
 * Parses and checks a network file's text. A file of a network trained on a person's images
 * opens only while those images are the section's data (`current`). Throws StateFileError
 * naming the first problem.
 */
export function parseNetworkFile(text: string, current: SectionData = DIGITS): NetworkFileContents {
  if (text.length > MAX_NETWORK_FILE_BYTES) {
    fail(`The file is ${(text.length / 1048576).toFixed(1)} MB; a network file is at most 32 MB.`);
  }
  checkNesting(text, MAX_STATE_DEPTH, "network file");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail("The file is not JSON, so it is not a ConvSweep network file.");
  }
  const d = record(doc, "the file");
  if (d.format !== NETWORK_FORMAT) {
    fail(`"format" must be "${NETWORK_FORMAT}", but it is ${shown(d.format ?? "missing")}.`);
  }
  if (d.version !== NETWORK_VERSION && d.version !== 1) {
    fail(
      `This app reads network files of versions 1 and ${NETWORK_VERSION}; this one is version ${shown(d.version ?? "missing")}.`,
    );
  }
  // Version 1 held the small CNN's config; version 2 holds the layers.
  const v1 = d.version === 1;
  const data = v1 ? DIGITS : readData(d.images, current);
  const spec = v1
    ? digitsSpec(cnnPresetSpec(readConfig(d.config).config).layers)
    : readSpec(d.network, "network", fitOf(data));
  const net = sectionNetwork(spec, fitOf(data));
  const length = net.paramCount;
  const settings = readSettings(d.settings);
  const steps = checkWholeNumber(d.steps, "steps", 0, MAX_STEPS);
  const params = magnitudes(d.params, "params", length, MAX_PARAM, "parameters");
  const velocity = magnitudes(d.velocity, "velocity", length, MAX_VELOCITY, "momentum values");
  const lossList = numbers(d.losses, "losses", null);
  if (lossList.length > steps) {
    fail(`"losses" holds ${lossList.length} losses, more than the ${steps} steps taken.`);
  }
  const losses = lossList.map((v, i) => between(v, `losses[${i}]`, 0, NETWORK_HOLDS.loss));
  const accuracies = numbers(d.batchAccuracies, "batchAccuracies", losses.length);
  const batchAccuracies = accuracies.map((v, i) => between(v, `batchAccuracies[${i}]`, 0, 1));
  const evaluations = readEvaluations(d.evaluations, steps, data);
  const drawnList = numbers(d.drawn, "drawn", IMAGE_SIDE * IMAGE_SIDE);
  const drawn = Float64Array.from(drawnList, (v, i) => between(v, `drawn[${i}]`, 0, 1));
  const { choice, layer, filter, s } = readChoice(d.sweep, spec, v1, data);
  const plan = net.plans[layer];
  if (plan?.type !== "conv2d") fail(`"sweep.layer" must be a conv layer, but it is ${layer}.`);
  const shape = plan.conv;
  const positions = shape.outHeight * shape.outWidth;
  const position = checkWholeNumber(s.position, "sweep.position", 0, positions);
  const size = shape.inChannels * shape.kernelHeight * shape.kernelWidth;
  const below = shape.inChannels * shape.inHeight * shape.inWidth;
  return {
    spec,
    data,
    settings,
    params,
    velocity,
    steps,
    losses,
    batchAccuracies,
    evaluations,
    drawn,
    choice,
    layer,
    filter,
    position,
    savedSums: readSums(s.sums, "sweep.sums", size, below),
    savedGradient: readSums(s.engine, "sweep.engine", size, null),
  };
}

/** Sums a file holds for the sweep: as saved, to be compared with the same sweep made again. */
export interface SavedSums {
  readonly weightGrad: Float64Array;
  readonly biasGrad: number;
  /** The layer below's buffer (null: not saved, as in the engine's gradient). */
  readonly below: Float64Array | null;
}

function finiteList(value: unknown, name: string, length: number): Float64Array {
  const list = numbers(value, name, length);
  return Float64Array.from(list, (v, i) => checkFiniteNumber(v, `${name}[${i}]`));
}

/** A file's sums (null when it saved none); `belowLength` null: no layer-below buffer. */
function readSums(
  value: unknown,
  name: string,
  size: number,
  belowLength: number | null,
): SavedSums | null {
  if (value === null || value === undefined) return null;
  const sums = record(value, name);
  return {
    weightGrad: finiteList(sums.weightGrad, `${name}.weightGrad`, size),
    biasGrad: checkFiniteNumber(sums.biasGrad, `${name}.biasGrad`),
    below:
      belowLength === null || sums.below === undefined
        ? null
        : finiteList(sums.below, `${name}.below`, belowLength),
  };
}

/**
 * Where a file's saved sums part from the same sums made again (null: they agree). Each list
 * is compared to 1e-9 of its largest magnitude: the same engine gives the same bits, and
 * another browser's Math.exp may move the last few.
 */
export function sumsDisagreement(saved: SavedSums, fresh: SavedSums, name: string): string | null {
  const lists: [string, ArrayLike<number>, ArrayLike<number>][] = [
    [`${name}.weightGrad`, saved.weightGrad, fresh.weightGrad],
    [`${name}.biasGrad`, [saved.biasGrad], [fresh.biasGrad]],
  ];
  if (saved.below !== null && fresh.below !== null) {
    lists.push([`${name}.below`, saved.below, fresh.below]);
  }
  for (const [field, a, b] of lists) {
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(a[i] as number), Math.abs(b[i] as number));
    }
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as number;
      const y = b[i] as number;
      if (Math.abs(x - y) > 1e-9 * scale) {
        const at = a.length === 1 ? field : `${field}[${i}]`;
        return `"${at}" is ${x} in the file, but the sweep of its network gives ${y}`;
      }
    }
  }
  return null;
}

/** The file's text for a state: every number shown, the sums at the cursor included. */
export function serializeNetwork(state: NetworkState): string {
  // A sweep of an earlier network (training has moved on since) is not saved with this one.
  const sweep = state.sweepParams === state.params ? state.sweep : null;
  const sums = sweep === null ? null : networkSums(sweep, state.position);
  return JSON.stringify({
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    network: state.spec,
    // The person's images the network reads, named (the images are saved on their own).
    images: state.data.kind === "images" ? namedImages(state.data.set) : undefined,
    settings: state.settings,
    steps: state.steps,
    params: [...state.params],
    velocity: [...state.velocity],
    losses: [...state.losses],
    batchAccuracies: [...state.batchAccuracies],
    evaluations: state.evaluations.map((e) => ({ ...e, confusion: [...e.confusion] })),
    drawn: [...state.drawn],
    sweep: {
      image: state.choice,
      layer: state.layer,
      filter: state.filter,
      position: state.position,
      contributing: sweep?.sweep.contributing ?? null,
      sums:
        sums === null
          ? null
          : { weightGrad: [...sums.weightGrad], biasGrad: sums.biasGrad, below: [...sums.below] },
      engine:
        sweep === null
          ? null
          : { weightGrad: [...sweep.sweep.weightGrad], biasGrad: sweep.sweep.biasGrad },
    },
  });
}
