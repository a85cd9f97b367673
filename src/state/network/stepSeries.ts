/**
 * The network's history of one number per step (each batch's loss, its fraction correct),
 * kept whole (the network file saves every step) at a cost per report and per drawing that
 * does not grow with the number of steps:
 *
 * - `appended` adds a report's numbers in amortised O(1) per number. Training's history is a
 *   view (`new Float64Array(buffer, 0, length)`) of a buffer that doubles when full; a view
 *   that ends where its buffer is filled grows in place, and the new view is a new object, so
 *   the store and React see a change. Nothing before a view's end is ever written again, so
 *   every older view (an older state of the store) still reads what it read.
 * - `curvePoints` is the curve drawn: at most MAX_CURVE_POINTS points, the lowest and the
 *   highest value of each run of steps (so a spike shows), summarised incrementally: a drawing
 *   reads only the steps added since the last one, and then the at most 1,000 runs.
 * - `meanOfLast` reads only the last `count` numbers.
 */

/**
 * One number per step, index = step − 1: a plain array (a file's history, a step taken by
 * hand) or a view of a growing buffer (training's). Never changed in place.
 */
export type StepSeries = readonly number[] | Float64Array;

/** How far each growing buffer is filled: a view that ends there may grow in place. */
const filled = new WeakMap<ArrayBufferLike, number>();

/** The smallest buffer made (numbers). */
const MIN_CAPACITY = 1024;

/** `series` followed by `more`: the same buffer when `series` ends where it is filled and fits. */
export function appended(series: StepSeries, more: ArrayLike<number>): StepSeries {
  if (more.length === 0) return series;
  const length = series.length + more.length;
  if (series instanceof Float64Array && series.byteOffset === 0) {
    const buffer = series.buffer;
    const capacity = buffer.byteLength / Float64Array.BYTES_PER_ELEMENT;
    if (filled.get(buffer) === series.length && length <= capacity) {
      const grown = new Float64Array(buffer, 0, length);
      grown.set(more, series.length);
      filled.set(buffer, length);
      return grown;
    }
  }
  const grown = new Float64Array(Math.max(MIN_CAPACITY, 2 ** Math.ceil(Math.log2(length))));
  grown.set(series);
  grown.set(more, series.length);
  filled.set(grown.buffer, length);
  const view = new Float64Array(grown.buffer, 0, length);
  inheritSummary(series, view);
  return view;
}

/** The mean of the last `count` numbers (null: none), reading only those. */
export function meanOfLast(
  series: StepSeries,
  count: number,
): { mean: number; count: number } | null {
  const from = Math.max(0, series.length - count);
  const n = series.length - from;
  if (n === 0) return null;
  let sum = 0;
  for (let i = from; i < series.length; i++) sum += series[i] as number;
  return { mean: sum / n, count: n };
}

/** Runs of steps a curve is summarised in, at most (an even number). */
const MAX_RUNS = 1000;
/** The most points `curvePoints` gives: a lowest and a highest per run, the open run's and the latest. */
export const MAX_CURVE_POINTS = 2 * MAX_RUNS + 3;

/** A point of a curve: [step, value]. */
export type CurvePoint = readonly [step: number, value: number];

/**
 * The lowest and the highest finite value of each run of `width` steps (width a power of two,
 * doubled, merging neighbours, when the runs reach MAX_RUNS), and of the open run after them.
 * Steps are counted from 1; index −1 marks a run with no finite value.
 */
class Summary {
  width = 1;
  /** Closed runs: their lowest and highest values and where they are. */
  lowAt: number[] = [];
  low: number[] = [];
  highAt: number[] = [];
  high: number[] = [];
  /** The open run: how many steps it holds, its lowest and highest. */
  open = 0;
  openLowAt = -1;
  openLow = 0;
  openHighAt = -1;
  openHigh = 0;
  /** Numbers read so far (the series' first `covered`). */
  covered = 0;

  /** Reads the series' numbers from `covered` to its end. */
  extend(series: StepSeries): void {
    for (let i = this.covered; i < series.length; i++) this.#add(i + 1, series[i] as number);
    this.covered = series.length;
  }

  #add(step: number, value: number): void {
    if (Number.isFinite(value)) {
      if (this.openLowAt < 0 || value < this.openLow) {
        this.openLowAt = step;
        this.openLow = value;
      }
      if (this.openHighAt < 0 || value > this.openHigh) {
        this.openHighAt = step;
        this.openHigh = value;
      }
    }
    if (++this.open < this.width) return;
    this.lowAt.push(this.openLowAt);
    this.low.push(this.openLow);
    this.highAt.push(this.openHighAt);
    this.high.push(this.openHigh);
    this.open = 0;
    this.openLowAt = -1;
    this.openHighAt = -1;
    if (this.lowAt.length === MAX_RUNS) this.#halve();
  }

  /** Doubles the runs' width: each pair of neighbours becomes one. */
  #halve(): void {
    for (let j = 0; j < MAX_RUNS / 2; j++) {
      const [a, b] = [2 * j, 2 * j + 1];
      const [lowA, lowB] = [this.low[a] as number, this.low[b] as number];
      const [highA, highB] = [this.high[a] as number, this.high[b] as number];
      const lowFromB = this.lowAt[a] === -1 || (this.lowAt[b] !== -1 && lowB < lowA);
      const highFromB = this.highAt[a] === -1 || (this.highAt[b] !== -1 && highB > highA);
      const lo = lowFromB ? b : a;
      const hi = highFromB ? b : a;
      this.lowAt[j] = this.lowAt[lo] as number;
      this.low[j] = this.low[lo] as number;
      this.highAt[j] = this.highAt[hi] as number;
      this.high[j] = this.high[hi] as number;
    }
    for (const list of [this.lowAt, this.low, this.highAt, this.high]) list.length = MAX_RUNS / 2;
    this.width *= 2;
  }

  /** The curve: each run's lowest and highest in step order, then the latest step's value. */
  points(series: StepSeries): CurvePoint[] {
    const out: CurvePoint[] = [];
    const push = (lowAt: number, low: number, highAt: number, high: number) => {
      if (lowAt < 0) return;
      if (lowAt === highAt) out.push([lowAt, low]);
      else if (lowAt < highAt) out.push([lowAt, low], [highAt, high]);
      else out.push([highAt, high], [lowAt, low]);
    };
    for (let j = 0; j < this.lowAt.length; j++) {
      push(
        this.lowAt[j] as number,
        this.low[j] as number,
        this.highAt[j] as number,
        this.high[j] as number,
      );
    }
    push(this.openLowAt, this.openLow, this.openHighAt, this.openHigh);
    const last = series.length;
    const value = series[last - 1] as number;
    if (last > 0 && Number.isFinite(value) && out.at(-1)?.[0] !== last) out.push([last, value]);
    return out;
  }

  clone(): Summary {
    const copy = Object.assign(new Summary(), this);
    copy.lowAt = [...this.lowAt];
    copy.low = [...this.low];
    copy.highAt = [...this.highAt];
    copy.high = [...this.high];
    return copy;
  }
}

/**
 * The summaries made, by the buffer of a training history or by a plain array. A buffer's
 * numbers before its filled end never change, nor do a plain array's, so a summary of a
 * series' first `covered` numbers stays true for every longer view of the same buffer.
 */
const summaries = new WeakMap<object, Summary>();

const keyOf = (series: StepSeries): object =>
  series instanceof Float64Array && series.byteOffset === 0 ? series.buffer : series;

/** A new buffer made from `from` starts with a copy of its summary (a few thousand numbers). */
function inheritSummary(from: StepSeries, to: Float64Array): void {
  const summary = summaries.get(keyOf(from));
  if (summary !== undefined && summary.covered <= from.length) {
    summaries.set(keyOf(to), summary.clone());
  }
}

/**
 * The curve drawn for a history: at most MAX_CURVE_POINTS [step, value] points in step order,
 * each run of steps' lowest and highest finite value and the latest step's. Reads only what
 * was added since the last call for the same history (an older, shorter state is summarised
 * afresh).
 */
export function curvePoints(series: StepSeries): CurvePoint[] {
  const key = keyOf(series);
  let summary = summaries.get(key);
  if (summary === undefined || summary.covered > series.length) {
    const fresh = new Summary();
    if (summary === undefined) summaries.set(key, fresh);
    summary = fresh;
  }
  summary.extend(series);
  return summary.points(series);
}

/** At most `max` items of a list, evenly spaced, its first and last among them (O(max)). */
export function sampled<T>(list: readonly T[], max: number): readonly T[] {
  if (list.length <= max) return list;
  const stride = (list.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => list[Math.round(i * stride)] as T);
}
