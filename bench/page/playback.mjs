// playback: WINDOW_S seconds at a Speed menu value (restarted when a sweep ends), then TRACE_S
// seconds of trace of the same run: where a frame's time goes and what it lays out and paints.
import { GOALS } from "./config.mjs";
import { countChanges, measureFloor } from "./floor.mjs";
import { keepRunning, measureWindow } from "./session.mjs";
import { pct, windowRows } from "./stats.mjs";
import { breakdown, KIND_NAMES, recordTrace, TRACE_S } from "./trace.mjs";

/** The Speed menu's value for `speed`: a number on the menu, or "fastest" (its highest). */
async function speedValue(page, speed) {
  const offered = await page
    .locator("label.speed select")
    .evaluate((el) => [...el.options].map((o) => Number(o.value)));
  if (speed === "fastest") return Math.max(...offered);
  const value = Number(speed);
  if (!offered.includes(value))
    throw new Error(`speed ${speed} is not on the Speed menu (${offered.join(", ")})`);
  return value;
}

/**
 * Plays at `speed` for WINDOW_S seconds: long tasks, busy share, frames; with `trace`, then
 * TRACE_S seconds of trace of the same run (its breakdown).
 */
export async function measurePlayback(page, cdp, refresh, speed, { trace = false } = {}) {
  const value = await speedValue(page, speed);
  await page.locator("label.speed select").selectOption(String(value));
  let traced = null;
  let counts = null;
  const result = await measureWindow(
    page,
    cdp,
    refresh,
    () => page.evaluate(keepRunning, { container: ".controls", restart: "Play" }),
    // In the page, at once: the button may turn back to Play (a sweep ending) between a check
    // from here and a click.
    () =>
      page.evaluate(() =>
        [...document.querySelectorAll(".controls button")]
          .find((x) => x.textContent === "Pause")
          ?.click(),
      ),
    trace
      ? async () => {
          traced = breakdown(await recordTrace(page));
          counts = await countChanges(page);
        }
      : undefined,
  );
  // The floor: a bare page making as many changes a frame, measured with this one stopped.
  const floor =
    counts === null ? null : { ...counts, busy: await measureFloor(page.context(), counts) };
  return { ...result, speed: value, trace: traced, floor };
}

/** The rows of one playback window: its goals, then where its frames' time went. */
export function playbackRows(label, w, refresh) {
  const n = w.restarts;
  const name = `${label} playback at ${w.speed}/s`;
  const rows = windowRows(name, w, `${n} start${n === 1 ? "" : "s"}`, GOALS.playbackBusy, refresh);
  const t = w.trace;
  if (t !== null) {
    rows.push([
      `  ${name}: trace of ${TRACE_S} s, share of wall time (${KIND_NAMES.join(", ")})`,
      KIND_NAMES.map((k) => pct(t.share[k])).join(", "),
      "",
      "",
    ]);
    const top = t.paintedLayers
      .slice(0, 3)
      .map(([layer, count]) => `${layer} ${(count / Math.max(1, t.frames)).toFixed(1)}`)
      .join("; ");
    rows.push([
      `  ${name}: per frame, layouts (objects laid out of the tree), paints (median layer area), full re-layerizations`,
      `${t.layoutsPerFrame.toFixed(2)} (${t.layoutObjects} of ${t.layoutTree}), ` +
        `${t.paintsPerFrame.toFixed(2)} (${Math.round(t.paintArea / 1000)}k px²), ` +
        `${t.relayerizedPerFrame.toFixed(2)}`,
      "",
      "",
    ]);
    rows.push([`  ${name}: layers repainted per frame (the busiest three)`, top || "none", "", ""]);
  }
  const f = w.floor;
  if (f !== null) {
    rows.push([
      `  ${name}: floor, a bare page changing as much a frame (${f.texts} texts, ${f.canvases} canvases, ${f.still} still ones): busy; the page against it`,
      `${pct(f.busy)}; ${(w.busy / f.busy).toFixed(1)}x`,
      "",
      "",
    ]);
  }
  return rows;
}
