// One convention for minus signs: every minus the views print is a true minus (−), the
// exponent's too, so "−3.469e−18" and "1.724e−18" stand side by side (not "−3.469e-18").
import fc from "fast-check";
import { expect, test } from "vitest";
import { exactNumber, formatNumber } from "../../../src/viz/format";

test.each([
  [-3.469e-18, "−3.469e−18"],
  [1.724e-18, "1.724e−18"],
  [-1.5e-7, "−1.5e−7"],
  [-123456, "−1.235e+5"],
  [-0.25, "−0.25"],
  [0.5, "0.5"],
])("formatNumber(%d) is %j", (value, text) => {
  expect(formatNumber(value)).toBe(text);
});

test.each([
  [-3.4694469519536e-18, "−3.4694469519536e−18"],
  [1e-7, "1e−7"],
  [-2, "−2"],
])("exactNumber(%d) is %j", (value, text) => {
  expect(exactNumber(value)).toBe(text);
});

test("no hyphen-minus is ever printed", () => {
  for (const v of [-1e-300, -5e-5, -1e21, -0.001, 1e-20]) {
    expect(formatNumber(v, 3)).not.toContain("-");
    expect(exactNumber(v)).not.toContain("-");
  }
});

test("formatNumber trims as the regular expressions it replaced did, for any number and digits", () => {
  // The earlier form, kept here as the reference: trailing zeros of the mantissa, then a bare
  // point, then true minus signs.
  const reference = (value: number, digits: number): string => {
    if (!Number.isFinite(value)) return "—";
    if (value === 0) return "0";
    const abs = Math.abs(value);
    const text =
      abs >= 1e5 || abs < 1e-4 ? value.toExponential(digits - 1) : value.toPrecision(digits);
    const trimmed = text.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1");
    return trimmed.replace(/-/g, "−");
  };
  const values = fc.oneof(
    fc.double(),
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.integer({ min: -200, max: 200 }).map((n) => n / 8),
    fc
      .integer({ min: -9, max: 9 })
      .chain((m) => fc.integer({ min: -30, max: 30 }).map((e) => m * 10 ** e)),
  );
  fc.assert(
    fc.property(values, fc.integer({ min: 1, max: 10 }), (value, digits) => {
      expect(formatNumber(value, digits)).toBe(reference(value, digits));
    }),
    { numRuns: 20_000 },
  );
});
