/**
 * What the section trains on: the digits, or a person's own images (kept in this browser's
 * IndexedDB; the store holds what the page shows of them). A network fits its data when its
 * input is a shape the data can be read as and it ends in one value per class.
 */
import { IMAGE_SIDE, type ImageShape, UNPADDED_SIDE, unpadDigits } from "../../engine";

/** The training and test digits (the build's fixed split). */
export const TRAIN_COUNT = 8000;
export const TEST_COUNT = 2000;

/** The digits' input: one channel, 32x32. */
export const DIGITS_INPUT = { channels: 1, height: IMAGE_SIDE, width: IMAGE_SIDE } as const;

/** The digits without MNIST's padding of 2, for models made for MNIST's own 28x28. */
export const DIGITS_INPUT_28 = {
  channels: 1,
  height: UNPADDED_SIDE,
  width: UNPADDED_SIDE,
} as const;

/**
 * What a section's data set can feed: the input shapes a network may read it as, and its
 * classes (the last layer's size). `what` names the data in messages.
 */
export interface DataFit {
  readonly inputs: readonly ImageShape[];
  readonly classes: number;
  readonly what: string;
}

/** The digits: 1x32x32 (or 1x28x28 unpadded), ten classes. */
export const DIGITS_FIT: DataFit = {
  inputs: [DIGITS_INPUT, DIGITS_INPUT_28],
  classes: 10,
  what: "the digits",
};

/** A person's image set as the section shows it (the images themselves stay in IndexedDB). */
export interface ImageSetInfo {
  /** The stored set's id (its IndexedDB key; a new one for every change). */
  readonly id: string;
  /** Class names (the folders'), sorted; labels index them. */
  readonly classes: readonly string[];
  /** The images' size (stored as RGB at this size). */
  readonly height: number;
  readonly width: number;
  /** Training and held-out images of each class. */
  readonly trainCounts: readonly number[];
  readonly testCounts: readonly number[];
  /** A few images of each class, RGB [3][H][W] bytes, for the thumbnails. */
  readonly thumbnails: readonly { readonly label: number; readonly pixels: Uint8Array }[];
  /** Files left out and why (not images, unreadable, past a limit). */
  readonly skipped: readonly { readonly name: string; readonly why: string }[];
}

/** What the section trains on: the digits, or a person's own images. */
export type SectionData =
  | { readonly kind: "digits" }
  | { readonly kind: "images"; readonly set: ImageSetInfo };

/** The input shapes and classes a section's data can feed (spec.ts's sectionNetwork). */
export function fitOf(data: SectionData): DataFit {
  if (data.kind === "digits") return DIGITS_FIT;
  const { classes, height, width } = data.set;
  return {
    inputs: [
      { channels: 3, height, width },
      { channels: 1, height, width },
    ],
    classes: classes.length,
    what: `your images (${height}x${width}, ${classes.length} classes)`,
  };
}

/** The digits as the section's data. */
export const DIGITS: SectionData = { kind: "digits" };

/** How the page names a data set's images and classes. */
export interface DataWords {
  /** One image and many: "digit"/"digits" or "image"/"images". */
  readonly one: string;
  readonly many: string;
  /** Training and held-out images. */
  readonly train: number;
  readonly test: number;
  /** Each class's name ("0"–"9" for the digits, the folders' names for a person's images). */
  readonly classNames: readonly string[];
}

const DIGIT_NAMES = Array.from({ length: 10 }, (_, d) => String(d));

/** The words for a data set (the digits: 8,000 training and 2,000 held-out). */
export function dataWords(data: SectionData): DataWords {
  if (data.kind === "digits") {
    const names = DIGIT_NAMES;
    return {
      one: "digit",
      many: "digits",
      train: TRAIN_COUNT,
      test: TEST_COUNT,
      classNames: names,
    };
  }
  const total = (counts: readonly number[]) => counts.reduce((a, b) => a + b, 0);
  return {
    one: "image",
    many: "images",
    train: total(data.set.trainCounts),
    test: total(data.set.testCounts),
    classNames: data.set.classes,
  };
}

/** An image's label as the page says it: "digit 7", or the class's name in quotes. */
export function labelText(words: DataWords, label: number): string {
  return words.one === "digit" ? `digit ${label}` : `“${words.classNames[label] ?? label}”`;
}

/**
 * The drawn digit as the network reads it: as drawn (32x32), or without its border of 2 for a
 * 28x28 input; null when the network reads a person's images, not digits.
 */
export function drawnInput(state: {
  readonly data: SectionData;
  readonly spec: { readonly input: ImageShape };
  readonly drawn: Float64Array;
}): Float64Array | null {
  if (state.data.kind !== "digits") return null;
  if (state.spec.input.height !== UNPADDED_SIDE) return state.drawn;
  return unpadDigits(state.drawn, new Float64Array(UNPADDED_SIDE * UNPADDED_SIDE));
}
