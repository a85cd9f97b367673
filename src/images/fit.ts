/**
 * The pure half of fitting a picture to a set's shape: which part of the source is kept (the
 * largest centred rectangle of the target's aspect), RGBA to [3][H][W] on white, and the gray
 * a one-channel network reads. decode.ts does the drawing.
 */
import type { ImageShape } from "./types";

/** A rectangle of the source in whole pixels. */
export interface CropRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

function checkSide(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a whole number of pixels, 1 or more; it is ${value}.`);
  }
}

/**
 * The largest rectangle of the target's aspect (dstW:dstH) centred in a srcW x srcH source:
 * the source's full height when the source is wider than the target, else its full width;
 * at least 1 pixel each way, the margins differing by at most a pixel.
 */
export function cropRect(srcW: number, srcH: number, dstW: number, dstH: number): CropRect {
  checkSide(srcW, "The source's width");
  checkSide(srcH, "The source's height");
  checkSide(dstW, "The target's width");
  checkSide(dstH, "The target's height");
  // Compared in whole numbers (under 2^53 for any real picture), so no rounding decides it.
  if (srcW * dstH >= srcH * dstW) {
    const width = Math.min(srcW, Math.max(1, Math.round((srcH * dstW) / dstH)));
    return { x: Math.floor((srcW - width) / 2), y: 0, width, height: srcH };
  }
  const height = Math.min(srcH, Math.max(1, Math.round((srcW * dstH) / dstW)));
  return { x: 0, y: Math.floor((srcH - height) / 2), width: srcW, height };
}

/** Bytes of one image of a set: 3 x H x W. */
export function imageBytes(shape: Pick<ImageShape, "height" | "width">): number {
  return 3 * shape.height * shape.width;
}

/**
 * RGBA (a canvas's getImageData, straight alpha) to [3][H][W] bytes, each pixel composited on
 * white: c·a/255 + 255·(1 − a/255), rounded. Writes into `out` at `offset` when given.
 */
export function rgbaToPlanar(
  rgba: ArrayLike<number>,
  height: number,
  width: number,
  out: Uint8Array = new Uint8Array(3 * height * width),
  offset = 0,
): Uint8Array {
  const plane = height * width;
  if (rgba.length !== 4 * plane) {
    throw new RangeError(`RGBA of ${height}x${width} has ${4 * plane} bytes, not ${rgba.length}.`);
  }
  if (out.length < offset + 3 * plane) {
    throw new RangeError(`The output holds ${out.length} bytes, too few from ${offset}.`);
  }
  for (let p = 0; p < plane; p++) {
    const a = rgba[4 * p + 3] ?? 255;
    const white = 255 * (255 - a);
    for (let c = 0; c < 3; c++) {
      // Rounded in whole numbers: floor((2x + 255) / 510) is round(x / 255), halves up.
      const x = (rgba[4 * p + c] ?? 0) * a + white;
      out[offset + c * plane + p] = Math.floor((2 * x + 255) / 510);
    }
  }
  return out;
}

/**
 * `count` images of [3][H][W] bytes as [H][W] gray bytes: ITU-R BT.601 luma,
 * 0.299 R + 0.587 G + 0.114 B, rounded (halves up), computed in whole numbers.
 */
export function toGray(
  pixels: Uint8Array,
  count: number,
  height: number,
  width: number,
): Uint8Array {
  const plane = height * width;
  if (pixels.length !== count * 3 * plane) {
    throw new RangeError(
      `${count} RGB images of ${height}x${width} are ${count * 3 * plane} bytes, not ${pixels.length}.`,
    );
  }
  const gray = new Uint8Array(count * plane);
  for (let i = 0; i < count; i++) {
    const from = i * 3 * plane;
    for (let p = 0; p < plane; p++) {
      const r = pixels[from + p] ?? 0;
      const g = pixels[from + plane + p] ?? 0;
      const b = pixels[from + 2 * plane + p] ?? 0;
      gray[i * plane + p] = Math.floor((299 * r + 587 * g + 114 * b + 500) / 1000);
    }
  }
  return gray;
}
