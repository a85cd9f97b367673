// Fakes for the image-set tests: entries from bytes, and an "encoder"/"decoder" pair that
// carries the pixels through a file with a real PNG signature (so the magic-byte check passes)
// without a browser.
import type { ImageEntry, ImageShape } from "../../../src/images";

export const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A "PNG" holding the pixels raw after the signature. */
export function fakePng(pixels: Uint8Array): Uint8Array {
  const out = new Uint8Array(SIGNATURE.length + pixels.length);
  out.set(SIGNATURE);
  out.set(pixels, SIGNATURE.length);
  return out;
}

/** Reads fakePng's pixels back when they fit the shape; else a picture of one value (byte 8). */
export async function fakeDecode(bytes: Uint8Array, shape: ImageShape): Promise<Uint8Array> {
  const size = 3 * shape.height * shape.width;
  if (bytes.length === SIGNATURE.length + size) return bytes.slice(SIGNATURE.length);
  return new Uint8Array(size).fill(bytes[SIGNATURE.length] ?? 0);
}

/** A picture of one value. */
export function picture(shape: ImageShape, value: number): Uint8Array {
  return new Uint8Array(3 * shape.height * shape.width).fill(value);
}

/** An entry whose bytes are given (a fake PNG of one value when not). */
export function entry(
  path: string,
  bytes: Uint8Array = fakePng(new Uint8Array([7])),
  size = bytes.length,
): ImageEntry {
  return { path, size, bytes: async () => bytes };
}

/** Entries of fake PNGs: for each class, n images named 000.png, 001.png… */
export function classEntries(counts: Record<string, number>): ImageEntry[] {
  return Object.entries(counts).flatMap(([name, n]) =>
    Array.from({ length: n }, (_, i) => entry(`${name}/${String(i).padStart(3, "0")}.png`)),
  );
}

/** The same items in a seeded random order. */
export function shuffledCopy<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
