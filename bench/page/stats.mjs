// Statistics and the table's formatting, shared by the parts of bench/page.mjs.
import { GOALS, WINDOW_S } from "./config.mjs";

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

/** The busy share between two readings of the Performance domain's counters (metrics). */
export const busyShare = (m0, m1) =>
  (m1.TaskDuration - m0.TaskDuration) / (m1.Timestamp - m0.Timestamp);

/**
 * The three rows of a measured window (session.mjs measureWindow) named `name`: its long tasks,
 * its busy share against `busyGoal`, and its frame interval median against the refresh.
 */
export function windowRows(name, w, extra, busyGoal, refresh) {
  return [
    [
      `${name}, ${WINDOW_S} s (${extra}): long tasks`,
      longTaskText(w.longTasks),
      `none > ${GOALS.longTask} ms`,
      met(noLongTask(w.longTasks)),
    ],
    [
      `${name}: main-thread busy, wall (CPU)`,
      `${pct(w.busy)} (${pct(w.cpu)})`,
      `≤ ${pct(busyGoal)}`,
      met(w.busy <= busyGoal),
    ],
    [
      `${name}: frame interval median (p95, worst; ${w.frames} frames, ${w.dropped} missed)`,
      `${ms(w.median)} (${ms(w.p95)}, ${ms(w.worst)})`,
      `median within ${pct(GOALS.frameTolerance)} of ${ms(refresh)}`,
      met(Math.abs(w.median - refresh) <= refresh * GOALS.frameTolerance),
    ],
  ];
}
