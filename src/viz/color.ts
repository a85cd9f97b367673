import RD_BU_CODES from "virtual:convsweep/rd-bu";

/** An RGB colour as three bytes. */
export type Rgb = readonly [number, number, number];

/** Parses the colours d3's interpolators return: "rgb(r, g, b)" or "#rrggbb". */
export function parseRgb(css: string): Rgb {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  if (h)
    return [
      Number.parseInt(h[1] as string, 16),
      Number.parseInt(h[2] as string, 16),
      Number.parseInt(h[3] as string, 16),
    ];
  throw new Error(`not a colour d3 returns: ${css}`);
}

/**
 * Red–blue diverging (ColorBrewer RdBu, colour-blind safe), negative blue, positive red: d3's
 * interpolateRdBu sampled 256 times when the app is built (scripts/palette.ts), reversed so
 * that entry 0 is the most negative value.
 */
const DIVERGING: readonly Rgb[] = Array.from({ length: RD_BU_CODES.length / 6 }, (_, i) => {
  const at = RD_BU_CODES.length - 6 * (i + 1);
  return parseRgb(`#${RD_BU_CODES.slice(at, at + 6)}`);
});
const LUT_SIZE = DIVERGING.length;

/** The colour of a signed value on a diverging scale centred on zero, saturating at ±maxAbs. */
export function divergingColor(value: number, maxAbs: number): Rgb {
  // A value that is not finite is never a colour of the scale: it shows as neutral grey.
  if (!Number.isFinite(value)) return NOT_A_NUMBER;
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, value / maxAbs)) : 0;
  return DIVERGING[Math.round(((t + 1) / 2) * (LUT_SIZE - 1))] as Rgb;
}

/** The colour of a value that is not finite (never drawn as if it were a number). */
export const NOT_A_NUMBER: Rgb = [128, 128, 128];

/** The colour of an image value in [0, 1]: black to white. */
export function grayColor(value: number): Rgb {
  if (!Number.isFinite(value)) return NOT_A_NUMBER;
  const v = Math.round(Math.max(0, Math.min(1, value)) * 255);
  return [v, v, v];
}

/** A CSS colour string. */
export function css([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

function channel(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a colour. */
export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** Black or white text, whichever has the higher WCAG contrast on the background. */
export function textOn(background: Rgb): string {
  const l = luminance(background);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000" : "#fff";
}

/** The largest |value| of the data (at least `floor`, so an all-zero grid still has a scale). */
export function maxAbs(data: ArrayLike<number>, floor = 1e-12): number {
  let m = floor;
  for (let i = 0; i < data.length; i++) {
    const v = Math.abs(data[i] as number);
    if (v > m && v < Number.POSITIVE_INFINITY) m = v;
  }
  return m;
}
