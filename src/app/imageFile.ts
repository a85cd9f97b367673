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

/**
 * Decodes any browser-readable image file, centre-crops it to a square, scales it to
 * side × side and converts it to grayscale in [0, 1] (Rec. 709 luma; transparent counts as black).
 */
export async function imageFileToGrid(file: Blob, side: number): Promise<Grid> {
  if (file.size === 0) throw new ImageFileError("The file is empty.");
  if (file.size > MAX_IMAGE_FILE_BYTES) {
    throw new ImageFileError(
      `The file is ${(file.size / 1048576).toFixed(0)} MB; images up to 50 MB can be opened.`,
    );
  }
  const picture = await decode(file);
  try {
    const w = picture.width;
    const h = picture.height;
    if (w === 0 || h === 0) throw new ImageFileError("The image has no size.");
    const crop = Math.min(w, h);
    const canvas = document.createElement("canvas");
    canvas.width = side;
    canvas.height = side;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (ctx === null) throw new ImageFileError("This browser cannot draw images here.");
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(picture.source, (w - crop) / 2, (h - crop) / 2, crop, crop, 0, 0, side, side);
    const px = ctx.getImageData(0, 0, side, side).data;
    const grid = createGrid(side, side);
    for (let i = 0; i < side * side; i++) {
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
