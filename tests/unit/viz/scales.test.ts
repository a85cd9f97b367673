import { scaleLinear, scaleLog } from "d3-scale";
import { line } from "d3-shape";
import { expect, test } from "vitest";
import { linePath } from "../../../src/viz/linePath";
import { linearScale, logScale } from "../../../src/viz/scales";
import { mulberry32 } from "../engine/random";

const random = mulberry32(8);

/** A few hundred domains: tiny, huge, reversed, degenerate. */
function domains(positive: boolean): [number, number][] {
  const out: [number, number][] = [
    [0, 1],
    [1, 1],
    [5, 0],
    [1e-12, 1],
    [0.3, 4.5e7],
  ];
  for (let n = 0; n < 300; n++) {
    const a = 10 ** (random() * 24 - 12) * (positive || random() < 0.5 ? 1 : -1);
    const b = positive
      ? a * 10 ** (random() * 12 - 2)
      : a + (random() - 0.5) * 10 ** (random() * 8);
    out.push([a, b]);
  }
  return positive ? out.filter(([a, b]) => a > 0 && b > 0) : out;
}

test("linearScale maps and ticks exactly as d3's scaleLinear", () => {
  for (const d of domains(false)) {
    const ours = linearScale(d, [0, 320]);
    const d3 = scaleLinear().domain(d).range([0, 320]);
    for (const count of [3, 5, 10]) expect(ours.ticks(count), `${d}`).toEqual(d3.ticks(count));
    for (const x of [d[0], d[1], (d[0] + d[1]) / 2, d[0] * 3 - d[1]]) expect(ours(x)).toBe(d3(x));
  }
});

test("logScale maps, nices and ticks exactly as d3's scaleLog", () => {
  for (const d of domains(true)) {
    for (const nice of [false, true]) {
      const ours = logScale(d, [200, 0], nice);
      const d3 = scaleLog().domain(d).range([200, 0]);
      if (nice) d3.nice();
      expect(ours.domain, `${d}`).toEqual(d3.domain());
      for (const count of [4, 10]) expect(ours.ticks(count), `${d}`).toEqual(d3.ticks(count));
      for (const x of [d[0], d[1], Math.sqrt(d[0] * d[1])]) expect(ours(x)).toBe(d3(x));
    }
  }
});

test("linePath draws exactly d3-shape's line()", () => {
  const x = (p: [number, number]) => p[0];
  const y = (p: [number, number]) => p[1];
  const d3 = line<[number, number]>().x(x).y(y);
  for (const n of [0, 1, 2, 7, 600]) {
    const points = Array.from({ length: n }, (_, i): [number, number] => [
      i * 0.6123456,
      (random() - 0.5) * 10 ** (random() * 8 - 4),
    ]);
    expect(linePath(points, x, y)).toBe(d3(points));
  }
});
