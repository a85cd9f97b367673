// The network's link (`net=…`) reads its numbers with the main view's parser, as JSON writes
// them: what the main view's link (JSON) refuses, this one refuses too, naming the field.
import { describe, expect, test } from "vitest";
import { parseWrittenDecimal } from "../../../../src/state/decimal";
import { readNetworkLink } from "../../../../src/state/network/link";
import { StateFileError } from "../../../../src/state/stateRules";

/** The default network, as docs/state-file.md writes its link. */
const FIELDS = "c3x3k8s1p0d1.r.m2s2.f.d10~64~0.1~0.9~mean~1~test~0~0~0~1~1000".split("~");
/** The link with field `i` replaced by `text`. */
const withField = (i: number, text: string) => FIELDS.map((f, j) => (j === i ? text : f)).join("~");
/** The `net` parameter as the page reads it from a fragment (percent-escapes decoded). */
const fromHash = (hash: string) => new URLSearchParams(hash).get("net") ?? "";

/** The message readNetworkLink refuses `link` with (the test fails if it is read). */
function refusal(link: string): string {
  try {
    const read = readNetworkLink(link);
    throw new Error(`read as ${JSON.stringify(read.settings)}`);
  } catch (error) {
    if (!(error instanceof StateFileError)) throw error;
    return error.message;
  }
}

test("the default link reads as before", () => {
  const read = readNetworkLink(FIELDS.join("~"));
  expect(read.settings).toMatchObject({ batchSize: 64, learningRate: 0.1, momentum: 0.9, seed: 1 });
  expect(read.settings).toMatchObject({ maxShift: 1, learningRateHalfLife: 1000 });
  expect(readNetworkLink(withField(2, "1e-7")).settings.learningRate).toBe(1e-7);
  expect(readNetworkLink(withField(2, "2.5E+2")).settings.learningRate).toBe(250);
  expect(readNetworkLink(withField(2, "0")).settings.learningRate).toBe(0);
});

describe("numbers the main view's link refuses are refused, naming the field", () => {
  test.each([
    [1, "0x4", "settings.batchSize"],
    [1, "0b11", "settings.batchSize"],
    [1, ".5e1", "settings.batchSize"],
    [1, "+4", "settings.batchSize"],
    [1, "004", "settings.batchSize"],
    [1, "4.", "settings.batchSize"],
    [1, "1,5", "settings.batchSize"],
    [1, "Infinity", "settings.batchSize"],
    [2, "\u22120.1", "settings.learningRate"],
    [5, "0x10", "settings.seed"],
    [7, "0b1", "sweep.image.index"],
    [8, "0x0", "sweep.layer"],
    [9, " 0", "sweep.filter"],
    [10, "1 ", "settings.maxShift"],
    [11, "1e3 ", "settings.learningRateHalfLife"],
  ])("field %d %j", (i, text, name) => {
    expect(refusal(withField(i, text))).toMatch(
      new RegExp(`^"${name.replace(/\./g, "\\.")}" \\(.*\\) must be a number in decimal digits`),
    );
  });

  test("percent-escaped spaces (%2064%20) are refused, not trimmed to 64", () => {
    const link = fromHash(`view=network&net=${withField(1, "%2064%20")}`);
    expect(link.split("~")[1]).toBe(" 64 ");
    expect(refusal(link)).toMatch(/^"settings\.batchSize" \(" 64 "\) must be a number/);
  });

  test("a non-zero number too small to represent is not read as 0", () => {
    expect(refusal(withField(2, "1e-400"))).toBe(
      '"settings.learningRate" ("1e-400") is too small to represent; type 0 if you mean zero.',
    );
    expect(refusal(withField(3, "1e-400"))).toMatch(/"settings\.momentum".*too small/);
  });

  test("a number too large to represent is named as such", () => {
    expect(refusal(withField(5, "1e400"))).toMatch(/"settings\.seed" \("1e400"\) is too large/);
  });

  test("an empty field is named", () => {
    expect(refusal(withField(1, ""))).toMatch(/^"settings\.batchSize" is empty/);
  });

  test("an older link's K, K2, stride and padding are read the same way", () => {
    const old = "8~0~1~0~64~0.1~0.9~mean~1~test~0~1~0~1~1000";
    expect(readNetworkLink(old).settings.batchSize).toBe(64);
    expect(refusal(old.replace(/^8/, "0x8"))).toMatch(/^"config\.filters" \("0x8"\)/);
    expect(refusal(old.replace(/^8~0~1/, "8~0~.1e1"))).toMatch(/^"config\.stride"/);
  });

  test("a long field is named by a preview, never copied whole", () => {
    const message = refusal(withField(1, `${"9".repeat(100_000)}x`));
    expect(message.length).toBeLessThan(300);
    expect(message).toMatch(/a string of 100,001 characters/);
  });
});

describe("parseWrittenDecimal", () => {
  test.each([
    ["16", 16],
    ["0.1", 0.1],
    ["-2", -2],
    ["1e-7", 1e-7],
    ["1.5e+21", 1.5e21],
  ])("%j is %d", (text, value) => {
    expect(parseWrittenDecimal(text, "x")).toEqual({ value });
  });

  test("-0 reads as 0", () => {
    expect(parseWrittenDecimal("-0", "x")).toEqual({ value: 0 });
  });
});
