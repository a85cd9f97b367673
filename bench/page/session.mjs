// A measured page: the instrument installed before the app, the measuring window (frames, long
// tasks, busy share), the driver that keeps a run going, and waiting for a settled sweep.
// Functions passed to page.evaluate run in the page (serialised by playwright; no closures
// over this module).
import { WINDOW_S } from "./config.mjs";
import { busyShare, frameStats, median, metrics } from "./stats.mjs";

/** Installed before the app's own scripts: long tasks, the interactive moment, the views. */
function instrument() {
  const b = {
    longTasks: [],
    interactive: null,
    panelsShown: null,
    viewsShown: null,
    frames: null,
    windowStart: 0,
  };
  window.__bench = b;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask" });
  } catch {
    // No Long Tasks API: the row says so.
    b.longTasks = null;
  }
  const isInteractive = () => {
    const status = document.querySelector("output.status");
    const step = [...document.querySelectorAll(".controls button")].find(
      (x) => x.textContent === "Step",
    );
    return (
      status !== null &&
      /^Position 0 of [1-9]\d*$/.test(status.textContent.trim()) &&
      step !== undefined &&
      !step.disabled
    );
  };
  const observer = new MutationObserver(() => {
    if (b.panelsShown === null && document.getElementById("input"))
      b.panelsShown = performance.now();
    if (b.interactive === null && isInteractive()) b.interactive = performance.now();
    if (b.viewsShown === null && document.getElementById("formula"))
      b.viewsShown = performance.now();
    if (b.interactive !== null && b.viewsShown !== null) observer.disconnect();
  });
  observer.observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["disabled"],
  });
}

/** Starts recording requestAnimationFrame timestamps and long tasks. */
export function startWindow() {
  const b = window.__bench;
  const frames = [];
  b.frames = frames;
  b.windowStart = performance.now();
  const loop = (t) => {
    if (b.frames !== frames) return;
    frames.push(t);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

/** Stops recording; returns the frames and the long tasks of the window. */
export function endWindow() {
  const b = window.__bench;
  const frames = b.frames ?? [];
  b.frames = null;
  return {
    frames,
    longTasks: b.longTasks === null ? null : b.longTasks.filter((t) => t.start >= b.windowStart),
  };
}

/**
 * Keeps a run going for the whole window: clicks the button whose text is `restart` whenever
 * it shows (playback reaching the end, a training run finishing). Returns nothing; call
 * window.__bench.stopDriver() to end it.
 */
export function keepRunning({ container, restart }) {
  const b = window.__bench;
  const root = document.querySelector(container);
  b.restarts = 0;
  const kick = () => {
    const button = [...root.querySelectorAll("button")].find((x) => x.textContent === restart);
    if (button && !button.disabled) {
      b.restarts++;
      button.click();
    }
  };
  const observer = new MutationObserver(kick);
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  b.stopDriver = () => observer.disconnect();
  kick();
}

/**
 * Opens the app in a new page of `context`, instrumented; with `fresh`, without the work an
 * earlier page of the context saved in this browser (src/state/saved.ts).
 */
export async function openPage(context, url, { fresh = false } = {}) {
  const page = await context.newPage();
  if (fresh) await page.addInitScript(() => localStorage.removeItem("convsweep-saved"));
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.addInitScript(instrument);
  await page.goto(url);
  try {
    await page.waitForFunction(() => window.__bench.interactive !== null, null, {
      timeout: 20_000,
    });
  } catch (e) {
    const status = await page
      .evaluate(() => document.querySelector("output.status")?.textContent)
      .catch(() => "?");
    throw new Error(
      `the page at ${url} was not interactive within 20 s (status: ${status}; ` +
        `errors: ${errors.join("; ") || "none"}): ${e}`,
    );
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  return { page, cdp, errors };
}

/** Frames with nothing happening: the refresh the page is driven at. */
export async function measureRefresh(page) {
  await page.evaluate(startWindow);
  await page.waitForTimeout(1000);
  const { frames } = await page.evaluate(endWindow);
  return median(frames.slice(1).map((t, i) => t - frames[i]));
}

/**
 * Runs `start` for WINDOW_S seconds and measures long tasks, busy share and frames; then runs
 * `after` (if given) while the run goes on, and `stop`.
 */
export async function measureWindow(page, cdp, refresh, start, stop, after) {
  await page.evaluate(startWindow);
  const m0 = await metrics(cdp);
  await start();
  await page.waitForTimeout(WINDOW_S * 1000);
  const m1 = await metrics(cdp);
  const { frames, longTasks } = await page.evaluate(endWindow);
  const restarts = await page.evaluate(() => window.__bench.restarts ?? 0);
  // The run goes on (restarted as before) while `after` looks at it.
  if (after) await after();
  await page.evaluate(() => window.__bench.stopDriver?.());
  await stop();
  const wall = m1.Timestamp - m0.Timestamp;
  return {
    busy: busyShare(m0, m1),
    // CPU time the main thread got: below `busy` when other processes share the cores.
    cpu: (m1.ThreadTime - m0.ThreadTime) / wall,
    longTasks,
    restarts,
    ...frameStats(frames, refresh),
  };
}

/** Waits until no sweep is pending and the status reads "Position … of N" with N > 0. */
export async function settle(page) {
  await page.waitForFunction(
    () => {
      const status = document.querySelector("output.status")?.textContent ?? "";
      return /^Position \d+ of [1-9]\d*$/.test(status.trim());
    },
    null,
    { timeout: 20_000 },
  );
}
