// throttled: playback at 32x32 at GOALS.throttleSpeed again on a CPU slowed down
// GOALS.throttleRate times (CDP setCPUThrottlingRate): the frame interval median and the
// longest task.
import { GOALS, WINDOW_S } from "./config.mjs";
import { measurePlayback } from "./playback.mjs";
import { settle } from "./session.mjs";
import { met, ms, pct } from "./stats.mjs";

/**
 * Playback on a CPU slowed down by CDP (Emulation.setCPUThrottlingRate, GOALS.throttleRate
 * times): what a slow laptop or an old classroom machine would see.
 */
export async function measureThrottled(page, cdp, refresh) {
  await settle(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: GOALS.throttleRate });
  try {
    return await measurePlayback(page, cdp, refresh, GOALS.throttleSpeed);
  } finally {
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  }
}

export function throttledRows(label, w, refresh) {
  const rate = GOALS.throttleRate;
  const frameGoal = GOALS.throttledFrames * refresh;
  const longest =
    w.longTasks === null ? Number.NaN : Math.max(0, ...w.longTasks.map((t) => t.duration));
  const over =
    w.longTasks === null ? [] : w.longTasks.filter((t) => t.duration > GOALS.throttledLongTask);
  return [
    [
      `${label} playback at ${w.speed}/s, CPU throttled ${rate}x, ${WINDOW_S} s (${w.restarts} starts): long tasks`,
      w.longTasks === null
        ? "no Long Tasks API"
        : `${w.longTasks.length} > ${GOALS.longTask} ms, longest ${ms(longest)}`,
      `none > ${GOALS.throttledLongTask} ms`,
      met(w.longTasks !== null && over.length === 0),
    ],
    [
      `${label} throttled ${rate}x: main-thread busy, wall (CPU)`,
      `${pct(w.busy)} (${pct(w.cpu)})`,
      "",
      "",
    ],
    [
      `${label} throttled ${rate}x: frame interval median (p95, worst; ${w.frames} frames, ${w.dropped} missed)`,
      `${ms(w.median)} (${ms(w.p95)}, ${ms(w.worst)})`,
      `≤ ${GOALS.throttledFrames} refreshes (${ms(frameGoal)})`,
      met(w.median <= frameGoal * (1 + GOALS.frameTolerance)),
    ],
  ];
}
