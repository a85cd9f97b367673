// The real-network section in `npm run bench:page`: while the network trains in
// the worker, long tasks, main-thread busy share and frames; and drawing a digit → the ten
// probabilities on screen. Run by bench/page.mjs (--only=network) in a page of its own.
import { measureWindow } from "./session.mjs";
import { median, ms, quantile } from "./stats.mjs";

/** Strokes drawn on "Draw a digit" while the network trains. */
const STROKES = 30;

/**
 * Installs, in the page, a watcher of strokes on "Draw a digit" and of what answers them: the
 * pointer's move (its event time), the first prediction reply to a request sent after it (the
 * worker's messages are watched through Worker.prototype), and the frames after the
 * probabilities' DOM changed. A stroke is answered on screen at the first frame after a change
 * made by that reply (a change made by an older request, sent before the stroke, is not it).
 */
function watchStrokes() {
  const list = document.querySelector("ol.probabilities");
  const canvas = document.querySelector('canvas[aria-label^="Draw a digit"]');
  if (list === null || canvas === null) return false;
  const w = { stroke: null, changes: [] };
  window.__strokes = w;
  canvas.addEventListener(
    "pointermove",
    (e) => {
      if (e.buttons !== 0) w.stroke = { moveAt: e.timeStamp, ids: new Set(), replyAt: null };
    },
    { capture: true },
  );
  const post = Worker.prototype.postMessage;
  const watched = new WeakSet();
  Worker.prototype.postMessage = function (message, ...rest) {
    if (!watched.has(this)) {
      watched.add(this);
      this.addEventListener("message", (e) => {
        const s = w.stroke;
        if (e.data?.type === "networkPrediction" && s?.ids.has(e.data.runId)) {
          s.replyAt ??= e.timeStamp;
        }
      });
    }
    if (message?.type === "networkPredict" && w.stroke) w.stroke.ids.add(message.runId);
    return post.call(this, message, ...rest);
  };
  new MutationObserver(() => {
    const change = { at: performance.now(), frame: null };
    w.changes.push(change);
    requestAnimationFrame((t) => {
      change.frame = t;
    });
  }).observe(list, { subtree: true, childList: true, characterData: true, attributes: true });
  return true;
}

/** Resolves with the last stroke's move → the frame showing its answer (ms; null: none). */
function strokeAnswered(timeoutMs) {
  return new Promise((resolve) => {
    const end = performance.now() + timeoutMs;
    const check = () => {
      const { stroke, changes } = window.__strokes;
      const reply = stroke?.replyAt;
      const shown =
        reply == null ? undefined : changes.find((c) => c.at >= reply && c.frame !== null);
      if (shown !== undefined) resolve(shown.frame - stroke.moveAt);
      else if (performance.now() > end) resolve(null);
      else setTimeout(check, 20);
    };
    check();
  });
}

/**
 * Opens the section (`#view=network`) in `page`, trains for the measuring window, and draws
 * STROKES short strokes meanwhile, one at a time: from the stroke's pointer move (the event's
 * time, as the main view's drawing is measured) to the frame after its answer changed the
 * probabilities.
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
  // Drawing while training (training has a worker of its own; predictions go to the other).
  await train.click();
  if (!(await page.evaluate(watchStrokes))) throw new Error("no probabilities or Draw a digit");
  const latencies = [];
  for (let i = 0; i < STROKES; i++) {
    const y = box.y + box.height * (0.2 + (0.6 * i) / STROKES);
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, y, { steps: 1 });
    await page.mouse.up();
    const shown = await page.evaluate(strokeAnswered, 2000);
    if (shown !== null) latencies.push(shown);
  }
  const pause = page.getByRole("button", { name: "Pause network" });
  if (await pause.isVisible()) await pause.click();
  const workers = await measureWorkers(page);
  return { window: window_, latencies, strokes: STROKES, workers };
}

/** Seconds each worker count trains for, per round. */
const WORKER_SECONDS = 6;
const WORKER_ROUNDS = 3;

/**
 * Training throughput (images/s, the steps the section shows × the batch) with one worker and
 * with one per core (the default), alternated over WORKER_ROUNDS rounds: medians and ratio.
 */
async function measureWorkers(page) {
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const many = Math.min(8, Math.max(1, cores));
  const field = page.getByLabel("Workers (share each batch)");
  if (process.env.CONVSWEEP_BENCH_BATCH) {
    await page.getByLabel("Batch size").fill(process.env.CONVSWEEP_BENCH_BATCH);
    await page.getByLabel("Batch size").press("Enter");
  }
  const batch = Number(await page.getByLabel("Batch size").inputValue());
  const steps = async () =>
    Number(
      ((await page.locator('[data-quantity="network-steps"]').textContent()) ?? "").replace(
        /\D/g,
        "",
      ),
    );
  const rate = async (workers) => {
    await field.fill(String(workers));
    await field.press("Enter");
    const start = await steps();
    await page.getByRole("button", { name: "Train network" }).click();
    // Past the first report (the helpers started and loaded the digits).
    while ((await steps()) < start + 20) await page.waitForTimeout(100);
    const s0 = await steps();
    const t0 = Date.now();
    await page.waitForTimeout(WORKER_SECONDS * 1000);
    const s1 = await steps();
    const t1 = Date.now();
    await page.getByRole("button", { name: "Pause network" }).click();
    await page.getByRole("button", { name: "Train network" }).waitFor();
    if (process.env.CONVSWEEP_BENCH_SHARES) {
      console.log(workers, await page.locator('[data-quantity="network-shares"]').textContent());
    }
    return ((s1 - s0) * batch) / ((t1 - t0) / 1000);
  };
  const one = [];
  const all = [];
  for (let round = 0; round < WORKER_ROUNDS; round++) {
    one.push(await rate(1));
    all.push(await rate(many));
  }
  await field.fill(String(many));
  await field.press("Enter");
  return { many, one: median(one), all: median(all) };
}

/** The section's rows for the report table. */
export function networkRows(r) {
  const goalRow = (check, measured, goal, met) => [check, measured, goal, met ? "met" : "MISSED"];
  const w = r.window;
  const long = w.longTasks ?? [];
  const worst = long.length === 0 ? 0 : Math.max(...long.map((t) => t.duration));
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const { many, one, all } = r.workers;
  return [
    goalRow(
      `network training, images/s: ${many} workers against 1 (median of ${WORKER_ROUNDS} alternated ${WORKER_SECONDS} s runs)`,
      `${Math.round(all)} against ${Math.round(one)}: ${(all / one).toFixed(2)}x`,
      many >= 2 ? "≥ 1.6x with 2 workers" : "(one core: nothing to share)",
      many < 2 || all / one >= 1.6,
    ),
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
