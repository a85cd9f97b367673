/**
 * A person's own images as a data set: the shapes every other file here builds, reads and
 * checks. An ImageSet is immutable: every change (addImages) makes a new one with a new id.
 */

/** The size images are fitted to. A set always stores 3 channels; a network may read it gray. */
export interface ImageShape {
  readonly channels: 1 | 3;
  readonly height: number;
  readonly width: number;
}

/** Images of one shape, [C][H][W] row-major bytes 0–255, image after image, with class indices. */
export interface LabelledSet {
  readonly count: number;
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

/** A file left out of a set, and why, in words a person can act on. */
export interface Skipped {
  readonly name: string;
  readonly why: string;
}

export interface ImageSet {
  /** New for every set ("set-" + time + random); the IndexedDB key. */
  readonly id: string;
  /** Class names, sorted in code-point order, at least 2; labels index this list. */
  readonly classes: readonly string[];
  /** Stored as RGB (channels 3) always. */
  readonly shape: ImageShape;
  /** About 80% of each class. */
  readonly train: LabelledSet;
  /** About 20% of each class: at least 1 when the class has 2 images or more, none when it has 1. */
  readonly test: LabelledSet;
  readonly skipped: readonly Skipped[];
}

/**
 * One file offered to a set: a folder's file (`File.webkitRelativePath` or its name), or a
 * zip's entry. `size` is the declared size, used to apply the limits before anything is read.
 * `split` is set by a zip's manifest (convsweep-images.json) to restore the split it wrote.
 */
export interface ImageEntry {
  readonly path: string;
  readonly size: number;
  readonly bytes: () => Promise<Uint8Array>;
  readonly split?: "train" | "test" | undefined;
}

/** Entries with what was already left out while listing them (a zip's refused entries). */
export interface ImageEntries {
  readonly entries: readonly ImageEntry[];
  readonly skipped: readonly Skipped[];
}

/**
 * Turns an image file's bytes into [3][H][W] bytes of the given size (decode.ts's decodeImage
 * in a browser; a fake in Node tests). Throws when the bytes are not a readable image.
 */
export type DecodeImage = (bytes: Uint8Array, shape: ImageShape) => Promise<Uint8Array>;

/** A set, folder, zip or stored value the rules refuse; the message says what to do. */
export class ImageSetError extends Error {
  override name = "ImageSetError";
}
