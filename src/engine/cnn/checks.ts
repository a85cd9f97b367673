/**
 * Argument checks of the CNN layers: each throws a RangeError that names the argument and
 * the value, as the rest of the engine does (docs/engine.md). Nothing is clamped.
 */

function describeValue(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : typeof value;
}

/** Checks that `value` is an integer in [min, max]; returns it. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${name} must be an integer from ${min} to ${max}; got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Checks that `value` is a finite number in [min, max]; returns it. */
export function checkNumberIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(
      `${name} must be a number from ${min} to ${max}; got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Checks that `array` is a Float64Array of exactly `length` values; returns it. */
export function checkBuffer(name: string, array: unknown, length: number): Float64Array {
  if (!(array instanceof Float64Array)) {
    throw new RangeError(`${name} must be a Float64Array; got ${describeValue(array)}`);
  }
  if (array.length !== length) {
    throw new RangeError(`${name}.length must be ${length}; got ${array.length}`);
  }
  return array;
}
