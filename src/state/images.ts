import { createGrid, type Grid } from "../engine/index";
import { seededRandom } from "./random";

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

function fill(side: number, value: (r: number, c: number) => number): Grid {
  const g = createGrid(side, side);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) g.data[r * side + c] = value(r, c);
  }
  return g;
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

function digit(side: number): Grid {
  const scale = side / 32;
  return fill(side, (r, c) => {
    let d = Number.POSITIVE_INFINITY;
    for (let i = 1; i < DIGIT_TWO.length; i++) {
      const a = DIGIT_TWO[i - 1] as [number, number];
      const b = DIGIT_TWO[i] as [number, number];
      // The polyline is given as [column, row] pairs.
      d = Math.min(
        d,
        segmentDistance(r + 0.5, c + 0.5, a[1] * scale, a[0] * scale, b[1] * scale, b[0] * scale),
      );
    }
    const stroke = Math.max(0, Math.min(1, 1 - Math.max(0, d - 1.1 * scale) / (1.1 * scale)));
    // A faint left-to-right wash, so no patch is all zeros and every position contributes.
    const wash = 0.04 + (0.12 * c) / (side - 1);
    return Math.max(stroke, wash);
  });
}

/** The image for a preset at the given side (noise uses `seed`). Values are in [0, 1]. */
export function presetImage(preset: ImagePreset, side = IMAGE_SIDE, seed = 7): Grid {
  switch (preset) {
    case "digit":
      return digit(side);
    case "edge":
      return fill(side, (_r, c) => (c < side / 2 ? 0 : 1));
    case "checkerboard":
      return fill(side, (r, c) => ((Math.floor(r / 4) + Math.floor(c / 4)) % 2 === 0 ? 1 : 0));
    case "gradient":
      return fill(side, (_r, c) => c / (side - 1));
    case "noise": {
      const random = seededRandom(seed);
      return fill(side, () => random());
    }
    case "blank":
      return fill(side, () => 0);
  }
}
