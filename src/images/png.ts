/**
 * A set's image as a PNG (8-bit RGB, no filter, zlib through fflate), written without a
 * canvas: exact bytes (a canvas may colour-manage or premultiply), the same in a window, a
 * worker and Node, and the same file for the same pixels.
 */
import { zlibSync } from "fflate";
import { crc32 } from "../engine/cnn/digits";
import { imageBytes } from "./fit";
import type { ImageShape } from "./types";

/** Writes one [3][H][W] image as a file (PNG here; tests pass fakes). */
export type EncodePng = (pixels: Uint8Array, shape: ImageShape) => Uint8Array | Promise<Uint8Array>;

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** [3][H][W] bytes as a PNG file. */
export function encodePng(pixels: Uint8Array, shape: ImageShape): Uint8Array {
  const { height, width } = shape;
  if (pixels.length !== imageBytes(shape)) {
    throw new RangeError(
      `An image of 3x${height}x${width} has ${imageBytes(shape)} bytes, not ${pixels.length}.`,
    );
  }
  const plane = height * width;
  const raw = new Uint8Array(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + 3 * width); // raw[row] = 0: filter "none"
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) raw[row + 1 + 3 * x + c] = pixels[c * plane + y * width + x] ?? 0;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, adaptive filtering, no interlace
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlibSync(raw, { level: 6 })),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
