/**
 * How much of a person's images the app takes, and how the numbers are written in messages.
 * Every limit is applied to declared sizes before anything is read or unpacked, so memory
 * stays bounded: at most `images` images, each kept only at the target size (at most
 * 128x128x3 bytes, about 240 MB for 5,000), and at most `bytes` of files read.
 */
import type { Skipped } from "./types";

export interface ImageLimits {
  /** Images in a set; past it, the first in path order are kept and the rest skipped. */
  readonly images: number;
  /** The largest target side. */
  readonly side: number;
  /** Bytes of image files read in all; past it, the rest in path order are skipped. */
  readonly bytes: number;
  /** Classes in a set; past it, the first in name order are kept. */
  readonly classes: number;
  /** Bytes of one image file. */
  readonly fileBytes: number;
}

const MB = 1024 * 1024;

export const IMAGE_LIMITS: ImageLimits = {
  images: 5000,
  side: 128,
  bytes: 200 * MB,
  classes: 50,
  fileBytes: 20 * MB,
};

/** The longest class name (a folder's name, or one typed for the camera). */
export const MAX_CLASS_NAME = 100;
/** A zip entry larger than ZIP_BOMB_FROM that unpacks to more than this many times its packed size is a zip bomb. */
export const ZIP_BOMB_RATIO = 100;
export const ZIP_BOMB_FROM = 1 * MB;
/** Entries listed in a zip (a forged count would otherwise loop billions of times). */
export const MAX_ZIP_ENTRIES = 100_000;
/** The largest manifest (convsweep-images.json) read from a zip. */
export const MAX_MANIFEST_BYTES = 4 * MB;
/** Skipped files listed one by one; past it, one line counts the rest. */
export const MAX_SKIPPED_LISTED = 10_000;

/** The limits with some replaced (tests; a smaller device). */
export function imageLimits(partial: Partial<ImageLimits> = {}): ImageLimits {
  return { ...IMAGE_LIMITS, ...partial };
}

/** 5,000. */
export function numberText(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 image", "5,000 images". */
export function countText(n: number, noun: string, plural = `${noun}s`): string {
  return `${numberText(n)} ${n === 1 ? noun : plural}`;
}

/** "200 MB", "51.2 KB", "12 bytes" (1 MB = 1,048,576 bytes, as the limits are written). */
export function bytesText(n: number): string {
  if (n < 1024) return countText(n, "byte");
  const [value, unit] = n < MB ? [n / 1024, "KB"] : [n / MB, "MB"];
  return `${value.toLocaleString("en-US", { maximumFractionDigits: 1 })} ${unit}`;
}

/** The list cut to MAX_SKIPPED_LISTED lines, a last line counting the rest. */
export function capSkipped(skipped: readonly Skipped[]): Skipped[] {
  if (skipped.length <= MAX_SKIPPED_LISTED) return [...skipped];
  const rest = skipped.length - (MAX_SKIPPED_LISTED - 1);
  return [
    ...skipped.slice(0, MAX_SKIPPED_LISTED - 1),
    {
      name: `…and ${numberText(rest)} more`,
      why: "skipped like those above (not listed one by one)",
    },
  ];
}
