// The measurements made on one page, on the image it shows (32x32, then 128x128), and their
// rows: playback, training, drawing, scrubbing.
import { GOALS, runs, SPEEDS } from "./config.mjs";
import { measureDrawing } from "./drawing.mjs";
import { measurePlayback, playbackRows } from "./playback.mjs";
import { measureScrubbing } from "./scrubbing.mjs";
import { settle } from "./session.mjs";
import { longTaskText, met, ms, windowRows } from "./stats.mjs";
import { measureTraining } from "./training.mjs";

/**
 * Every interactive measurement on one page (the image it currently shows); with
 * `playbackOnly`, only playback (the other windows measured).
 */
export async function measureInteraction(page, cdp, refresh, { playbackOnly = false } = {}) {
  // The views are part of the page under test: wait for them before measuring.
  await page.waitForFunction(() => window.__bench.viewsShown !== null, null, { timeout: 20_000 });
  await settle(page);
  const r = {};
  r.playback = [];
  if (runs("playback"))
    for (const speed of SPEEDS) {
      r.playback.push(await measurePlayback(page, cdp, refresh, speed, { trace: true }));
      await settle(page);
    }
  if (playbackOnly) return r;
  if (runs("training")) r.training = await measureTraining(page, cdp, refresh);
  if (runs("drawing")) r.drawing = await measureDrawing(page);
  if (runs("scrubbing")) r.scrubbing = await measureScrubbing(page);
  return r;
}

export function interactionRows(label, r, refresh) {
  const rows = [];
  for (const w of r.playback ?? []) rows.push(...playbackRows(label, w, refresh));
  if (r.training) {
    const n = r.training.restarts;
    const steps = r.training.steps.toLocaleString("en-US");
    rows.push(
      ...windowRows(
        `${label} training, Steps ${steps}`,
        r.training,
        `${n} run${n === 1 ? "" : "s"}`,
        GOALS.busy,
        refresh,
      ),
    );
  }
  if (r.drawing) {
    const d = r.drawing;
    const timedOut = d.missed ? `, ${d.missed} timed out` : "";
    rows.push([
      `${label} drawing, move → maps repainted, next frame (${d.moves} moves${timedOut}): median (repaint)`,
      `${ms(d.median)} (${ms(d.paintMedian)})`,
      `< ${GOALS.drawMedian} ms`,
      met(d.median < GOALS.drawMedian && d.missed === 0),
    ]);
    rows.push([
      `${label} drawing: p95 (worst)`,
      `${ms(d.p95)} (${ms(d.worst)})`,
      `< ${GOALS.drawP95} ms`,
      met(d.p95 < GOALS.drawP95 && d.missed === 0),
    ]);
  }
  if (r.scrubbing) {
    const s = r.scrubbing;
    rows.push([
      `${label} scrubbing ${s.from} → ${s.to} (${s.moves} moves): input → frame after commit, median (worst)`,
      `${ms(s.median)} (${ms(s.worst)})`,
      "≤ 1 frame (worst ≤ 2)",
      met(s.to === 0 && s.median <= refresh * 1.1 && s.worst <= 2 * refresh * 1.1),
    ]);
    rows.push([
      `  ${label} scrubbing: input → commit, median (worst); long tasks`,
      `${ms(s.workMedian)} (${ms(s.workWorst)}); ${longTaskText(s.longTasks)}`,
      "",
      "",
    ]);
  }
  return rows;
}
