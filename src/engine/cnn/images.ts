import { checkBuffer, checkInteger } from "./checks";
import { IMAGE_SIDE } from "./network";

/** Labelled 32x32 images: pixels as bytes 0–255 (value = byte / 255), one label 0–9 each. */
export interface LabelledImages {
  /** Number of images. */
  readonly count: number;
  /** `count · 32 · 32` bytes, image after image, row-major. */
  readonly pixels: Uint8Array;
  /** `count` labels, 0–9. */
  readonly labels: Uint8Array;
}

/** Checks that a set of labelled images is consistent; returns it. */
export function checkLabelledImages(name: string, set: LabelledImages): LabelledImages {
  checkInteger(`${name}.count`, set.count, 1, 1 << 24);
  const size = IMAGE_SIDE * IMAGE_SIDE;
  if (!(set.pixels instanceof Uint8Array) || set.pixels.length !== set.count * size) {
    throw new RangeError(`${name}.pixels must be a Uint8Array of ${set.count * size} bytes`);
  }
  if (!(set.labels instanceof Uint8Array) || set.labels.length !== set.count) {
    throw new RangeError(`${name}.labels must be a Uint8Array of ${set.count} labels`);
  }
  for (let i = 0; i < set.count; i++) {
    if ((set.labels[i] as number) > 9) {
      throw new RangeError(`${name}.labels[${i}] must be 0–9; got ${set.labels[i]}`);
    }
  }
  return set;
}

/** Copies image `index` of `set` into `input` as values in [0, 1] (byte / 255). */
export function loadImage(set: LabelledImages, index: number, input: Float64Array): void {
  const size = IMAGE_SIDE * IMAGE_SIDE;
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
  const side = IMAGE_SIDE;
  checkInteger("index", index, 0, set.count - 1);
  checkInteger("dy", dy, -side + 1, side - 1);
  checkInteger("dx", dx, -side + 1, side - 1);
  checkBuffer("input", input, side * side);
  input.fill(0);
  const from = index * side * side;
  for (let r = Math.max(0, dy); r < Math.min(side, side + dy); r++) {
    const source = from + (r - dy) * side - dx;
    for (let c = Math.max(0, dx); c < Math.min(side, side + dx); c++) {
      input[r * side + c] = (set.pixels[source + c] as number) / 255;
    }
  }
}
