// The network's history of one number per step (stepSeries.ts): appending grows one buffer in
// place without copying what came before, older states keep reading what they read, and the
// curve drawn stays within MAX_CURVE_POINTS however long the history, its spikes included.
import { describe, expect, test } from "vitest";
import {
  appended,
  curvePoints,
  MAX_CURVE_POINTS,
  meanOfLast,
  type StepSeries,
  sampled,
} from "../../../../src/state/network/stepSeries";

/** A noisy falling loss for steps 1..n, the same for the same n. */
const loss = (i: number) => 2.3 / Math.sqrt(1 + i / 50) + 0.05 * Math.sin(i * 12.9898);

/** A history of `n` steps built as training builds it: reports of `per` steps. */
function trained(n: number, per = 37, spikeAt = -1): StepSeries {
  let series: StepSeries = [];
  for (let from = 0; from < n; from += per) {
    const to = Math.min(n, from + per);
    const report = Float64Array.from({ length: to - from }, (_, k) =>
      from + k === spikeAt ? 1000 : loss(from + k),
    );
    series = appended(series, report);
  }
  return series;
}

describe("appending to a history", () => {
  test("keeps every number, and a buffer is made again only when it is full", () => {
    let series: StepSeries = [];
    const buffers = new Set<ArrayBufferLike>();
    for (let from = 0; from < 200_000; from += 10) {
      series = appended(
        series,
        Float64Array.from({ length: 10 }, (_, k) => from + k),
      );
      if (series instanceof Float64Array) buffers.add(series.buffer);
    }
    expect(series.length).toBe(200_000);
    expect(series[123_456]).toBe(123_456);
    // 20,000 reports, and buffers of 1,024, 2,048, … 262,144 numbers: 9 of them.
    expect(buffers.size).toBeLessThanOrEqual(9);
  });

  test("appending to a 200,000-step history writes only the new steps, into the same buffer", () => {
    const before = trained(200_000);
    expect(before).toBeInstanceOf(Float64Array);
    const after = appended(before, Float64Array.of(0.5, 0.25));
    expect(after).not.toBe(before); // a new object: the store and React see a change
    expect((after as Float64Array).buffer).toBe((before as Float64Array).buffer);
    expect(after.length).toBe(200_002);
    expect([after[199_999], after[200_000], after[200_001]]).toEqual([before[199_999], 0.5, 0.25]);
    // The older state still reads its 200,000 steps.
    expect(before.length).toBe(200_000);
  });

  test("an older state appended to again is copied, so no state changes another", () => {
    const base = appended([], Float64Array.of(1, 2, 3));
    const a = appended(base, Float64Array.of(4));
    const b = appended(base, Float64Array.of(40));
    expect([...a]).toEqual([1, 2, 3, 4]);
    expect([...b]).toEqual([1, 2, 3, 40]);
    expect([...base]).toEqual([1, 2, 3]);
    // A plain array (a file's history, a step taken by hand) is read, never changed.
    const plain = [1, 2];
    expect([...appended(plain, [3])]).toEqual([1, 2, 3]);
    expect(plain).toEqual([1, 2]);
    expect(appended(plain, [])).toBe(plain);
  });
});

describe("the curve drawn", () => {
  test("a short history is drawn whole", () => {
    const series = trained(500);
    expect(curvePoints(series)).toEqual(Array.from(series, (l, i) => [i + 1, l]));
  });

  test("200,000 steps draw at most MAX_CURVE_POINTS points, the spike and the latest among them", () => {
    const spikeAt = 150_001; // between the points an even spacing of 600 would pick
    const series = trained(200_000, 37, spikeAt);
    const points = curvePoints(series);
    expect(MAX_CURVE_POINTS).toBeLessThanOrEqual(2_010);
    expect(points.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(points.length).toBeGreaterThan(1_000);
    expect(points).toContainEqual([spikeAt + 1, 1000]);
    expect(points.at(-1)).toEqual([200_000, series[199_999]]);
    // In step order, and each the step's own loss.
    for (let i = 1; i < points.length; i++) {
      const [step, value] = points[i] as readonly [number, number];
      expect(step).toBeGreaterThan((points[i - 1] as readonly [number, number])[0]);
      if (step - 1 !== spikeAt) expect(value).toBe(series[step - 1]);
    }
    // The lowest and highest losses drawn are the history's.
    const lowest = (values: Iterable<number>) => Math.min(Number.POSITIVE_INFINITY, ...values);
    expect(lowest(points.map(([, v]) => v))).toBe(
      Array.from(series).reduce((a, b) => Math.min(a, b)),
    );
    expect(Math.max(...points.map(([, v]) => v))).toBe(1000);
  });

  test("drawing again reads only the steps added since (a history of getters counts the reads)", () => {
    let series = trained(200_000);
    curvePoints(series);
    for (let r = 0; r < 5; r++) {
      series = appended(series, Float64Array.of(0.3, 0.2, 0.1));
      const counted = countingReads(series);
      const points = curvePoints(counted.series);
      expect(points.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
      // The three new steps, and the latest once more for the curve's end.
      expect(counted.reads()).toBeLessThanOrEqual(4);
    }
  });

  test("an older, shorter state is drawn from its own steps", () => {
    const short = trained(3_000);
    const long = appended(
      short,
      Float64Array.from({ length: 5_000 }, () => 0.001),
    );
    curvePoints(long);
    const points = curvePoints(short);
    expect(points.at(-1)?.[0]).toBe(3_000);
    expect(points.every(([, v]) => v > 0.001)).toBe(true);
  });
});

describe("the recent numbers", () => {
  test("the mean of the last 100 reads only those", () => {
    const series = trained(200_000);
    const counted = countingReads(series);
    const recent = meanOfLast(counted.series, 100);
    const expected =
      Array.from(series)
        .slice(-100)
        .reduce((a, b) => a + b, 0) / 100;
    expect(recent?.count).toBe(100);
    expect(recent?.mean).toBeCloseTo(expected, 12);
    expect(counted.reads()).toBe(100);
    expect(meanOfLast([], 100)).toBeNull();
    expect(meanOfLast([0.5, 1], 100)).toEqual({ mean: 0.75, count: 2 });
  });

  test("a long list is sampled evenly, its ends kept", () => {
    const list = Array.from({ length: 20_000 }, (_, i) => i);
    const few = sampled(list, 600);
    expect(few.length).toBe(600);
    expect([few[0], few.at(-1)]).toEqual([0, 19_999]);
    expect(sampled(list.slice(0, 10), 600)).toHaveLength(10);
  });
});

/**
 * The same history seen through a proxy that counts the numbers read (a view of the same
 * buffer underneath, so the history's summary is found as for the series itself).
 */
function countingReads(series: StepSeries): { series: StepSeries; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(series as Float64Array, {
    get(target, key) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads++;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { series: proxy, reads: () => reads };
}
