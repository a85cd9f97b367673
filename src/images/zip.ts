/**
 * Zips in and out. Reading lists the central directory first (fflate's filter sees each
 * entry's declared sizes and unpacks nothing), decides every entry from its name and declared
 * sizes (limits, damaged sizes, zip bombs), and unpacks only the entries kept, lazily, a
 * batch at a time as they are read. Writing makes `<class>/nnnn.png` plus a manifest
 * (convsweep-images.json) that reopens to the same split.
 *
 * Hazards:
 * - fflate's async `unzip` inflates large entries in workers made from blob: URLs, which the
 *   built page's Content-Security-Policy (worker-src 'self') refuses, and its callback would
 *   then never come: only unzipSync is used, in batches of at most BATCH_BYTES.
 * - fflate unpacks an entry into a buffer of its declared size and drops whatever more the
 *   data holds, so memory never passes the declared sizes the limits checked; a zip that lies
 *   about a size gets a cut-off file, which then fails to decode.
 * - Entries must be read in the order given (path order, as openImageSet does): each miss
 *   unpacks a new batch from the entry read.
 */
import { strFromU8, strToU8, unzipSync, type Zippable, zipSync } from "fflate";
import { checkImageSet, checkManifest, type ImageSetManifest } from "./check";
import { pathVerdict, takeInOrder } from "./collect";
import {
  bytesText,
  IMAGE_LIMITS,
  type ImageLimits,
  MAX_MANIFEST_BYTES,
  MAX_ZIP_ENTRIES,
  numberText,
  ZIP_BOMB_FROM,
  ZIP_BOMB_RATIO,
} from "./limits";
import { baseName, compareCodePoints, folderOf, normalPath, quoted } from "./names";
import { type EncodePng, encodePng } from "./png";
import {
  type ImageEntries,
  type ImageEntry,
  type ImageSet,
  ImageSetError,
  type Skipped,
} from "./types";

/** The manifest's file name, in the zip's top folder (or any folder: names are relative to it). */
export const MANIFEST_NAME = "convsweep-images.json";
/** Declared bytes unpacked at once (one larger entry, within the file limit, goes alone). */
const BATCH_BYTES = 16 * 1024 * 1024;
const BATCH_COUNT = 256;

/** An entry of the central directory as fflate's filter reports it, with its position. */
interface Listed {
  /** Its position in the central directory: fflate's filter sees entries in that order. */
  readonly index: number;
  readonly name: string;
  /** The normal path. */
  readonly path: string;
  /** Packed bytes. */
  readonly packed: number;
  /** Declared unpacked bytes. */
  readonly size: number;
  readonly compression: number;
}

/** Every entry of the central directory; nothing is unpacked. */
function listZip(data: Uint8Array, zipName: string): Listed[] {
  const listed: Listed[] = [];
  const tooMany = new Error("too many entries");
  try {
    unzipSync(data, {
      filter: (file) => {
        if (listed.length >= MAX_ZIP_ENTRIES) throw tooMany;
        listed.push({
          index: listed.length,
          name: file.name,
          path: normalPath(file.name).normalize("NFC"),
          packed: file.size,
          size: file.originalSize,
          compression: file.compression,
        });
        return false;
      },
    });
  } catch (error) {
    if (error === tooMany) {
      throw new ImageSetError(
        `${quoted(zipName)} holds more than ${numberText(MAX_ZIP_ENTRIES)} files: zip only the class folders, or fewer images.`,
      );
    }
    throw new ImageSetError(
      `${quoted(zipName)} could not be read as a zip (${errorText(error)}): it may be damaged or not a zip. Zip the class folders again, or choose the folder itself.`,
    );
  }
  return listed;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why an entry's declared sizes keep it packed, or null when it may be unpacked. A zip bomb
 * (an entry over ZIP_BOMB_FROM declaring more than ZIP_BOMB_RATIO times its packed size: no
 * image packs that well) refuses the whole zip.
 */
function sizeProblem(entry: Listed, zipName: string): string | null {
  if (entry.compression !== 0 && entry.compression !== 8) {
    return `packed with a method this app cannot unpack (method ${entry.compression}): zip it again with the usual settings`;
  }
  const damaged = "damaged in the zip (its sizes disagree): zip it again";
  // Stored data is copied at its packed size, so only its sizes' agreement matters.
  if (entry.compression === 0) return entry.packed === entry.size ? null : damaged;
  if (entry.size > ZIP_BOMB_FROM && entry.size > ZIP_BOMB_RATIO * entry.packed) {
    throw new ImageSetError(
      `${quoted(zipName)} looks like a zip bomb, so nothing in it was unpacked: ${quoted(entry.path)} says it unpacks to ${bytesText(entry.size)} from ${bytesText(entry.packed)}, more than ${ZIP_BOMB_RATIO} times its packed size (the most allowed for a file over ${bytesText(ZIP_BOMB_FROM)}). Zip the images again, or choose their folder instead.`,
    );
  }
  // Deflate never grows data by more than ~0.1%.
  return entry.packed > entry.size + entry.size / 100 + 1024 ? damaged : null;
}

/** Unpacks the wanted entries (by central-directory position) in one pass over the zip. */
function unpack(data: Uint8Array, wanted: readonly Listed[]): Map<number, Uint8Array> {
  const positions = new Set(wanted.map((entry) => entry.index));
  let index = -1;
  const files = unzipSync(data, { filter: () => positions.has(++index) });
  const out = new Map<number, Uint8Array>();
  for (const entry of wanted) {
    const bytes = Object.hasOwn(files, entry.name) ? files[entry.name] : undefined;
    if (bytes !== undefined) out.set(entry.index, bytes);
  }
  return out;
}

/** A reader of the kept entries that unpacks a batch from the first entry read that is not ready. */
function batchReader(data: Uint8Array, kept: readonly Listed[]): (at: number) => Uint8Array {
  // Only the last batch is held: what was unpacked and never read goes with it.
  let ready = new Map<number, Uint8Array | Error>();
  const put = (ats: readonly number[]) => {
    const got = unpack(
      data,
      ats.map((at) => kept[at] as Listed),
    );
    for (const at of ats) {
      ready.set(at, got.get((kept[at] as Listed).index) ?? new Error("missing from the zip"));
    }
  };
  const load = (start: number) => {
    const batch: number[] = [];
    let bytes = 0;
    for (let at = start; at < kept.length && batch.length < BATCH_COUNT; at++) {
      const size = (kept[at] as Listed).size;
      if (batch.length > 0 && bytes + size > BATCH_BYTES) break;
      batch.push(at);
      bytes += size;
    }
    ready = new Map();
    try {
      put(batch);
    } catch {
      // One damaged entry fails the whole pass: unpack the batch's entries one by one.
      for (const at of batch) {
        try {
          put([at]);
        } catch (error) {
          ready.set(at, new Error(errorText(error)));
        }
      }
    }
  };
  return (at) => {
    if (!ready.has(at)) load(at);
    const bytes = ready.get(at);
    ready.delete(at);
    if (bytes instanceof Uint8Array) return bytes;
    throw new Error(`could not be unpacked (${bytes?.message ?? "missing from the zip"})`);
  };
}

/** Train/test by entry path (NFC), from a manifest in `folder`. */
function manifestSplit(manifest: ImageSetManifest, folder: string): Map<string, "train" | "test"> {
  const prefix = folder === "" ? "" : `${folder}/`;
  const split = new Map<string, "train" | "test">();
  for (const part of ["train", "test"] as const) {
    for (const name of manifest.split[part]) {
      split.set(prefix + normalPath(name).normalize("NFC"), part);
    }
  }
  return split;
}

/** The manifest at the top (the shallowest, then first by path), read and checked. */
function readManifest(
  data: Uint8Array,
  manifests: readonly Listed[],
  skipped: Skipped[],
): Map<string, "train" | "test"> {
  const [first, ...others] = [...manifests].sort(
    (a, b) =>
      a.path.split("/").length - b.path.split("/").length || compareCodePoints(a.path, b.path),
  );
  for (const other of others) {
    skipped.push({ name: other.path, why: `a second ${MANIFEST_NAME}: only the top one is read` });
  }
  if (first === undefined) return new Map();
  const usual = "the images are split by the usual rule";
  if (first.size > MAX_MANIFEST_BYTES) {
    skipped.push({
      name: first.path,
      why: `${bytesText(first.size)}, too large to be this app's list of the split: ${usual}`,
    });
    return new Map();
  }
  try {
    const bytes = unpack(data, [first]).get(first.index);
    if (bytes === undefined) throw new Error("it is missing from the zip");
    const manifest = checkManifest(JSON.parse(strFromU8(bytes)));
    return manifestSplit(manifest, folderOf(first.path));
  } catch (error) {
    skipped.push({ name: first.path, why: `not read (${errorText(error)}): ${usual}` });
    return new Map();
  }
}

/**
 * A zip's images as entries (path = the entry's name), decided before anything is unpacked:
 * hidden files ignored; non-images, damaged entries and what passes the limits skipped (in
 * path order, never fatal); a zip bomb or an unreadable zip refused with an ImageSetError.
 * A manifest written by imageSetZip fixes each listed image's split.
 */
export function readZip(
  data: Uint8Array,
  zipName: string,
  limits: ImageLimits = IMAGE_LIMITS,
): ImageEntries {
  const skipped: Skipped[] = [];
  const images: Listed[] = [];
  const manifests: Listed[] = [];
  const names = new Set<string>();
  for (const entry of listZip(data, zipName)) {
    if (entry.name.endsWith("/") || entry.name.endsWith("\\")) continue; // a folder
    const manifest = baseName(entry.path) === MANIFEST_NAME;
    const verdict = pathVerdict(entry.path);
    if (verdict.kind === "hidden") continue;
    if (verdict.kind === "skip" && !manifest) {
      skipped.push({ name: entry.path, why: verdict.why });
      continue;
    }
    if (names.has(entry.name)) {
      skipped.push({ name: entry.path, why: "in the zip twice: the first is used" });
      continue;
    }
    names.add(entry.name);
    const problem = sizeProblem(entry, zipName);
    if (problem !== null) skipped.push({ name: entry.path, why: problem });
    else (manifest ? manifests : images).push(entry);
  }
  images.sort((a, b) => compareCodePoints(a.path, b.path) || a.index - b.index);
  const kept = takeInOrder(images, limits, skipped);
  const split = readManifest(data, manifests, skipped);
  const read = batchReader(data, kept);
  const entries = kept.map(
    (entry, at): ImageEntry => ({
      path: entry.path,
      size: entry.size,
      split: split.get(entry.path),
      bytes: async () => read(at),
    }),
  );
  return { entries, skipped };
}

/** Four digits or more: "0001". */
function numbered(n: number): string {
  return String(n).padStart(4, "0");
}

/**
 * A set as a zip a person can open anywhere and this app can reopen exactly: `<class>/nnnn.png`
 * (train images first, then test, numbered per class; stored, as PNGs are packed already)
 * and convsweep-images.json = { version: 1, classes, shape, split: { train, test } }.
 */
export async function imageSetZip(
  set: ImageSet,
  encode: EncodePng = encodePng,
): Promise<Uint8Array> {
  const checked = checkImageSet(set);
  const { classes, shape } = checked;
  const size = 3 * shape.height * shape.width;
  const counters = classes.map(() => 0);
  const files: Zippable = {};
  const split: { train: string[]; test: string[] } = { train: [], test: [] };
  for (const part of ["train", "test"] as const) {
    const images = checked[part];
    for (let i = 0; i < images.count; i++) {
      const label = images.labels[i] ?? 0;
      counters[label] = (counters[label] ?? 0) + 1;
      const name = `${classes[label]}/${numbered(counters[label] ?? 0)}.png`;
      const file = await encode(images.pixels.subarray(i * size, (i + 1) * size), shape);
      files[name] = [file, { level: 0 }];
      split[part].push(name);
    }
  }
  const manifest: ImageSetManifest = { version: 1, classes, shape, split };
  files[MANIFEST_NAME] = [strToU8(JSON.stringify(manifest)), { level: 6 }];
  return zipSync(files);
}
