/** Rounds a coordinate to 3 decimals, as d3-shape's paths do by default. */
function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * The SVG path of a polyline through `data`, character for character what d3-shape's
 * `line().x(x).y(y)(data)` returns (linear curve, 3 decimals; a single point is `M…Z`; no
 * points gives null). Written out because d3-shape's line adds 3.41 kB gzip to the first load
 * (measured: see scales.ts); tests/unit/viz/scales.test.ts checks it against d3-shape.
 */
export function linePath<T>(
  data: readonly T[],
  x: (d: T) => number,
  y: (d: T) => number,
): string | null {
  let path = "";
  for (let i = 0; i < data.length; i++) {
    const d = data[i] as T;
    path += `${i === 0 ? "M" : "L"}${round(x(d))},${round(y(d))}`;
  }
  if (data.length === 1) path += "Z";
  return path || null;
}
