/**
 * The images a network file's network reads (its optional `images` field): the digits, or a
 * person's images named by their classes, size and split, which must be open to open the file.
 */
import { checkRecord, StateFileError, shown } from "../stateRules";
import { DIGITS, type SectionData, TEST_COUNT, TRAIN_COUNT } from "./data";

function fail(message: string): never {
  throw new StateFileError(message);
}

const record = checkRecord;

/** The training and held-out images of a data set. */
export function setSizes(data: SectionData): { train: number; test: number } {
  if (data.kind === "digits") return { train: TRAIN_COUNT, test: TEST_COUNT };
  const total = (counts: readonly number[]) => counts.reduce((a, b) => a + b, 0);
  return { train: total(data.set.trainCounts), test: total(data.set.testCounts) };
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
  const same =
    open !== null &&
    JSON.stringify([open.classes, open.height, open.width, open.trainCounts, open.testCounts]) ===
      JSON.stringify([v.classes, v.height, v.width, v.trainCounts, v.testCounts]);
  if (!same) {
    fail(
      `"images": this network was trained on a person's images (classes ${names}; ${shown(v.height)}x${shown(v.width)}). Open those images first (Open images), then this file.`,
    );
  }
  return current;
}
