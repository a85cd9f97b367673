// Statistics and the table's formatting, shared by the parts of bench/page.mjs.
import { GOALS } from "./config.mjs";

export const quantile = (values, q) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
};
export const median = (values) => quantile(values, 0.5);
export const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "—");
export const pct = (v) => `${(v * 100).toFixed(0)}%`;
export const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

/** The Performance domain's counters as an object. */
export async function metrics(cdp) {
  const { metrics: list } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Frame statistics of a window of rAF timestamps against the refresh interval. */
export function frameStats(frames, refresh) {
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  return {
    frames: frames.length,
    median: median(gaps),
    p95: quantile(gaps, 0.95),
    worst: gaps.length ? Math.max(...gaps) : Number.NaN,
    dropped: gaps.reduce((n, g) => n + Math.max(0, Math.round(g / refresh) - 1), 0),
  };
}

export const met = (ok) => (ok ? "met" : "MISSED");
export const longTaskText = (tasks) =>
  tasks === null
    ? "no Long Tasks API"
    : tasks.length === 0
      ? `none > ${GOALS.longTask} ms`
      : `${tasks.length}, worst ${ms(Math.max(...tasks.map((x) => x.duration)))}`;
export const noLongTask = (tasks) => tasks !== null && tasks.length === 0;
