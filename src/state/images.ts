import { createGrid, type Grid, seededRandom } from "../engine/index";

/** The side of the input image, in cells. */
export const IMAGE_SIDE = 32;

/** The image presets, in menu order. */
export const IMAGE_PRESETS = [
  "digit",
  "edge",
  "checkerboard",
  "gradient",
  "noise",
  "blank",
] as const;
/** One of the image presets. */
export type ImagePreset = (typeof IMAGE_PRESETS)[number];

/** Menu labels of the image presets. */
export const IMAGE_PRESET_LABELS: Record<ImagePreset, string> = {
  digit: "Digit 2",
  edge: "Edge",
  checkerboard: "Checkerboard",
  gradient: "Gradient",
  noise: "Noise",
  blank: "Blank",
};

function fill(height: number, width: number, value: (r: number, c: number) => number): Grid {
  const g = createGrid(height, width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) g.data[r * width + c] = value(r, c);
  }
  return g;
}

/**
 * A ramp from 0 to `top` across the image: left to right, or top to bottom when the image is
 * one column wide (so a 4096x1 image still has a gradient).
 */
function ramp(height: number, width: number, top = 1): (r: number, c: number) => number {
  if (width > 1) return (_r, c) => (top * c) / (width - 1);
  if (height > 1) return (r) => (top * r) / (height - 1);
  return () => top;
}

/** Distance from point p to segment ab. */
export function segmentDistance(
  pr: number,
  pc: number,
  ar: number,
  ac: number,
  br: number,
  bc: number,
): number {
  const dr = br - ar;
  const dc = bc - ac;
  const len2 = dr * dr + dc * dc;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((pr - ar) * dr + (pc - ac) * dc) / len2));
  return Math.hypot(pr - (ar + t * dr), pc - (ac + t * dc));
}

/** A hand-drawn-looking "2": a polyline in a 32x32 frame, stroked with a soft edge. */
const DIGIT_TWO: readonly [number, number][] = [
  [6, 8],
  [8.5, 4.5],
  [13, 2.5],
  [18, 2.5],
  [22.5, 4.5],
  [24.5, 8.5],
  [23.5, 13],
  [19.5, 18],
  [13, 23.5],
  [7, 28.5],
  [16, 28.5],
  [26, 28.5],
];

/**
 * The "2" scaled to fit the image's shorter side and centred in the longer one, over a wash
 * that rises across the image.
 */
function digit(height: number, width: number): Grid {
  const scale = Math.min(height, width) / 32;
  const top = (height - 32 * scale) / 2;
  const left = (width - 32 * scale) / 2;
  // At least half a cell each, so a thin image still shows the stroke.
  const half = Math.max(0.5, 1.1 * scale);
  const wash = ramp(height, width, 0.12);
  return fill(height, width, (r, c) => {
    let d = Number.POSITIVE_INFINITY;
    for (let i = 1; i < DIGIT_TWO.length; i++) {
      const a = DIGIT_TWO[i - 1] as [number, number];
      const b = DIGIT_TWO[i] as [number, number];
      // The polyline is given as [column, row] pairs.
      d = Math.min(
        d,
        segmentDistance(
          r + 0.5,
          c + 0.5,
          top + a[1] * scale,
          left + a[0] * scale,
          top + b[1] * scale,
          left + b[0] * scale,
        ),
      );
    }
    const stroke = Math.max(0, Math.min(1, 1 - Math.max(0, d - half) / half));
    // A faint left-to-right wash, so no patch is all zeros and every position contributes.
    return Math.max(stroke, 0.04 + wash(r, c));
  });
}

/**
 * The image for a preset, height x width cells of any shape (noise uses `seed`). Values are
 * in [0, 1].
 */
export function presetImage(
  preset: ImagePreset,
  height = IMAGE_SIDE,
  width = height,
  seed = 7,
): Grid {
  switch (preset) {
    case "digit":
      return digit(height, width);
    case "edge":
      // Dark on the left half, light on the right; top and bottom on a one-column image.
      return fill(height, width, (r, c) => ((width > 1 ? c < width / 2 : r < height / 2) ? 0 : 1));
    case "checkerboard":
      return fill(height, width, (r, c) =>
        (Math.floor(r / 4) + Math.floor(c / 4)) % 2 === 0 ? 1 : 0,
      );
    case "gradient":
      return fill(height, width, ramp(height, width));
    case "noise": {
      const random = seededRandom(seed);
      return fill(height, width, () => random());
    }
    case "blank":
      return fill(height, width, () => 0);
  }
}

/** A point in fractional cell coordinates (row, col): (0.5, 0.5) is the first cell's centre. */
export interface CellPoint {
  row: number;
  col: number;
}

/**
 * The image with every cell whose centre lies within `radius` of the segment from `from` to
 * `to` set to `value`; null when no cell changes. Only the segment's bounding box, grown by
 * the radius, is measured (at 128x128 a full scan per pointer move cost 4 ms).
 */
export function paintSegment(
  image: Grid,
  from: CellPoint,
  to: CellPoint,
  radius: number,
  value: number,
): Grid | null {
  const data = image.data.slice();
  let changed = false;
  const rows = span(from.row, to.row, radius, image.height);
  const cols = span(from.col, to.col, radius, image.width);
  for (let r = rows.from; r < rows.to; r++) {
    for (let c = cols.from; c < cols.to; c++) {
      const d = segmentDistance(r + 0.5, c + 0.5, from.row, from.col, to.row, to.col);
      if (d <= radius && data[r * image.width + c] !== value) {
        data[r * image.width + c] = value;
        changed = true;
      }
    }
  }
  return changed ? createGrid(image.height, image.width, data) : null;
}

/**
 * Cells [from, to) along one axis, clipped to 0 … size, that hold every cell whose centre
 * (i + 0.5) lies within `radius` of the interval between a and b (and a few more: the caller
 * measures each).
 */
function span(a: number, b: number, radius: number, size: number): { from: number; to: number } {
  return {
    from: Math.max(0, Math.floor(Math.min(a, b) - radius - 0.5)),
    to: Math.min(size, Math.ceil(Math.max(a, b) + radius + 0.5)),
  };
}
