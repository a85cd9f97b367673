/**
 * Files to an ImageSet: plan from names and sizes (collect.ts), then read, check and decode
 * one image at a time (only one file's bytes and one decoded picture live at once), then
 * split (split.ts) and check the result against the same rules a stored set must pass.
 */
import { checkImageSet, checkShape } from "./check";
import { fewClassesError, planImages } from "./collect";
import { decodeImage } from "./decode";
import { imageBytes } from "./fit";
import { bytesText, capSkipped, type ImageLimits, imageLimits, numberText } from "./limits";
import { compareCodePoints, imageKind, NOT_IMAGE, quoted } from "./names";
import { DEFAULT_SEED, splitItems } from "./split";
import {
  type DecodeImage,
  type ImageEntries,
  type ImageEntry,
  type ImageSet,
  ImageSetError,
  type ImageShape,
  type LabelledSet,
  type Skipped,
} from "./types";
import { readZip } from "./zip";

export interface OpenImageSetOptions {
  /** The split's seed (split.ts); 1 when not given. */
  readonly seed?: number | undefined;
  /** Called with images done (read or skipped) of the planned total: at most every ~50 ms, and at the end. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Stops between images: the promise rejects with a DOMException named AbortError. */
  readonly signal?: AbortSignal | undefined;
  /** Bytes to [3][H][W] (decode.ts's decodeImage when not given: browsers only). */
  readonly decode?: DecodeImage | undefined;
  readonly limits?: Partial<ImageLimits> | undefined;
}

/** Milliseconds between progress calls. */
const PROGRESS_MS = 50;

/** A new set id: "set-" + time + random (getRandomValues, which insecure pages have too). */
export function newImageSetId(): string {
  const random = new Uint32Array(2);
  globalThis.crypto.getRandomValues(random);
  const tail = [...random].map((n) => n.toString(36).padStart(7, "0")).join("");
  return `set-${Date.now().toString(36)}-${tail}`;
}

function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException("Opening the images was stopped.", "AbortError");
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One decoded image waiting to be split. */
export interface Decoded {
  readonly path: string;
  readonly className: string;
  readonly fixed: "train" | "test" | undefined;
  pixels: Uint8Array | null;
}

/**
 * A set from entries (a list, or entriesFromFiles's result with what it already skipped),
 * fitted to `shape` and stored as RGB whatever the shape's channels. Files are read and
 * decoded one at a time; a file that cannot be read or decoded is skipped, and so is a class
 * left with no image. Throws an ImageSetError when fewer than 2 classes are left.
 */
export async function openImageSet(
  source: readonly ImageEntry[] | ImageEntries,
  shape: ImageShape,
  options: OpenImageSetOptions = {},
): Promise<ImageSet> {
  const { signal, onProgress } = options;
  const decode = options.decode ?? decodeImage;
  const limits = imageLimits(options.limits);
  const { height, width } = checkShape(shape, "The image size");
  const stored: ImageShape = { channels: 3, height, width };
  const seed = checkSeed(options.seed);
  stopIfAborted(signal);
  // Not `"entries" in source`: every array has an entries() method.
  const given: ImageEntries = isEntryList(source) ? { entries: source, skipped: [] } : source;
  const plan = planImages(given.entries, limits, given.skipped);
  const skipped: Skipped[] = [...plan.skipped];
  const total = plan.images.length;
  let last = -Infinity;
  const progress = (done: number) => {
    const now = performance.now();
    if (onProgress && (done === total || now - last >= PROGRESS_MS)) {
      last = now;
      onProgress(done, total);
    }
  };
  progress(0);

  const size = imageBytes(stored);
  const decoded: Decoded[] = [];
  for (const [done, image] of plan.images.entries()) {
    stopIfAborted(signal);
    const why = await readOne(image.entry, stored, decode, limits, (pixels) => {
      if (pixels.length !== size) {
        throw new Error(
          `the decoder gave ${numberText(pixels.length)} bytes, not ${numberText(size)}`,
        );
      }
      decoded.push({
        path: image.path,
        className: image.className,
        fixed: image.entry.split,
        pixels,
      });
    });
    stopIfAborted(signal);
    if (why !== null) skipped.push({ name: image.path, why });
    progress(done + 1);
  }

  const counts = new Map<string, number>();
  for (const d of decoded) counts.set(d.className, (counts.get(d.className) ?? 0) + 1);
  for (const name of plan.classes) {
    if (!counts.has(name)) {
      skipped.push({
        name: `${name}/`,
        why: "no image in this folder could be read, so it is not a class",
      });
    }
  }
  if (counts.size < 2) throw fewClassesError(counts, skipped);
  const classes = [...counts.keys()].sort(compareCodePoints);
  return assemble(decoded, classes, stored, seed, skipped);
}

function isEntryList(
  source: readonly ImageEntry[] | ImageEntries,
): source is readonly ImageEntry[] {
  return Array.isArray(source);
}

/** Reads, checks and decodes one entry; the reason it is skipped, or null when kept. */
async function readOne(
  entry: ImageEntry,
  shape: ImageShape,
  decode: DecodeImage,
  limits: ImageLimits,
  keep: (pixels: Uint8Array) => void,
): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    bytes = await entry.bytes();
  } catch (error) {
    return `could not be read (${errorText(error)})`;
  }
  if (bytes.length > limits.fileBytes) {
    return `${bytesText(bytes.length)}: an image of ${bytesText(limits.fileBytes)} at most is read`;
  }
  const kind = imageKind(bytes);
  if (kind === null) return `${NOT_IMAGE} (its first bytes are not an image's)`;
  try {
    keep(await decode(bytes, shape));
    return null;
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    return `could not be decoded as ${kind.toUpperCase()} (${errorText(error)})`;
  }
}

export function checkSeed(seed: number | undefined): number {
  if (seed === undefined) return DEFAULT_SEED;
  if (!Number.isSafeInteger(seed))
    throw new ImageSetError(`The split's seed must be a whole number; it is ${seed}.`);
  return seed;
}

/** The decoded images split and packed into train and test, in path order; then checked. */
export function assemble(
  decoded: Decoded[],
  classes: readonly string[],
  shape: ImageShape,
  seed: number,
  skipped: readonly Skipped[],
): ImageSet {
  decoded.sort((a, b) => compareCodePoints(a.path, b.path));
  const label = new Map(classes.map((name, i) => [name, i]));
  const items = decoded.map((d) => ({
    path: d.path,
    label: label.get(d.className) ?? 0,
    fixed: d.fixed,
  }));
  const split = splitItems(items, classes, seed);
  const size = imageBytes(shape);
  const parts = {
    train: packer(split.filter((s) => s === "train").length, size),
    test: packer(split.filter((s) => s === "test").length, size),
  };
  decoded.forEach((d, i) => {
    parts[split[i] ?? "train"].add(d.pixels as Uint8Array, items[i]?.label ?? 0);
    d.pixels = null; // let the copy be the only one
  });
  return checkImageSet({
    id: newImageSetId(),
    classes,
    shape,
    train: parts.train.set,
    test: parts.test.set,
    skipped: capSkipped(skipped),
  });
}

function packer(
  count: number,
  size: number,
): { set: LabelledSet; add: (pixels: Uint8Array, label: number) => void } {
  const set = { count, pixels: new Uint8Array(count * size), labels: new Uint8Array(count) };
  let next = 0;
  return {
    set,
    add: (pixels, label) => {
      set.pixels.set(pixels, next * size);
      set.labels[next] = label;
      next++;
    },
  };
}

/**
 * A zip by its first bytes ("PK\x03\x04"), whatever its name says (a renamed download). A file
 * that cannot be read is not taken for one: reading it again as an image skips it, by name and
 * reason, and the rest of the folder opens.
 */
async function isZip(file: Blob): Promise<boolean> {
  if (file.size < 4) return false;
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  } catch {
    return false;
  }
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/**
 * Files chosen in a page (an <input type=file> with or without webkitdirectory) as entries:
 * each file's path is its webkitRelativePath, else its name; a .zip among them is expanded
 * (zip.ts), its refusals listed in `skipped` and a zip bomb or unreadable zip refused.
 */
export async function entriesFromFiles(
  files: readonly File[],
  options: {
    readonly limits?: Partial<ImageLimits> | undefined;
    readonly signal?: AbortSignal | undefined;
    /** Each file's path when the files came from a dropped folder (same order as `files`). */
    readonly paths?: readonly string[] | undefined;
  } = {},
): Promise<ImageEntries> {
  const limits = imageLimits(options.limits);
  const entries: ImageEntry[] = [];
  const skipped: Skipped[] = [];
  for (const [i, file] of files.entries()) {
    stopIfAborted(options.signal);
    const path =
      options.paths?.[i] ||
      (file as { webkitRelativePath?: string }).webkitRelativePath ||
      file.name;
    if (!file.name.toLowerCase().endsWith(".zip") && !(await isZip(file))) {
      entries.push({
        path,
        size: file.size,
        bytes: async () => new Uint8Array(await file.arrayBuffer()),
      });
      continue;
    }
    if (file.size > limits.bytes) {
      throw new ImageSetError(
        `${quoted(path)} is ${bytesText(file.size)}; a zip of ${bytesText(limits.bytes)} at most is read. Zip fewer images, or smaller ones.`,
      );
    }
    let data: Uint8Array;
    try {
      data = new Uint8Array(await file.arrayBuffer());
    } catch (error) {
      throw new ImageSetError(
        `${quoted(path)} could not be read (${errorText(error)}): choose it again.`,
      );
    }
    const zip = readZip(data, path, limits);
    entries.push(...zip.entries);
    skipped.push(...zip.skipped);
  }
  return { entries, skipped };
}
