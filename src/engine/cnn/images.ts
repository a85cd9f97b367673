import { checkBuffer, checkInteger } from "./checks";
import { IMAGE_SIDE } from "./network";

/** The shape of one image: channels (1 gray, 3 RGB), then rows and columns. */
export interface ImageShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** The digits' shape: one 32x32 channel. */
export const DIGITS_SHAPE: ImageShape = { channels: 1, height: IMAGE_SIDE, width: IMAGE_SIDE };

/**
 * Labelled images: pixels as bytes 0–255 (value = byte / 255), one class index each. Without
 * `shape` and `classes` they are the digits: 1x32x32, labels 0–9.
 */
export interface LabelledImages {
  /** Number of images. */
  readonly count: number;
  /** `count · C · H · W` bytes, image after image, each [C][H][W] row-major. */
  readonly pixels: Uint8Array;
  /** `count` labels, each below `classes`. */
  readonly labels: Uint8Array;
  /** Each image's shape (default DIGITS_SHAPE). */
  readonly shape?: ImageShape;
  /** How many classes the labels name, 2–256 (default 10). */
  readonly classes?: number;
}

/** MNIST's own side: the digits without the asset's padding of 2 on each side. */
export const UNPADDED_SIDE = 28;

/**
 * Digits of IMAGE_SIDE x IMAGE_SIDE (one after another in `digits`) without their padding:
 * each one's centre UNPADDED_SIDE x UNPADDED_SIDE, written one after another into `out`.
 */
export function unpadDigits<T extends Uint8Array | Float64Array>(digits: T, out: T): T {
  const from = IMAGE_SIDE;
  const to = UNPADDED_SIDE;
  const margin = (from - to) / 2;
  const count = digits.length / (from * from);
  checkInteger("digits.length / (32·32)", count, 0, 1 << 24);
  if (out.length !== count * to * to) {
    throw new RangeError(`out.length must be ${count * to * to}; got ${out.length}`);
  }
  for (let n = 0; n < count; n++) {
    for (let r = 0; r < to; r++) {
      const source = n * from * from + (r + margin) * from + margin;
      out.set(digits.subarray(source, source + to), (n * to + r) * to);
    }
  }
  return out;
}

/** A set's image shape (the digits' when it names none). */
export function shapeOfImages(set: LabelledImages): ImageShape {
  return set.shape ?? DIGITS_SHAPE;
}

/** A set's number of classes (the digits' 10 when it names none). */
export function classesOfImages(set: LabelledImages): number {
  return set.classes ?? 10;
}

/** Checks that a set of labelled images is consistent; returns it. */
export function checkLabelledImages(name: string, set: LabelledImages): LabelledImages {
  checkInteger(`${name}.count`, set.count, 1, 1 << 24);
  const { channels, height, width } = shapeOfImages(set);
  checkInteger(`${name}.shape.channels`, channels, 1, 3);
  checkInteger(`${name}.shape.height`, height, 1, 1024);
  checkInteger(`${name}.shape.width`, width, 1, 1024);
  const classes = classesOfImages(set);
  checkInteger(`${name}.classes`, classes, 2, 256);
  const size = channels * height * width;
  if (!(set.pixels instanceof Uint8Array) || set.pixels.length !== set.count * size) {
    throw new RangeError(`${name}.pixels must be a Uint8Array of ${set.count * size} bytes`);
  }
  if (!(set.labels instanceof Uint8Array) || set.labels.length !== set.count) {
    throw new RangeError(`${name}.labels must be a Uint8Array of ${set.count} labels`);
  }
  for (let i = 0; i < set.count; i++) {
    if ((set.labels[i] as number) >= classes) {
      throw new RangeError(`${name}.labels[${i}] must be 0–${classes - 1}; got ${set.labels[i]}`);
    }
  }
  return set;
}

/** Copies image `index` of `set` into `input` as values in [0, 1] (byte / 255). */
export function loadImage(set: LabelledImages, index: number, input: Float64Array): void {
  const { channels, height, width } = shapeOfImages(set);
  const size = channels * height * width;
  checkInteger("index", index, 0, set.count - 1);
  checkBuffer("input", input, size);
  const from = index * size;
  for (let i = 0; i < size; i++) input[i] = (set.pixels[from + i] as number) / 255;
}

/**
 * The shift of the image at `position` of a run's stream (data augmentation): a whole-pixel
 * translation (dy, dx), each in [−maxShift, maxShift], from a hash of (seed, position), so
 * a run can be paused, resumed and replayed and a view can show exactly what a step saw.
 */
export function shiftAt(
  seed: number,
  position: number,
  maxShift: number,
): { dy: number; dx: number } {
  const code = shiftCode(seed, position, maxShift);
  return { dy: shiftRows(code), dx: shiftColumns(code) };
}

/**
 * shiftAt's (dy, dx) as one number, `(dy + 8)·16 + (dx + 8)`, for the training loop, which
 * must not allocate: read it with shiftRows and shiftColumns.
 */
export function shiftCode(seed: number, position: number, maxShift: number): number {
  if (maxShift === 0) return 8 * 16 + 8;
  let h = (seed + Math.imul(position + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h = (h ^ (h >>> 16)) >>> 0;
  const side = 2 * maxShift + 1;
  return ((h % side) - maxShift + 8) * 16 + (((h >>> 8) % side) - maxShift + 8);
}

/** The dy of a shiftCode. */
export function shiftRows(code: number): number {
  return (code >> 4) - 8;
}

/** The dx of a shiftCode. */
export function shiftColumns(code: number): number {
  return (code & 15) - 8;
}

/**
 * Copies image `index` of `set` into `input` moved down by dy and right by dx pixels
 * (negative: up, left), values byte / 255; cells moved in from outside are 0. The digits
 * have a zero border of 2 (and MNIST's own margin), so shifts of up to 2 lose no ink.
 */
export function loadShiftedImage(
  set: LabelledImages,
  index: number,
  dy: number,
  dx: number,
  input: Float64Array,
): void {
  const { channels, height, width } = shapeOfImages(set);
  const plane = height * width;
  checkInteger("index", index, 0, set.count - 1);
  checkInteger("dy", dy, -height + 1, height - 1);
  checkInteger("dx", dx, -width + 1, width - 1);
  checkBuffer("input", input, channels * plane);
  input.fill(0);
  for (let ch = 0; ch < channels; ch++) {
    const from = (index * channels + ch) * plane;
    const to = ch * plane;
    for (let r = Math.max(0, dy); r < Math.min(height, height + dy); r++) {
      const source = from + (r - dy) * width - dx;
      for (let c = Math.max(0, dx); c < Math.min(width, width + dx); c++) {
        input[to + r * width + c] = (set.pixels[source + c] as number) / 255;
      }
    }
  }
}
