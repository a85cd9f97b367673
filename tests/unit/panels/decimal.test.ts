import { describe, expect, test } from "vitest";
import { parseDecimal } from "../../../src/panels/decimal";

const LR = "the learning rate";

/** The value read, or the test fails with the message. */
function read(text: string): number {
  const r = parseDecimal(text, LR, "0.001");
  if ("error" in r) throw new Error(`"${text}" was refused: ${r.error}`);
  return r.value;
}

/** The message, or the test fails with the value. */
function refusal(text: string, what = LR): string {
  const r = parseDecimal(text, what, "0.001");
  if ("value" in r) throw new Error(`"${text}" was read as ${r.value}`);
  return r.error;
}

describe("decimal numbers are read", () => {
  test.each([
    ["0.001", 0.001],
    ["1", 1],
    ["-2.5", -2.5],
    ["+3", 3],
    [".5", 0.5],
    ["5.", 5],
    ["1e-3", 0.001],
    ["2.5E+2", 250],
    ["0", 0],
    ["0.000", 0],
    ["1e-300", 1e-300],
    ["1e308", 1e308],
    ["007", 7],
  ])("%j is %d", (text, value) => {
    expect(read(text)).toBe(value);
  });

  test("spaces around the number are ignored", () => {
    expect(read("  0.25\t")).toBe(0.25);
  });

  test("a true minus sign is a minus", () => {
    expect(read("\u22120.5")).toBe(-0.5);
  });

  test("minus zero reads as zero", () => {
    expect(Object.is(read("-0"), 0)).toBe(true);
  });

  test.each([
    ["1,5", 1.5],
    ["-0,25", -0.25],
    [",5", 0.5],
    ["0,001", 0.001],
    ["1,5e-3", 0.0015],
    ["12,34", 12.34],
  ])("a comma as the only separator is a decimal point: %j is %d", (text, value) => {
    expect(read(text)).toBe(value);
  });
});

describe("careless text is refused with a message for a person", () => {
  test.each(["", " ", "\t \n"])("empty text %j asks for a number", (text) => {
    expect(refusal(text)).toBe("Type a number for the learning rate.");
  });

  test.each([
    "0x10",
    "0X1F",
    "0b11",
    "0o17",
    "Infinity",
    "-Infinity",
    "NaN",
    "abc",
    "1.2.3",
    "1 000",
    "1e",
    "e5",
    "--1",
    "1,000.5",
    "1,2,3",
    "1,",
    "½",
    "1_000",
  ])("%j is not a decimal number", (text) => {
    expect(refusal(text)).toBe(
      `The learning rate ("${text.trim()}") must be a decimal number such as 0.001.`,
    );
  });

  test("a non-zero number that rounds to 0 is too small to represent", () => {
    expect(refusal("1e-400")).toBe(
      'The learning rate ("1e-400") is too small to represent; type 0 if you mean zero.',
    );
    expect(refusal("-0.5e-330")).toMatch(/too small to represent/);
  });

  test("a number that rounds to Infinity is too large to represent", () => {
    expect(refusal("1e400")).toBe('The learning rate ("1e400") is too large to represent.');
    expect(refusal("-2e308")).toMatch(/too large to represent/);
  });

  test("a comma with three digits after a whole number could be a thousands separator", () => {
    expect(refusal("1,000")).toBe(
      'The learning rate ("1,000") could be 1000 or 1.000: type one of them.',
    );
  });

  test("the message names the quantity as given and an example", () => {
    const r = parseDecimal("0x10", "input 2");
    expect(r).toEqual({ error: 'Input 2 ("0x10") must be a decimal number such as 0.5.' });
  });

  test.each(["", "0x10", "0b11", "1e-400", "1e400", "NaN", "1,000"])(
    "the message for %j names no code field and no NaN",
    (text) => {
      const message = refusal(text);
      expect(message).not.toMatch(/learningRate|NaN(?!")|undefined|null/);
      expect(message).toMatch(/^[A-Z].*\.$/);
    },
  );
});
