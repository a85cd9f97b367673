/**
 * Which offered files become which class, decided from names and declared sizes alone, before
 * anything is read: a class is the folder directly holding an image; hidden and system files
 * are ignored; everything else left out is listed with the reason. The limits (limits.ts) are
 * applied here, in path order, so the same files always give the same plan.
 */
import { bytesText, countText, IMAGE_LIMITS, type ImageLimits, numberText } from "./limits";
import {
  baseName,
  classNameProblem,
  compareCodePoints,
  folderOf,
  isHiddenPath,
  NOT_IN_FOLDER,
  normalPath,
  notImageReason,
  quoted,
} from "./names";
import { type ImageEntry, ImageSetError, type Skipped } from "./types";

/** What a path says about its file. */
export type PathVerdict =
  | { readonly kind: "hidden" }
  | { readonly kind: "skip"; readonly why: string }
  | { readonly kind: "image"; readonly folder: string; readonly className: string };

/** A normal path's verdict: hidden, left out (why), or an image of the folder's class. */
export function pathVerdict(path: string): PathVerdict {
  if (path === "" || isHiddenPath(path)) return { kind: "hidden" };
  const notImage = notImageReason(path);
  if (notImage !== null) return { kind: "skip", why: notImage };
  const folder = folderOf(path);
  if (folder === "") return { kind: "skip", why: NOT_IN_FOLDER };
  const className = baseName(folder).normalize("NFC");
  const problem = classNameProblem(className);
  if (problem !== null) {
    return { kind: "skip", why: `its folder's name cannot be a class name: ${problem}` };
  }
  return { kind: "image", folder, className };
}

/** One file the plan will read, as the class it belongs to. */
export interface PlannedImage {
  readonly entry: ImageEntry;
  /** The normal path: the order, and the name a skipped line shows. */
  readonly path: string;
  readonly className: string;
}

export interface ImagePlan {
  /** In path order. */
  readonly images: readonly PlannedImage[];
  /** Sorted in code-point order; each has at least one planned image. */
  readonly classes: readonly string[];
  /** Every file left out, not yet cut to MAX_SKIPPED_LISTED (the set is). */
  readonly skipped: readonly Skipped[];
}

interface Candidate {
  readonly entry: ImageEntry;
  readonly path: string;
  readonly size: number;
  readonly folder: string;
  readonly className: string;
  readonly index: number;
}

/**
 * The plan for a list of entries: every entry an image of a class, skipped (with why), or
 * ignored (hidden). Throws an ImageSetError when fewer than 2 classes are left.
 */
export function planImages(
  entries: readonly ImageEntry[],
  limits: ImageLimits = IMAGE_LIMITS,
  skippedBefore: readonly Skipped[] = [],
): ImagePlan {
  const skipped: Skipped[] = [...skippedBefore];
  const candidates: Candidate[] = [];
  const folders = new Map<string, string>();
  entries.forEach((entry, index) => {
    const path = normalPath(entry.path);
    const verdict = pathVerdict(path);
    if (verdict.kind === "hidden") return;
    const folder = folderOf(path);
    if (folder !== "") folders.set(folder, baseName(folder).normalize("NFC"));
    if (verdict.kind === "skip") skipped.push({ name: path, why: verdict.why });
    else {
      // A size that is no number is checked once read (build.ts), against the bytes themselves.
      const size = Number.isFinite(entry.size) && entry.size > 0 ? entry.size : 0;
      candidates.push({ entry, path, size, folder, className: verdict.className, index });
    }
  });
  candidates.sort((a, b) => compareCodePoints(a.path, b.path) || a.index - b.index);

  // A folder that holds class folders is not a class itself: its own images (a cover picture
  // beside cats/ and dogs/) would otherwise make a class named after the chosen folder.
  const imageFolders = new Set(candidates.map((c) => c.folder));
  const parents = new Set<string>();
  for (const folder of imageFolders) {
    for (let cut = folder.lastIndexOf("/"); cut > 0; cut = folder.lastIndexOf("/", cut - 1)) {
      parents.add(folder.slice(0, cut));
    }
  }
  const inClassFolders: Candidate[] = [];
  for (const c of candidates) {
    if (parents.has(c.folder)) {
      skipped.push({
        name: c.path,
        why: `${NOT_IN_FOLDER} (its folder ${quoted(baseName(c.folder))} holds class folders)`,
      });
    } else inClassFolders.push(c);
  }

  // Past the class limit, the first classes in name order are kept.
  const allClasses = [...new Set(inClassFolders.map((c) => c.className))].sort(compareCodePoints);
  const kept = new Set(allClasses.slice(0, limits.classes));
  const dropped = new Set(allClasses.slice(limits.classes));
  for (const name of dropped) {
    skipped.push({
      name: `${name}/`,
      why: `${numberText(limits.classes)} classes at most, and ${countText(allClasses.length, "folder")} of images were found: the first ${numberText(limits.classes)} in name order are used`,
    });
  }

  const images = takeInOrder(
    inClassFolders.filter((c) => kept.has(c.className)),
    limits,
    skipped,
  ).map((c): PlannedImage => ({ entry: c.entry, path: c.path, className: c.className }));

  const counts = new Map<string, number>();
  for (const image of images) counts.set(image.className, (counts.get(image.className) ?? 0) + 1);
  const classes = [...counts.keys()].sort(compareCodePoints);
  skipped.push(...emptyFolders(folders, counts, parents, dropped));
  if (classes.length < 2) throw fewClassesError(counts, skipped);
  return { images, classes, skipped };
}

/**
 * The items (sorted in path order) the size limits let in: each file within `fileBytes`, and
 * the first `images` of them within `bytes` in all; once either total is reached, every later
 * item is left out with the reason, so what is kept never depends on the order files came in.
 */
export function takeInOrder<T extends { readonly path: string; readonly size: number }>(
  items: readonly T[],
  limits: ImageLimits,
  skipped: Skipped[],
): T[] {
  const taken: T[] = [];
  let bytes = 0;
  let full: string | null = null;
  for (const item of items) {
    if (full !== null) {
      skipped.push({ name: item.path, why: full });
    } else if (item.size > limits.fileBytes) {
      skipped.push({
        name: item.path,
        why: `${bytesText(item.size)}: an image of ${bytesText(limits.fileBytes)} at most is read`,
      });
    } else if (taken.length >= limits.images) {
      full = `${numberText(limits.images)} images at most: the first ${numberText(limits.images)} in name order are used`;
      skipped.push({ name: item.path, why: full });
    } else if (bytes + item.size > limits.bytes) {
      full = `the images add up to more than ${bytesText(limits.bytes)}, the most read: those before this one in name order are used`;
      skipped.push({ name: item.path, why: full });
    } else {
      bytes += item.size;
      taken.push(item);
    }
  }
  return taken;
}

/** Folders with files but no usable image, once per class name: a folder, not a class. */
function emptyFolders(
  folders: ReadonlyMap<string, string>,
  counts: ReadonlyMap<string, number>,
  parents: ReadonlySet<string>,
  dropped: ReadonlySet<string>,
): Skipped[] {
  const listed = new Set<string>();
  const rows: Skipped[] = [];
  const sorted = [...folders.entries()].sort(([a], [b]) => compareCodePoints(a, b));
  for (const [folder, className] of sorted) {
    if (parents.has(folder) || counts.has(className) || dropped.has(className)) continue;
    if (listed.has(className) || classNameProblem(className) !== null) continue;
    listed.add(className);
    rows.push({
      name: `${className}/`,
      why: "no usable image in this folder, so it is not a class",
    });
  }
  return rows;
}

/**
 * The error for fewer than 2 classes, naming what was found and the first reasons files were
 * left out, so a person sees whether they chose the wrong folder or the files were refused.
 */
export function fewClassesError(
  counts: ReadonlyMap<string, number>,
  skipped: readonly Skipped[],
): ImageSetError {
  const classes = [...counts.entries()].sort(([a], [b]) => compareCodePoints(a, b));
  const found =
    classes.length === 0
      ? "no image in a class folder was found"
      : `only 1 class was found: ${quoted(classes[0]?.[0] ?? "")} (${countText(classes[0]?.[1] ?? 0, "image")})`;
  const examples = skipped
    .slice(0, 2)
    .map((s) => `${quoted(s.name)} (${s.why})`)
    .join("; ");
  const left =
    skipped.length === 0
      ? ""
      : ` ${countText(skipped.length, "file was", "files were")} left out, for example ${examples}.`;
  return new ImageSetError(
    `A data set needs at least 2 classes, each a folder of its images (for example cats/ and dogs/), but ${found}.${left} Choose the folder that holds the class folders, or a .zip of it.`,
  );
}
