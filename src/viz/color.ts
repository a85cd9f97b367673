import { interpolateRdBu } from "d3-scale-chromatic";

/** An RGB colour as three bytes. */
export type Rgb = readonly [number, number, number];

function parseRgb(css: string): Rgb {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

const LUT_SIZE = 256;
// Red–blue diverging (ColorBrewer RdBu, colour-blind safe), negative blue, positive red.
const DIVERGING: Rgb[] = Array.from({ length: LUT_SIZE }, (_, i) =>
  parseRgb(interpolateRdBu(1 - i / (LUT_SIZE - 1))),
);

/** The colour of a signed value on a diverging scale centred on zero, saturating at ±maxAbs. */
export function divergingColor(value: number, maxAbs: number): Rgb {
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, value / maxAbs)) : 0;
  return DIVERGING[Math.round(((t + 1) / 2) * (LUT_SIZE - 1))] as Rgb;
}

/** The colour of an image value in [0, 1]: black to white. */
export function grayColor(value: number): Rgb {
  const v = Math.round(Math.max(0, Math.min(1, value)) * 255);
  return [v, v, v];
}

/** A CSS colour string. */
export function css([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** Black or white text, whichever reads better on the background. */
export function textOn([r, g, b]: Rgb): string {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#111" : "#fff";
}

/** The largest |value| of the data (at least `floor`, so an all-zero grid still has a scale). */
export function maxAbs(data: ArrayLike<number>, floor = 1e-12): number {
  let m = floor;
  for (let i = 0; i < data.length; i++) {
    const v = Math.abs(data[i] as number);
    if (v > m) m = v;
  }
  return m;
}
