/**
 * Browser only: pictures to a set's [3][H][W] bytes. A file's bytes go through
 * createImageBitmap (in a window or a worker), a camera's frame straight from its video
 * element; both are cropped by fit.ts's rule, scaled on a canvas and read back on white.
 *
 * Hazard: a large photo is decoded whole before it is scaled (a 20 MB JPEG may be 100
 * megapixels, 400 MB of RGBA for a moment); openImageSet decodes one image at a time so only
 * one such bitmap lives at once, and closes it at once.
 */
import { cropRect, imageBytes, rgbaToPlanar } from "./fit";
import { ImageSetError, type ImageShape } from "./types";

type Context2d = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** One canvas per target size, reused: making one per image costs more than drawing. */
let cached: { width: number; height: number; context: Context2d } | null = null;

function context(width: number, height: number): Context2d {
  if (cached?.width === width && cached.height === height) return cached.context;
  const options: CanvasRenderingContext2DSettings = { willReadFrequently: true };
  let made: Context2d | null = null;
  if (typeof OffscreenCanvas !== "undefined") {
    made = new OffscreenCanvas(width, height).getContext("2d", options);
  } else if (typeof document !== "undefined") {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    made = canvas.getContext("2d", options);
  }
  if (made === null) {
    throw new ImageSetError(
      "This browser cannot draw pictures here (no canvas): open the images in an up-to-date browser.",
    );
  }
  cached = { width, height, context: made };
  return made;
}

/**
 * A picture (an ImageBitmap, a playing video element, an image) of sw x sh pixels, cropped to
 * the shape's aspect, centred, scaled to height x width: [3][H][W] bytes on white.
 */
export function fitFromSource(
  source: CanvasImageSource,
  sw: number,
  sh: number,
  shape: ImageShape,
): Uint8Array {
  if (sw < 1 || sh < 1) {
    throw new ImageSetError("The picture has no pixels yet (a camera that has not started?).");
  }
  const crop = cropRect(sw, sh, shape.width, shape.height);
  const draw = context(shape.width, shape.height);
  draw.clearRect(0, 0, shape.width, shape.height);
  draw.imageSmoothingEnabled = true;
  draw.imageSmoothingQuality = "high";
  draw.drawImage(source, crop.x, crop.y, crop.width, crop.height, 0, 0, shape.width, shape.height);
  const rgba = draw.getImageData(0, 0, shape.width, shape.height).data;
  return rgbaToPlanar(rgba, shape.height, shape.width, new Uint8Array(imageBytes(shape)));
}

/** An image file's bytes (PNG, JPEG, GIF's first frame, WebP, BMP) fitted to the shape. */
export const decodeImage = async (bytes: Uint8Array, shape: ImageShape): Promise<Uint8Array> => {
  // Blob wants bytes over an ArrayBuffer; a file's or a zip's bytes always are.
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
    imageOrientation: "from-image",
  });
  try {
    return fitFromSource(bitmap, bitmap.width, bitmap.height, shape);
  } finally {
    bitmap.close();
  }
};
