import { ticks } from "d3-array";

/**
 * The two continuous scales the main figure draws with, written out to match d3-scale's
 * scaleLinear and scaleLog (base 10, positive domain) value for value. d3-scale itself brings
 * d3-interpolate, d3-color and d3-format into the bundle for interpolators and tick formats
 * these charts never use; the ticks still come from d3-array. tests/unit/viz/scales.test.ts
 * checks both against d3-scale.
 *
 * Kept for first-load size, measured with `npm run build && npm run size` (issue 12, at
 * 847631f; first-load JavaScript, gzip, against the 110 kB budget): these scales and linePath
 * 112.78 kB; with d3-shape's line instead of linePath 116.19 kB (+3.41 kB); with d3-scale and
 * d3-shape for the loss chart and the legend 125.53 kB (+12.75 kB). The first load was already
 * over budget before this choice; real D3 here would add to it.
 */
export interface Scale {
  /** The position of a domain value in the range. */
  (x: number): number;
  /** The domain, [d0, d1]. */
  readonly domain: readonly [number, number];
  /** About `count` round values inside the domain (d3's scale.ticks). */
  ticks(count?: number): number[];
}

/** t ↦ (x − a) / (b − a), or the constant 0.5 when a = b (d3-scale's normalize). */
function normalize(a: number, b: number): (x: number) => number {
  const span = b - a;
  return span ? (x) => (x - a) / span : () => (Number.isNaN(span) ? Number.NaN : 0.5);
}

/** The map of a transformed two-value domain onto a range (d3-scale's bimap). */
function bimap(
  [d0, d1]: readonly [number, number],
  [r0, r1]: readonly [number, number],
): (x: number) => number {
  const [t, a, b] = d1 < d0 ? [normalize(d1, d0), r1, r0] : [normalize(d0, d1), r0, r1];
  return (x) => {
    const u = t(x);
    return a * (1 - u) + b * u;
  };
}

/** A linear scale from `domain` to `range` (d3's scaleLinear().domain(domain).range(range)). */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): Scale {
  const map = bimap(domain, range);
  return Object.assign((x: number) => map(x), {
    domain,
    ticks: (count = 10) => ticks(domain[0], domain[1], count),
  });
}

/** 10^x, exact for whole x (d3-scale's pow10). */
function pow10(x: number): number {
  return Number.isFinite(x) ? Number(`1e${x}`) : Math.max(x, 0);
}

/**
 * A base-10 log scale from a positive `domain` to `range`; with `nice`, the domain is first
 * widened to whole powers of ten (d3's scaleLog().domain(domain).range(range).nice()).
 */
export function logScale(
  domain: readonly [number, number],
  range: readonly [number, number],
  nice = false,
): Scale {
  let [d0, d1] = domain;
  if (nice) {
    const down = (x: number) => pow10(Math.floor(Math.log10(x)));
    const up = (x: number) => pow10(Math.ceil(Math.log10(x)));
    [d0, d1] = d1 < d0 ? [up(d0), down(d1)] : [down(d0), up(d1)];
  }
  const map = bimap([Math.log(d0), Math.log(d1)], range);
  const niceDomain = [d0, d1] as const;
  return Object.assign((x: number) => map(Math.log(x)), {
    domain: niceDomain,
    ticks: (count = 10) => {
      const reversed = d1 < d0;
      const [u, v] = reversed ? [d1, d0] : [d0, d1];
      let i = Math.log10(u);
      let j = Math.log10(v);
      let z: number[] = [];
      if (j - i < count) {
        i = Math.floor(i);
        j = Math.ceil(j);
        for (; i <= j; ++i) {
          for (let k = 1; k < 10; ++k) {
            const t = i < 0 ? k / pow10(-i) : k * pow10(i);
            if (t < u) continue;
            if (t > v) break;
            z.push(t);
          }
        }
        if (z.length * 2 < count) z = ticks(u, v, count);
      } else {
        z = ticks(i, j, Math.min(j - i, count)).map(pow10);
      }
      return reversed ? z.reverse() : z;
    },
  });
}
