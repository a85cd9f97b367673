/**
 * The images a network file's network reads (its optional `images` field): the digits, or a
 * person's images named by their classes, size and split, which must be open to open the file.
 */
import { checkRecord, StateFileError, shown } from "../stateRules";
import { DIGITS, type SectionData } from "./data";

function fail(message: string): never {
  throw new StateFileError(message);
}

const record = checkRecord;

/** The fields by which a network file names a person's images: classes, size and split. */
type Named = "classes" | "height" | "width" | "trainCounts" | "testCounts";

/** How a network file names a person's images (or the same fields of a file's, to compare). */
export function namedImages(set: Readonly<Partial<Record<Named, unknown>>>) {
  const { classes, height, width, trainCounts, testCounts } = set;
  return { classes, height, width, trainCounts, testCounts };
}

/**
 * The images a file's network was trained on: none named, the digits; else the person's
 * images now open, when they are the ones named (the same classes, size and split), or the
 * file is refused with what to open first.
 */
export function readData(value: unknown, current: SectionData): SectionData {
  if (value === undefined) return DIGITS;
  const v = record(value, "images");
  const names = Array.isArray(v.classes) ? v.classes.map(String).join(", ") : shown(v.classes);
  const open = current.kind === "images" ? current.set : null;
  // The fields namedImages writes, in its order, compared whole.
  const same =
    open !== null && JSON.stringify(namedImages(open)) === JSON.stringify(namedImages(v));
  if (!same) {
    fail(
      `"images": this network was trained on a person's images (classes ${names}; ${shown(v.height)}x${shown(v.width)}). Open those images first (Open images), then this file.`,
    );
  }
  return current;
}
