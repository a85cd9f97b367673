import { createGrid, type Grid } from "../engine/index";

/** Larger files are refused before decoding. */
export const MAX_IMAGE_FILE_BYTES = 50 * 1024 * 1024;

/** An image file that cannot be used; the message is for the person. */
export class ImageFileError extends Error {
  override name = "ImageFileError";
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.decoding = "async";
    img.onload = () => resolve(img);
    img.onerror = () => reject(new ImageFileError("The browser could not decode it as an image."));
    img.src = url;
  });
}

/** A decoded picture and how to let go of its pixels. */
interface Decoded {
  source: CanvasImageSource;
  width: number;
  height: number;
  release(): void;
}

/**
 * Decodes the file. createImageBitmap decodes off the main thread, so even a 10,000 x 10,000
 * picture leaves the page responsive; what it cannot decode (SVG, in Chromium) goes through an
 * <img> element instead.
 */
async function decode(file: Blob): Promise<Decoded> {
  if (typeof createImageBitmap === "function") {
    try {
      const bitmap = await createImageBitmap(file);
      return {
        source: bitmap,
        width: bitmap.width,
        height: bitmap.height,
        release: () => bitmap.close(),
      };
    } catch {
      // Not decodable as a bitmap: the <img> element below decides, and says why.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = await loadImage(url);
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, release: () => {} };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A format whose end can be found in its bytes, so a file cut short can be told apart. */
export type CheckedFormat = "PNG" | "JPEG" | "GIF" | "WebP";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

/** Big-endian (PNG, JPEG) or little-endian (RIFF) unsigned integer of `size` bytes at `at`. */
function readUint(bytes: Uint8Array, at: number, size: number, littleEndian = false): number {
  let n = 0;
  for (let k = 0; k < size; k++) n = n * 256 + (bytes[at + (littleEndian ? size - 1 - k : k)] ?? 0);
  return n;
}

/** Whether the chunks run, length by length, up to and including an IEND chunk. */
function pngComplete(b: Uint8Array): boolean {
  let i = PNG_SIGNATURE.length;
  while (i + 8 <= b.length) {
    const next = i + 12 + readUint(b, i, 4); // length, type, data, CRC
    if (startsWith(b, [0x49, 0x45, 0x4e, 0x44], i + 4)) return next <= b.length; // "IEND"
    i = next;
  }
  return false;
}

/** RSTn (0xD0–0xD7): markers inside entropy-coded data, with no length. */
const isRestart = (code: number) => code >= 0xd0 && code <= 0xd7;

/**
 * Whether the segments, length by length, and the entropy-coded data after each start of scan
 * run up to an end-of-image marker (FF D9). A thumbnail's FF D9 inside an APP segment is
 * skipped with its segment; bytes after the end (some cameras add them) do not matter.
 */
function jpegComplete(b: Uint8Array): boolean {
  let i = 2;
  for (;;) {
    if (i >= b.length) return false;
    if (b[i] !== 0xff) return true; // Not a marker where one must be: the decoder decides.
    while (b[i] === 0xff) i++; // fill bytes
    if (i >= b.length) return false;
    const code = b[i] as number;
    i++;
    if (code === 0xd9) return true;
    if (isRestart(code) || code === 0x01) continue;
    if (i + 2 > b.length) return false;
    i += readUint(b, i, 2);
    if (code !== 0xda) continue;
    // Entropy-coded data: a 0xFF in it is followed by 0x00 (a stuffed byte) or a restart.
    for (;;) {
      i = b.indexOf(0xff, i);
      if (i < 0 || i + 1 >= b.length) return false;
      const next = b[i + 1] as number;
      if (next !== 0x00 && !isRestart(next)) break;
      i += 2;
    }
  }
}

/** Skips a GIF colour table if `flags` announce one. */
const colourTable = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);

/**
 * Whether the blocks run, size by size, to the trailer (0x3B), or at least to the end of a
 * whole image: some encoders leave the trailer out, and browsers show such files whole.
 */
function gifComplete(b: Uint8Array): boolean {
  let i = 13 + colourTable(b[10] ?? 0);
  let images = 0;
  for (;;) {
    if (i >= b.length) return images > 0 && i === b.length;
    const block = b[i];
    if (block === 0x3b) return true;
    if (block === 0x21) {
      i += 2; // introducer and label
    } else if (block === 0x2c) {
      if (i + 10 > b.length) return false;
      i += 10 + colourTable(b[i + 9] as number) + 1; // descriptor, table, LZW code size
      images++;
    } else {
      return true; // Not a block where one must be: the decoder decides.
    }
    for (;;) {
      if (i >= b.length) return false;
      const size = b[i] as number;
      i += 1 + size;
      if (size === 0) break;
    }
  }
}

/**
 * The format of a file that ends before its own data does (an interrupted download or copy),
 * or null when it is whole or of a format not checked here (the decoder then decides). A PNG
 * must reach its IEND chunk, a JPEG its end-of-image marker, a GIF its trailer, a WebP the
 * length its RIFF header gives. Browsers decode such files without an error, as far as they
 * go, and fill the rest with black.
 */
export function cutShort(b: Uint8Array): CheckedFormat | null {
  if (startsWith(b, PNG_SIGNATURE)) return pngComplete(b) ? null : "PNG";
  if (startsWith(b, [0xff, 0xd8, 0xff])) return jpegComplete(b) ? null : "JPEG";
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38])) return gifComplete(b) ? null : "GIF"; // "GIF8"
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) {
    // "RIFF", size, "WEBP"
    return b.length >= 8 + readUint(b, 4, 4, true) ? null : "WebP";
  }
  return null;
}

/**
 * Decodes any browser-readable image file, centre-crops it to the aspect ratio of
 * height × width, scales it to that size and converts it to grayscale in [0, 1] (Rec. 709
 * luma; transparent counts as black). A file cut short is refused.
 */
export async function imageFileToGrid(file: Blob, height: number, width: number): Promise<Grid> {
  if (file.size === 0) throw new ImageFileError("The file is empty.");
  if (file.size > MAX_IMAGE_FILE_BYTES) {
    throw new ImageFileError(
      `The file is ${(file.size / 1048576).toFixed(0)} MB; images up to 50 MB can be opened.`,
    );
  }
  const cut = cutShort(new Uint8Array(await file.arrayBuffer()));
  if (cut !== null) {
    throw new ImageFileError(
      `The file ends before its ${cut} data does: it was cut short, perhaps by an unfinished download or copy.`,
    );
  }
  const picture = await decode(file);
  try {
    const w = picture.width;
    const h = picture.height;
    if (w === 0 || h === 0) throw new ImageFileError("The image has no size.");
    // The largest centred rectangle of the wanted aspect ratio.
    const scale = Math.min(w / width, h / height);
    const cropW = width * scale;
    const cropH = height * scale;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (ctx === null) throw new ImageFileError("This browser cannot draw images here.");
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(
      picture.source,
      (w - cropW) / 2,
      (h - cropH) / 2,
      cropW,
      cropH,
      0,
      0,
      width,
      height,
    );
    const px = ctx.getImageData(0, 0, width, height).data;
    const grid = createGrid(height, width);
    for (let i = 0; i < height * width; i++) {
      const o = i * 4;
      // Integer Rec. 709 weights (summing to 10000), so white is exactly 1 and black exactly 0.
      const luma =
        2126 * (px[o] as number) + 7152 * (px[o + 1] as number) + 722 * (px[o + 2] as number);
      grid.data[i] = (luma * (px[o + 3] as number)) / (10000 * 255 * 255);
    }
    return grid;
  } finally {
    picture.release();
  }
}
