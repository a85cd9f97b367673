// The real-network section in `npm run bench:page` (issue 13): while the network trains in
// the worker, long tasks, main-thread busy share and frames; and drawing a digit → the ten
// probabilities on screen. Run by bench/page.mjs (--only=network) in a page of its own.
import { measureWindow } from "./session.mjs";
import { median, ms, quantile } from "./stats.mjs";

/** Strokes drawn on "Draw a digit" while the network trains. */
const STROKES = 30;

/** Installs, in the page, a watcher of the probabilities' text: when it last changed. */
function watchProbabilities() {
  const list = document.querySelector("ol.probabilities");
  const w = { changed: 0 };
  window.__probabilities = w;
  if (list === null) return false;
  new MutationObserver(() => {
    w.changed = performance.now();
  }).observe(list, { subtree: true, childList: true, characterData: true, attributes: true });
  return true;
}

/** Resolves with the time of the first frame after the probabilities change since `since`. */
function probabilitiesShown({ since, timeoutMs }) {
  return new Promise((resolve) => {
    const end = performance.now() + timeoutMs;
    const check = () => {
      const changed = window.__probabilities.changed;
      if (changed > since) {
        requestAnimationFrame((t) => resolve(t - since));
        return;
      }
      if (performance.now() > end) resolve(null);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

/**
 * Opens the section (`#view=network`) in `page`, trains for the measuring window, and draws
 * STROKES short strokes meanwhile, one at a time: from the pointer's last move to the frame
 * after the probabilities changed.
 */
export async function measureNetwork(page, cdp, refresh) {
  const train = page.getByRole("button", { name: "Train network" });
  await train.waitFor({ timeout: 30_000 });
  const canvas = page.getByRole("img", { name: /Draw a digit/ }).first();
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (box === null) throw new Error("no Draw a digit canvas");
  const window_ = await measureWindow(
    page,
    cdp,
    refresh,
    () => train.click(),
    async () => {
      const pause = page.getByRole("button", { name: "Pause network" });
      if (await pause.isVisible()) await pause.click();
    },
  );
  // Drawing while training (the worker is busy with steps; a predict request waits between).
  await train.click();
  await page.evaluate(watchProbabilities);
  const latencies = [];
  for (let i = 0; i < STROKES; i++) {
    const y = box.y + box.height * (0.2 + (0.6 * i) / STROKES);
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    const since = await page.evaluate(() => performance.now());
    await page.mouse.move(box.x + box.width * 0.7, y, { steps: 1 });
    await page.mouse.up();
    const shown = await page.evaluate(probabilitiesShown, { since, timeoutMs: 2000 });
    if (shown !== null) latencies.push(shown);
  }
  const pause = page.getByRole("button", { name: "Pause network" });
  if (await pause.isVisible()) await pause.click();
  return { window: window_, latencies, strokes: STROKES };
}

/** The section's rows for the report table. */
export function networkRows(r) {
  const goalRow = (check, measured, goal, met) => [check, measured, goal, met ? "met" : "MISSED"];
  const w = r.window;
  const long = w.longTasks ?? [];
  const worst = long.length === 0 ? 0 : Math.max(...long.map((t) => t.duration));
  const sorted = [...r.latencies].sort((a, b) => a - b);
  return [
    goalRow(
      "network training, 10 s: long tasks",
      long.length === 0 ? "none" : `${long.length}, worst ${ms(worst)}`,
      "none > 50 ms",
      worst <= 50,
    ),
    goalRow(
      "network training: main-thread busy (CPU)",
      `${Math.round(w.busy * 100)}% (${Math.round(w.cpu * 100)}%)`,
      "< 50%",
      w.busy < 0.5,
    ),
    goalRow(
      "network training: frame interval median (p95, worst)",
      `${ms(w.median)} (${ms(w.p95)}, ${ms(w.worst)})`,
      "16.7 ms ± 10%",
      Math.abs(w.median - 16.7) <= 1.67,
    ),
    goalRow(
      `drawing a digit → probabilities on screen, median (p95; ${sorted.length} of ${r.strokes} strokes)`,
      sorted.length === 0 ? "none shown" : `${ms(median(sorted))} (${ms(quantile(sorted, 0.95))})`,
      "≤ 2 frames (33 ms)",
      sorted.length === r.strokes && median(sorted) <= 33.4,
    ),
  ];
}
