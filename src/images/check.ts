/**
 * The rules a set obeys, checked on anything the app did not just build itself: a stored set
 * (storage.ts) and a zip's manifest (zip.ts). The first broken rule is refused with an
 * ImageSetError naming the field; what passes is a fresh object of the known fields only, so
 * nothing stored beside them comes back.
 */
import { IMAGE_LIMITS, MAX_SKIPPED_LISTED, numberText } from "./limits";
import { classNameProblem, compareCodePoints, quoted } from "./names";
import { splitProblem } from "./split";
import {
  type ImageSet,
  ImageSetError,
  type ImageShape,
  type LabelledSet,
  type Skipped,
} from "./types";

/** The manifest a zip written by imageSetZip carries, to reopen with the same split. */
export interface ImageSetManifest {
  readonly version: 1;
  readonly classes: readonly string[];
  readonly shape: ImageShape;
  /** Entry names ("cats/0001.png"), relative to the manifest's folder. */
  readonly split: { readonly train: readonly string[]; readonly test: readonly string[] };
}

/** The longest id, skipped name and reason kept. */
const MAX_ID = 100;
const MAX_SKIPPED_NAME = 4096;
const MAX_SKIPPED_WHY = 1000;

function fail(what: string, field: string, message: string): never {
  throw new ImageSetError(`${what}: "${field}" ${message}.`);
}

function record(value: unknown, what: string, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(what, field, "must be an object");
  }
  return value as Record<string, unknown>;
}

function wholeNumber(
  value: unknown,
  min: number,
  max: number,
  what: string,
  field: string,
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(what, field, `must be a whole number from ${numberText(min)} to ${numberText(max)}`);
  }
  return value;
}

function list(value: unknown, max: number, what: string, field: string): unknown[] {
  if (!Array.isArray(value)) fail(what, field, "must be a list");
  if (value.length > max)
    fail(what, field, `has ${numberText(value.length)} items; ${numberText(max)} at most`);
  return value;
}

/** A target shape: whole sides from 1 to the limit; channels as `channels` allows. */
export function checkShape(
  value: unknown,
  what = "The image shape",
  field = "shape",
  channels: readonly (1 | 3)[] = [1, 3],
): ImageShape {
  const shape = record(value, what, field);
  const c = shape.channels;
  if (c !== 1 && c !== 3) fail(what, `${field}.channels`, "must be 1 or 3");
  if (!channels.includes(c)) fail(what, `${field}.channels`, `must be ${channels.join(" or ")}`);
  const height = wholeNumber(shape.height, 1, IMAGE_LIMITS.side, what, `${field}.height`);
  const width = wholeNumber(shape.width, 1, IMAGE_LIMITS.side, what, `${field}.width`);
  return { channels: c, height, width };
}

/** Class names: 2 to the limit, each a good name in NFC, sorted in code-point order, no repeats. */
export function checkClasses(value: unknown, what: string, field = "classes"): string[] {
  const classes = list(value, IMAGE_LIMITS.classes, what, field);
  if (classes.length < 2)
    fail(what, field, `has ${classes.length}; a set needs 2 classes at least`);
  classes.forEach((name, i) => {
    if (typeof name !== "string") fail(what, `${field}[${i}]`, "must be a string");
    const problem = classNameProblem(name);
    if (problem !== null) fail(what, `${field}[${i}]`, `is not a class name: ${problem}`);
    if (name.normalize("NFC") !== name)
      fail(what, `${field}[${i}]`, "must be in Unicode's NFC form");
    const before = classes[i - 1];
    if (typeof before === "string" && compareCodePoints(before, name) >= 0) {
      fail(
        what,
        `${field}[${i}]`,
        `(${quoted(name)}) must come after ${quoted(before)}: sorted, no repeats`,
      );
    }
  });
  return classes as string[];
}

/** The bytes as their own array: a view into a larger buffer would store the whole buffer. */
function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : bytes.slice();
}

function labelledSet(
  value: unknown,
  field: string,
  classCount: number,
  shape: ImageShape,
  what: string,
): LabelledSet {
  const set = record(value, what, field);
  const count = wholeNumber(set.count, 0, IMAGE_LIMITS.images, what, `${field}.count`);
  const { pixels, labels } = set;
  const size = count * 3 * shape.height * shape.width;
  if (!(pixels instanceof Uint8Array))
    fail(what, `${field}.pixels`, "must be bytes (a Uint8Array)");
  if (pixels.length !== size) {
    fail(
      what,
      `${field}.pixels`,
      `has ${numberText(pixels.length)} bytes; ${numberText(count)} images of 3x${shape.height}x${shape.width} are ${numberText(size)}`,
    );
  }
  if (!(labels instanceof Uint8Array))
    fail(what, `${field}.labels`, "must be bytes (a Uint8Array)");
  if (labels.length !== count) {
    fail(
      what,
      `${field}.labels`,
      `has ${numberText(labels.length)} labels for ${numberText(count)} images`,
    );
  }
  const bad = labels.findIndex((label) => label >= classCount);
  if (bad >= 0) {
    fail(what, `${field}.labels[${bad}]`, `is ${labels[bad]}, but there are ${classCount} classes`);
  }
  return { count, pixels: ownBytes(pixels), labels: ownBytes(labels) };
}

function skippedList(value: unknown, what: string): Skipped[] {
  return list(value, MAX_SKIPPED_LISTED, what, "skipped").map((item, i) => {
    const row = record(item, what, `skipped[${i}]`);
    for (const [key, max] of [
      ["name", MAX_SKIPPED_NAME],
      ["why", MAX_SKIPPED_WHY],
    ] as const) {
      const text = row[key];
      if (typeof text !== "string" || text.length > max) {
        fail(
          what,
          `skipped[${i}].${key}`,
          `must be a string of ${numberText(max)} characters at most`,
        );
      }
    }
    return { name: row.name as string, why: row.why as string };
  });
}

/**
 * A value (a stored set) as an ImageSet, or an ImageSetError naming the first field that
 * breaks a rule: the id; 2–50 sorted class names; a 3-channel shape within the side limit;
 * train and test with matching counts, byte lengths and labels below the class count; at
 * most 5,000 images; every class with an image, split as split.ts's rule allows.
 */
export function checkImageSet(value: unknown, what = "The image set"): ImageSet {
  const set = record(value, what, "set");
  const id = set.id;
  if (typeof id !== "string" || id === "" || id.length > MAX_ID) {
    fail(what, "id", `must be a string of 1 to ${MAX_ID} characters`);
  }
  const classes = checkClasses(set.classes, what);
  const shape = checkShape(set.shape, what, "shape", [3]);
  const train = labelledSet(set.train, "train", classes.length, shape, what);
  const test = labelledSet(set.test, "test", classes.length, shape, what);
  if (train.count + test.count > IMAGE_LIMITS.images) {
    fail(
      what,
      "train.count",
      `and "test.count" add up to ${numberText(train.count + test.count)} images; ${numberText(IMAGE_LIMITS.images)} at most`,
    );
  }
  const trainCounts = classCounts(train.labels, classes.length);
  const testCounts = classCounts(test.labels, classes.length);
  classes.forEach((name, i) => {
    const problem = splitProblem(trainCounts[i] ?? 0, testCounts[i] ?? 0);
    if (problem !== null) fail(what, `classes[${i}]`, `(${quoted(name)}) is refused: ${problem}`);
  });
  if (test.count === 0) {
    fail(
      what,
      "test.count",
      "is 0: every class has one image, so none is held out to measure the network; give at least one class a second image",
    );
  }
  return { id, classes, shape, train, test, skipped: skippedList(set.skipped, what) };
}

/** How many of `labels` name each of `classes` classes. */
export function classCounts(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

/** A zip's manifest (convsweep-images.json, already parsed) as imageSetZip writes it. */
export function checkManifest(
  value: unknown,
  what = "The zip's convsweep-images.json",
): ImageSetManifest {
  const manifest = record(value, what, "manifest");
  if (manifest.version !== 1) fail(what, "version", "must be 1");
  const classes = checkClasses(manifest.classes, what);
  const shape = checkShape(manifest.shape, what, "shape", [3]);
  const split = record(manifest.split, what, "split");
  const known = new Set(classes);
  const seen = new Set<string>();
  const names = (field: "train" | "test"): string[] =>
    list(split[field], IMAGE_LIMITS.images, what, `split.${field}`).map((name, i) => {
      const at = `split.${field}[${i}]`;
      if (typeof name !== "string") fail(what, at, "must be a string");
      const cut = name.lastIndexOf("/");
      if (cut < 0 || !known.has(name.slice(0, cut)) || cut === name.length - 1) {
        fail(what, at, `(${quoted(name)}) must be a file in one of the class folders`);
      }
      if (seen.has(name)) fail(what, at, `(${quoted(name)}) is listed twice`);
      seen.add(name);
      return name;
    });
  const train = names("train");
  const test = names("test");
  if (train.length + test.length > IMAGE_LIMITS.images) {
    fail(
      what,
      "split",
      `lists ${numberText(train.length + test.length)} images; ${numberText(IMAGE_LIMITS.images)} at most`,
    );
  }
  return { version: 1, classes, shape, split: { train, test } };
}
