// One convention for minus signs: every minus the views print is a true minus (−), the
// exponent's too, so "−3.469e−18" and "1.724e−18" stand side by side (not "−3.469e-18").
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
