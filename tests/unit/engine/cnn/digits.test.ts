/**
 * The digits asset: the parser on a good asset, and on truncated, corrupt, foreign and
 * inconsistent ones (each a DigitsAssetError naming the problem, never a partial dataset);
 * and the asset the build makes from the mnist package (the split, the padding, the checksum).
 */
import { describe, expect, test } from "vitest";
import { buildDigitsAsset, TEST_FRACTION } from "../../../../scripts/digits";
import {
  crc32,
  DIGITS_HEADER_BYTES,
  DigitsAssetError,
  type DigitsAssetProblem,
  encodeDigits,
  parseDigits,
} from "../../../../src/engine";

/** Five 28x28 digits: digit n has every pixel n + 1 and label n. */
function smallAsset(): Uint8Array {
  const labels = Uint8Array.from([0, 1, 2, 3, 4]);
  const pixels = new Uint8Array(5 * 784);
  for (let n = 0; n < 5; n++) pixels.fill(n + 1, n * 784, (n + 1) * 784);
  return encodeDigits(labels, pixels, 3);
}

function expectProblem(bytes: Uint8Array, problem: DigitsAssetProblem, words: RegExp): void {
  let thrown: unknown;
  try {
    parseDigits(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DigitsAssetError);
  expect((thrown as DigitsAssetError).problem).toBe(problem);
  expect((thrown as Error).message).toMatch(/^The digits file cannot be used: /);
  expect((thrown as Error).message).toMatch(words);
}

/** A copy with the header's checksum recomputed, so that only the intended defect remains. */
function resealed(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(24, crc32(copy.subarray(DIGITS_HEADER_BYTES)), true);
  return copy;
}

describe("parseDigits", () => {
  test("a good asset: both sets, labels, and each 28x28 digit centred in 32x32 with a zero border of 2", () => {
    const bytes = smallAsset();
    for (const input of [bytes, bytes.buffer.slice(0) as ArrayBuffer]) {
      const { train, test: held } = parseDigits(input);
      expect([train.count, held.count]).toEqual([3, 2]);
      expect(Array.from(train.labels)).toEqual([0, 1, 2]);
      expect(Array.from(held.labels)).toEqual([3, 4]);
      const image = held.pixels.subarray(1024, 2048); // digit 4: every stored pixel is 5
      for (let r = 0; r < 32; r++) {
        for (let c = 0; c < 32; c++) {
          const inside = r >= 2 && r < 30 && c >= 2 && c < 30;
          expect(image[r * 32 + c]).toBe(inside ? 5 : 0);
        }
      }
    }
  });

  test("CRC-32 is zlib's (check value of '123456789')", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  test("a truncated asset (one byte short, or shorter than the header)", () => {
    const bytes = smallAsset();
    expectProblem(
      bytes.subarray(0, bytes.length - 1),
      "truncated",
      /3956 bytes; its header announces 3957/,
    );
    expectProblem(bytes.subarray(0, 10), "truncated", /10 bytes, fewer than its 32-byte header/);
    expectProblem(new Uint8Array(0), "truncated", /0 bytes/);
  });

  test("a corrupt asset: one flipped pixel fails the checksum", () => {
    const bytes = smallAsset();
    const at = bytes.length - 100;
    bytes[at] = (bytes[at] as number) ^ 0x40;
    expectProblem(bytes, "checksum", /checksum is wrong .* corrupt/);
  });

  test("another file: wrong magic number", () => {
    const bytes = smallAsset();
    bytes.set([0x89, 0x50, 0x4e, 0x47], 0); // a PNG file's first bytes
    expectProblem(bytes, "magic", /does not start with "CSDG" \(magic 0x474e5089\)/);
  });

  test("another version, an inconsistent header, extra bytes, a label outside 0–9", () => {
    const version = smallAsset();
    new DataView(version.buffer).setUint16(4, 2, true);
    expectProblem(version, "version", /version 2; this page reads version 1/);
    const header = smallAsset();
    new DataView(header.buffer).setUint32(12, 5, true); // trainCount = count
    expectProblem(header, "header", /5 digits, 5 for training/);
    const longer = new Uint8Array(smallAsset().length + 1);
    longer.set(smallAsset());
    expectProblem(longer, "length", /3958 bytes; its header announces 3957/);
    const label = smallAsset();
    label[DIGITS_HEADER_BYTES + 2] = 10;
    expectProblem(resealed(label), "label", /digit 2 has label 10/);
  });
});

describe("the asset built from the mnist package", () => {
  const bytes = buildDigitsAsset();
  const { train, test: held } = parseDigits(bytes);

  test("8,000 training and 2,000 test digits, each class split 80/20 by index", () => {
    expect([train.count, held.count]).toEqual([8000, 2000]);
    const perClass = (labels: Uint8Array) => {
      const counts = new Array(10).fill(0);
      for (const l of labels) counts[l]++;
      return counts;
    };
    const trainCounts = perClass(train.labels);
    const testCounts = perClass(held.labels);
    trainCounts.forEach((n, digit) => {
      const total = n + testCounts[digit];
      expect(testCounts[digit]).toBe(Math.round(total * TEST_FRACTION));
    });
    // The package's class sizes.
    expect(trainCounts.map((n, d) => n + testCounts[d])).toEqual([
      1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978,
    ]);
    // Shuffled after the split: the first 100 test digits mix the classes.
    expect(new Set(held.labels.subarray(0, 100)).size).toBe(10);
  });

  test("is compact (7.85 MB: 28x28 bytes per digit) and built the same way every time", () => {
    expect(bytes.length).toBe(32 + 10_000 * (1 + 784));
    expect(crc32(buildDigitsAsset())).toBe(crc32(bytes));
  });

  test("every padded image has its zero border and real ink inside", () => {
    for (const set of [train, held]) {
      for (let n = 0; n < set.count; n += 97) {
        const image = set.pixels.subarray(n * 1024, (n + 1) * 1024);
        expect(image.subarray(0, 64).every((v) => v === 0)).toBe(true);
        expect(image.reduce((s, v) => s + v, 0)).toBeGreaterThan(255 * 20);
      }
    }
  });
});
