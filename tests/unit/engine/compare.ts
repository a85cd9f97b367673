/**
 * Comparisons for the engine tests that report the first offending index.
 */
import { expect } from "vitest";

type Numbers = ArrayLike<number>;

/** The first index at which two arrays differ to the bit (Object.is), or -1; lengths must match. */
export function firstBitDifference(actual: Numbers, expected: Numbers): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) return i;
  }
  return -1;
}

/** Fails unless the arrays have the same length and every element is identical (Object.is). */
export function expectSameBits(actual: Numbers, expected: Numbers, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const i = firstBitDifference(actual, expected);
  if (i >= 0) {
    expect.fail(`${what}: element ${i} is ${actual[i]}, expected exactly ${expected[i]}`);
  }
}

/** Fails unless the numbers are identical (Object.is). */
export function expectSameNumber(actual: number, expected: number, what: string): void {
  if (!Object.is(actual, expected)) {
    expect.fail(`${what}: ${actual}, expected exactly ${expected}`);
  }
}

/**
 * Fails unless every |actual − expected| ≤ tolerance · max(floor, |expected|): relative for
 * large values, absolute (tolerance · floor) near zero.
 */
export function expectClose(
  actual: Numbers,
  expected: Numbers,
  tolerance: number,
  what: string,
  floor = 1,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    const allowed = tolerance * Math.max(floor, Math.abs(b));
    if (!(Math.abs(a - b) <= allowed)) {
      expect.fail(
        `${what}: element ${i} is ${a}, expected ${b} (difference ${Math.abs(a - b)} > ${allowed})`,
      );
    }
  }
}
