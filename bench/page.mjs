// `npm run bench:page`: the built app measured in headless Chromium, the way a person uses it.
// Builds dist (or reuses it when it is newer than every source), serves it with
// scripts/static-server.mjs, drives Debian's Chromium through playwright-core and the Chrome
// DevTools Protocol, and prints one table, each row with its goal and met / MISSED:
//   start     first contentful paint, and the moment the page is interactive (Step enabled,
//             the status reading "Position 0 of 900"), median of 5 cold loads
//   size      first-load JavaScript, gzip (scripts/size.mjs decides what "first load" is)
//   playback  10 s at the Speed menu's highest speed: long tasks, main-thread busy share, the
//             median frame interval against the display's refresh
//   training  10 s of Train (Steps = the box's maximum, restarted when a run ends): the same
//   drawing   pointer move on "Input image" → the next frame after "Output map" and "Delta map"
//             were repainted (src/viz/paintGrid.ts stamps data-painted), one move at a time
//   scrubbing dragging the Position slider from the end to 0 → the next frame after React
//             committed the move (the status changed)
//   throttled playback at 32x32 again on a CPU slowed down 4x (CDP setCPUThrottlingRate): the
//             frame interval median and the longest task
// and the same checks again on a 128x128 input (126x126 = 15,876 positions), opened through
// Import of a state file built here. Never part of the test suite.
// Busy share is CDP's TaskDuration over wall time; the CPU time the main thread actually got
// (ThreadTime) is printed beside it, since on a shared machine the two differ.
// Flags: --rebuild forces a fresh build; --only=start,size,playback,training,drawing,scrubbing,
// throttled and --sizes=32,128 run a part (for work on one figure). CONVSWEEP_DIST picks the
// build folder (default dist), used as it is when it holds a build (another commit's, for A/B).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { launchChromium } from "../scripts/chromium.mjs";
import { FIRST_LOAD_BUDGET, measureChunks } from "../scripts/size.mjs";
import { serveStatic } from "../scripts/static-server.mjs";
import { measureNetwork, networkRows } from "./pageNetwork.mjs";

const DIST = process.env.CONVSWEEP_DIST ?? "dist";
const VIEWPORT = { width: 1280, height: 900 };
/** Seconds of playback and of training measured. */
const WINDOW_S = 10;
const LOADS = 5;
const DRAW_MOVES = 100;
const SCRUB_MOVES = 100;

/** The value of a `--name=a,b` flag as a set, or null when absent. */
function flag(name) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? new Set(arg.slice(name.length + 3).split(",")) : null;
}
const ONLY = flag("only");
const SIZES = flag("sizes") ?? new Set(["32", "128"]);
const runs = (part) => ONLY === null || ONLY.has(part);

const GOALS = {
  fcp: 500,
  interactive: 1000,
  /** The Long Tasks API reports tasks over 50 ms: any entry misses the goal. */
  longTask: 50,
  /** Main-thread busy share: training (any size), and playback at 32x32 and at 128x128. */
  busy: 0.5,
  playbackBusy: { "32x32": 0.25, "128x128": 0.35 },
  /** The CPU-throttled playback (4x, a slow laptop): frame median and the longest task. */
  throttleRate: 4,
  throttledFrame: 20,
  throttledLongTask: 100,
  frameTolerance: 0.1,
  drawMedian: 16,
  drawP95: 33,
};

// ---------------------------------------------------------------------------------------------
// The build

/** The newest modification time under `path` (a file or a folder), in ms. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let t = stat.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/**
 * Builds DIST unless it is newer than every input of the build; returns whether it built. A
 * folder given by CONVSWEEP_DIST that holds a build is used as it is (it may be another
 * commit's build, for an A/B run): only --rebuild builds it from this tree.
 */
function ensureBuild(force) {
  if (!force && process.env.CONVSWEEP_DIST && existsSync(join(DIST, "asset-manifest.json")))
    return false;
  const built = existsSync(join(DIST, "asset-manifest.json"))
    ? statSync(join(DIST, "asset-manifest.json")).mtimeMs
    : 0;
  const inputs = [
    "src",
    "public",
    "index.html",
    "vite.config.ts",
    "tsconfig.json",
    "package-lock.json",
  ];
  if (!force && built > Math.max(...inputs.map(newest))) return false;
  const r = spawnSync("npx", ["vite", "build", "--outDir", DIST, "--emptyOutDir"], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`the build failed:\n${r.stdout}\n${r.stderr}`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Scripts that run in the page (serialised by playwright; no closures over this module)

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
function startWindow() {
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
function endWindow() {
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
function keepRunning({ container, restart }) {
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

/** Watches the input canvas's pointer moves and the Output / Delta maps' repaints. */
function watchDrawing() {
  const d = { moves: [], paints: { out: [], delta: [] } };
  window.__bench.draw = d;
  const input = document.querySelector('canvas[aria-label^="Input image"]');
  input.addEventListener("pointermove", (e) => d.moves.push(e.timeStamp), { capture: true });
  for (const [key, label] of [
    ["out", "Output map"],
    ["delta", "Delta map"],
  ]) {
    const canvas = document.querySelector(`canvas[aria-label="${label}"]`);
    new MutationObserver(() => {
      const paint = { at: performance.now(), frame: null };
      d.paints[key].push(paint);
      requestAnimationFrame(() => {
        paint.frame = performance.now();
      });
    }).observe(canvas, { attributes: true, attributeFilter: ["data-painted"] });
  }
}

/**
 * Resolves once the last pointer move's sweep is on screen: both maps repainted after the
 * move, a frame drawn after each repaint, the status no longer computing, and two quiet frames.
 */
function drawSettled(timeoutMs) {
  const d = window.__bench.draw;
  const status = document.querySelector("output.status");
  const started = performance.now();
  return new Promise((resolve) => {
    let quiet = 0;
    let seen = -1;
    const tick = () => {
      const move = d.moves[d.moves.length - 1];
      const out = d.paints.out[d.paints.out.length - 1];
      const delta = d.paints.delta[d.paints.delta.length - 1];
      const count = d.paints.out.length + d.paints.delta.length;
      const done =
        move !== undefined &&
        out !== undefined &&
        delta !== undefined &&
        out.at > move &&
        delta.at > move &&
        out.frame !== null &&
        delta.frame !== null &&
        !status.textContent.includes("computing");
      quiet = done && count === seen ? quiet + 1 : 0;
      seen = count;
      if (quiet >= 2) {
        resolve({
          latency: Math.max(out.frame, delta.frame) - move,
          paintedAfter: Math.max(out.at, delta.at) - move,
        });
      } else if (performance.now() - started > timeoutMs) resolve(null);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Watches the slider's input (pointer and keys) and React's commits (the status text). */
function watchScrubbing() {
  const s = { lastInput: null, commits: [] };
  window.__bench.scrub = s;
  for (const type of ["pointermove", "pointerdown", "keydown"])
    window.addEventListener(type, (e) => (s.lastInput = e.timeStamp), { capture: true });
  const status = document.querySelector("output.status");
  new MutationObserver(() => {
    const commit = { input: s.lastInput, at: performance.now(), frame: null };
    s.commits.push(commit);
    requestAnimationFrame(() => {
      commit.frame = performance.now();
    });
  }).observe(status, { subtree: true, childList: true, characterData: true });
}

/** Resolves with the last input's commit once its frame is drawn, or null if none came. */
function scrubSettled(timeoutMs) {
  const s = window.__bench.scrub;
  const started = performance.now();
  return new Promise((resolve) => {
    const tick = () => {
      const input = s.lastInput;
      const commit = s.commits.find((c) => c.input === input);
      if (commit && commit.frame !== null) {
        // One more frame so the next move starts from a quiet page.
        requestAnimationFrame(() =>
          resolve({ latency: commit.frame - input, work: commit.at - input }),
        );
      } else if (performance.now() - started > timeoutMs) resolve(null);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

const quantile = (values, q) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
};
const median = (values) => quantile(values, 0.5);
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "—");
const pct = (v) => `${(v * 100).toFixed(0)}%`;
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

/** The Performance domain's counters as an object. */
async function metrics(cdp) {
  const { metrics: list } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Frame statistics of a window of rAF timestamps against the refresh interval. */
function frameStats(frames, refresh) {
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  return {
    frames: frames.length,
    median: median(gaps),
    p95: quantile(gaps, 0.95),
    worst: gaps.length ? Math.max(...gaps) : Number.NaN,
    dropped: gaps.reduce((n, g) => n + Math.max(0, Math.round(g / refresh) - 1), 0),
  };
}

// ---------------------------------------------------------------------------------------------
// The scenarios

async function openPage(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.addInitScript(instrument);
  await page.goto(url);
  await page.waitForFunction(() => window.__bench.interactive !== null, null, { timeout: 20_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  return { page, cdp, errors };
}

/** Cold loads in fresh contexts (no cache, no offline worker): FCP and interactive. */
async function measureStart(browser, url) {
  const runs = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const { page } = await openPage(context, url);
    await page.waitForFunction(() => window.__bench.viewsShown !== null, null, {
      timeout: 20_000,
    });
    runs.push(
      await page.evaluate(() => ({
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
        interactive: window.__bench.interactive,
        panelsShown: window.__bench.panelsShown,
        viewsShown: window.__bench.viewsShown,
        scriptsBeforeInteractive: performance
          .getEntriesByType("resource")
          .filter((e) => /\.js$/.test(e.name) && e.startTime < window.__bench.interactive)
          .map((e) => e.name.replace(/.*\//, "")),
      })),
    );
    await context.close();
  }
  return {
    fcp: median(runs.map((r) => r.fcp)),
    interactive: median(runs.map((r) => r.interactive)),
    panelsShown: median(runs.map((r) => r.panelsShown)),
    viewsShown: median(runs.map((r) => r.viewsShown)),
    worstFcp: Math.max(...runs.map((r) => r.fcp)),
    worstInteractive: Math.max(...runs.map((r) => r.interactive)),
    scripts: runs[0].scriptsBeforeInteractive,
  };
}

/** Frames with nothing happening: the refresh the page is driven at. */
async function measureRefresh(page) {
  await page.evaluate(startWindow);
  await page.waitForTimeout(1000);
  const { frames } = await page.evaluate(endWindow);
  return median(frames.slice(1).map((t, i) => t - frames[i]));
}

/** Runs `start` for WINDOW_S seconds and measures long tasks, busy share and frames. */
async function measureWindow(page, cdp, refresh, start, stop) {
  await page.evaluate(startWindow);
  const m0 = await metrics(cdp);
  await start();
  await page.waitForTimeout(WINDOW_S * 1000);
  const m1 = await metrics(cdp);
  const { frames, longTasks } = await page.evaluate(endWindow);
  const restarts = await page.evaluate(() => {
    window.__bench.stopDriver?.();
    return window.__bench.restarts ?? 0;
  });
  await stop();
  const wall = m1.Timestamp - m0.Timestamp;
  return {
    busy: (m1.TaskDuration - m0.TaskDuration) / wall,
    // CPU time the main thread got: below `busy` when other processes share the cores.
    cpu: (m1.ThreadTime - m0.ThreadTime) / wall,
    longTasks,
    restarts,
    ...frameStats(frames, refresh),
  };
}

async function measurePlayback(page, cdp, refresh) {
  const speed = page.locator("label.speed select");
  const fastest = await speed.evaluate((el) =>
    Math.max(...[...el.options].map((o) => Number(o.value))),
  );
  await speed.selectOption(String(fastest));
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
  );
  return { ...result, speed: fastest };
}

async function measureTraining(page, cdp, refresh) {
  const box = page.getByRole("spinbutton", { name: "Steps" });
  const max = await box.getAttribute("max");
  await box.fill(max ?? "100000");
  const result = await measureWindow(
    page,
    cdp,
    refresh,
    () => page.evaluate(keepRunning, { container: ".training-settings", restart: "Train" }),
    async () => {
      const stop = page.getByRole("button", { name: "Stop training" });
      if (await stop.isVisible()) await stop.click();
      await page.getByRole("button", { name: "Train", exact: true }).waitFor();
      await settle(page);
    },
  );
  return { ...result, steps: Number(max) };
}

/** Waits until no sweep is pending and the status reads "Position … of N" with N > 0. */
async function settle(page) {
  await page.waitForFunction(
    () => {
      const status = document.querySelector("output.status")?.textContent ?? "";
      return /^Position \d+ of [1-9]\d*$/.test(status.trim());
    },
    null,
    { timeout: 20_000 },
  );
}

async function measureDrawing(page) {
  await page.getByRole("button", { name: "Clear", exact: true }).click();
  await settle(page);
  await page.evaluate(watchDrawing);
  const canvas = page.getByRole("img", { name: /^Input image/ });
  const box = await canvas.boundingBox();
  const side = await canvas.evaluate((el) => el.width);
  const cell = box.width / side;
  // A raster of strokes over blank cells, so that every move changes the image.
  const step = Math.max(1.3 * cell, 3);
  const perRow = Math.floor((box.width - 4 * cell) / step);
  const at = (i) => ({
    x: box.x + 2 * cell + (i % perRow) * step,
    y: box.y + (2.5 + 3 * Math.floor(i / perRow)) * cell,
  });
  const latencies = [];
  const paints = [];
  let missed = 0;
  await page.mouse.move(at(0).x - step, at(0).y);
  await page.mouse.down();
  for (let i = 0; i < DRAW_MOVES; i++) {
    if (i > 0 && i % perRow === 0) {
      // A new row: lift the pen, so the jump back does not draw a diagonal across old strokes.
      await page.mouse.up();
      await page.mouse.move(at(i).x - step, at(i).y);
      await page.mouse.down();
      await page.evaluate(drawSettled, 2000);
    }
    const p = at(i);
    await page.mouse.move(p.x, p.y);
    const r = await page.evaluate(drawSettled, 3000);
    if (r === null) missed++;
    else {
      latencies.push(r.latency);
      paints.push(r.paintedAfter);
    }
  }
  await page.mouse.up();
  await settle(page);
  return {
    moves: latencies.length,
    missed,
    median: median(latencies),
    p95: quantile(latencies, 0.95),
    worst: Math.max(...latencies),
    paintMedian: median(paints),
  };
}

async function measureScrubbing(page) {
  await page.getByRole("button", { name: "Finish sweep" }).click();
  await settle(page);
  await page.evaluate(watchScrubbing);
  const slider = page.getByRole("slider", { name: "Position" });
  const box = await slider.boundingBox();
  const total = Number(await slider.getAttribute("max"));
  const y = box.y + box.height / 2;
  // The thumb sits at the right end at the maximum; 100 moves drag it to the left end.
  const right = box.x + box.width - 6;
  const left = box.x - 10;
  await page.evaluate(startWindow);
  await page.mouse.move(right, y);
  await page.mouse.down();
  const latencies = [];
  const work = [];
  for (let i = 1; i <= SCRUB_MOVES; i++) {
    await page.mouse.move(right + ((left - right) * i) / SCRUB_MOVES, y);
    // A move too small to change the value commits nothing: it is skipped, not counted.
    const r = await page.evaluate(scrubSettled, 250);
    if (r !== null) {
      latencies.push(r.latency);
      work.push(r.work);
    }
  }
  await page.mouse.up();
  const { longTasks } = await page.evaluate(endWindow);
  const end = Number(await slider.inputValue());
  return {
    from: total,
    to: end,
    moves: latencies.length,
    median: median(latencies),
    worst: Math.max(...latencies),
    workMedian: median(work),
    workWorst: Math.max(...work),
    longTasks,
  };
}

/** The app's exported state, turned into a `side` x `side` input with a matching target. */
export async function bigState(page, side) {
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export", exact: true }).click();
  const file = await download;
  const stream = await file.createReadStream();
  let text = "";
  for await (const chunk of stream) text += chunk;
  const doc = JSON.parse(text);
  const kernel = doc.targetKernel ?? doc.kernel;
  const k = kernel.height;
  // A smooth picture with strokes: rings and a diagonal bar, values in [0, 1].
  const image = new Array(side * side);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const ring = Math.abs(Math.hypot(r - side / 2, c - side / 2.3) - side / 3.2) < side / 22;
      const bar = Math.abs(r - c * 0.8 - side / 8) < side / 28;
      const wash = 0.1 + (0.15 * c) / (side - 1);
      image[r * side + c] = ring || bar ? 1 : wash;
    }
  }
  const out = side - k + 1;
  const target = new Array(out * out);
  for (let i = 0; i < out; i++) {
    for (let j = 0; j < out; j++) {
      let s = 0;
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) s += kernel.data[a * k + b] * image[(i + a) * side + (j + b)];
      target[i * out + j] = s;
    }
  }
  const grid = (height, width, data) => ({ height, width, data });
  return JSON.stringify({
    ...doc,
    image: grid(side, side, image),
    target: grid(out, out, target),
    targetKernel: doc.targetKernel,
    options: { stride: 1, padding: 0, dilation: 1 },
    // Squared error summed over 15,876 positions instead of 900: the same step size would
    // overshoot and diverge, so the learning rate shrinks with the number of positions.
    learningRate: (doc.learningRate * 30 * 30) / (out * out),
    updates: 0,
    position: 0,
    sums: {
      kernelGrad: grid(k, k, new Array(k * k).fill(0)),
      biasGrad: 0,
      inputGrad: grid(side, side, new Array(side * side).fill(0)),
    },
  });
}

/** Every interactive measurement on one page (the image it currently shows). */
async function measureInteraction(page, cdp, refresh) {
  // The views are part of the page under test: wait for them before measuring.
  await page.waitForFunction(() => window.__bench.viewsShown !== null, null, { timeout: 20_000 });
  await settle(page);
  const r = {};
  if (runs("playback")) r.playback = await measurePlayback(page, cdp, refresh);
  await settle(page);
  if (runs("training")) r.training = await measureTraining(page, cdp, refresh);
  if (runs("drawing")) r.drawing = await measureDrawing(page);
  if (runs("scrubbing")) r.scrubbing = await measureScrubbing(page);
  return r;
}

// ---------------------------------------------------------------------------------------------
// The table

const met = (ok) => (ok ? "met" : "MISSED");
const longTaskText = (tasks) =>
  tasks === null
    ? "no Long Tasks API"
    : tasks.length === 0
      ? `none > ${GOALS.longTask} ms`
      : `${tasks.length}, worst ${ms(Math.max(...tasks.map((x) => x.duration)))}`;
const noLongTask = (tasks) => tasks !== null && tasks.length === 0;

function startRows(start, total) {
  return [
    [
      `start: first contentful paint (median of ${LOADS} cold loads; worst)`,
      `${ms(start.fcp)} (${ms(start.worstFcp)})`,
      `< ${GOALS.fcp} ms`,
      met(start.fcp < GOALS.fcp),
    ],
    [
      `start: interactive, Step enabled and "Position 0 of ${total}" (median; worst)`,
      `${ms(start.interactive)} (${ms(start.worstInteractive)})`,
      `< ${GOALS.interactive} ms`,
      met(start.interactive < GOALS.interactive),
    ],
    [
      "  the panels in the DOM (the app's first render; the paint before it is index.html's title)",
      ms(start.panelsShown),
      "",
      "",
    ],
    ["  views section shown (loaded after interactive)", ms(start.viewsShown), "", ""],
    ["  scripts requested before interactive", start.scripts.join(", ") || "—", "", ""],
  ];
}

function sizeRows(chunks) {
  const first = chunks.filter((c) => c.when !== "after load");
  const later = chunks.filter((c) => c.when === "after load");
  const gzip = (list) => list.reduce((s, c) => s + c.gzip, 0);
  const names = (list) => list.map((c) => c.file.replace("assets/", "")).join(" + ");
  return [
    [
      `size: first-load JavaScript, gzip (${names(first)})`,
      kB(gzip(first)),
      `< ${kB(FIRST_LOAD_BUDGET)}`,
      met(gzip(first) < FIRST_LOAD_BUDGET),
    ],
    [`  loaded after interactive (${names(later)})`, kB(gzip(later)), "", ""],
  ];
}

function interactionRows(label, r, refresh) {
  const rows = [];
  const frameGoal = `median within ${pct(GOALS.frameTolerance)} of ${ms(refresh)}`;
  const frameOk = (f) => Math.abs(f.median - refresh) <= refresh * GOALS.frameTolerance;
  const windows = [];
  if (r.playback) {
    const n = r.playback.restarts;
    windows.push([
      `playback at ${r.playback.speed}/s`,
      r.playback,
      `${n} start${n === 1 ? "" : "s"}`,
    ]);
  }
  if (r.training) {
    const n = r.training.restarts;
    const steps = r.training.steps.toLocaleString("en-US");
    windows.push([`training, Steps ${steps}`, r.training, `${n} run${n === 1 ? "" : "s"}`]);
  }
  for (const [name, w, extra] of windows) {
    const busyGoal = name.startsWith("playback")
      ? (GOALS.playbackBusy[label] ?? GOALS.busy)
      : GOALS.busy;
    rows.push([
      `${label} ${name}, ${WINDOW_S} s (${extra}): long tasks`,
      longTaskText(w.longTasks),
      `none > ${GOALS.longTask} ms`,
      met(noLongTask(w.longTasks)),
    ]);
    rows.push([
      `${label} ${name}: main-thread busy, wall (CPU)`,
      `${pct(w.busy)} (${pct(w.cpu)})`,
      `≤ ${pct(busyGoal)}`,
      met(w.busy <= busyGoal),
    ]);
    rows.push([
      `${label} ${name}: frame interval median (p95, worst; ${w.frames} frames, ${w.dropped} missed)`,
      `${ms(w.median)} (${ms(w.p95)}, ${ms(w.worst)})`,
      frameGoal,
      met(frameOk(w)),
    ]);
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

/**
 * Playback on a CPU slowed down by CDP (Emulation.setCPUThrottlingRate, GOALS.throttleRate
 * times): what a slow laptop or an old classroom machine would see.
 */
async function measureThrottled(page, cdp, refresh) {
  await settle(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: GOALS.throttleRate });
  try {
    return await measurePlayback(page, cdp, refresh);
  } finally {
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  }
}

function throttledRows(label, w) {
  const rate = GOALS.throttleRate;
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
      `≤ ${GOALS.throttledFrame} ms`,
      met(w.median <= GOALS.throttledFrame),
    ],
  ];
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const load = loadavg()[0];
  const rebuilt = ensureBuild(process.argv.includes("--rebuild"));
  const server = await serveStatic(DIST);
  const browser = await launchChromium();
  const errors = [];
  const rows = [["check", "measured", "goal", "result"]];
  let refresh = Number.NaN;
  try {
    if (runs("start")) rows.push(...startRows(await measureStart(browser, server.url), 900));
    if (runs("size")) rows.push(...sizeRows(measureChunks(DIST)));
    const interactive = ["playback", "training", "drawing", "scrubbing", "throttled"].some(runs);
    if (interactive) {
      const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
      const first = await openPage(context, server.url);
      errors.push(...first.errors);
      refresh = await measureRefresh(first.page);
      if (SIZES.has("32"))
        rows.push(
          ...interactionRows(
            "32x32",
            await measureInteraction(first.page, first.cdp, refresh),
            refresh,
          ),
        );
      if (SIZES.has("32") && runs("throttled"))
        rows.push(
          ...throttledRows("32x32", await measureThrottled(first.page, first.cdp, refresh)),
        );
      if (SIZES.has("128")) {
        // 128x128 in a fresh page, opened through Import as a person would.
        const state = await bigState(first.page, 128);
        await first.page.close();
        const big = await openPage(context, server.url);
        errors.push(...big.errors);
        await settle(big.page);
        await big.page.getByLabel("State file to import").setInputFiles({
          name: "convsweep-128.json",
          mimeType: "application/json",
          buffer: Buffer.from(state),
        });
        await big.page.waitForFunction(
          () => /^Position 0 of 15876$/.test(document.querySelector("output.status")?.textContent),
          null,
          { timeout: 20_000 },
        );
        rows.push(
          ...interactionRows(
            "128x128",
            await measureInteraction(big.page, big.cdp, refresh),
            refresh,
          ),
        );
      }
      await context.close();
    }
    if (runs("network")) {
      // The real-network section (bench/pageNetwork.mjs), in a page of its own.
      const context = await browser.newContext({ viewport: VIEWPORT });
      const net = await openPage(context, `${server.url}#view=network`);
      errors.push(...net.errors);
      if (!Number.isFinite(refresh)) refresh = await measureRefresh(net.page);
      const result = await measureNetwork(net.page, net.cdp, refresh, measureWindow);
      rows.push(...networkRows(result, { ms, median, quantile }));
      await context.close();
    }
    if (errors.length > 0) throw new Error(`the page reported errors:\n${errors.join("\n")}`);

    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const line = (r) => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
    const cpu = cpus();
    console.log(
      `\nConvSweep page benchmark — ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores` +
        ` (load average ${load.toFixed(1)} at the start); Chromium ${await browser.version()}` +
        ` headless, ${VIEWPORT.width}x${VIEWPORT.height}` +
        (Number.isFinite(refresh)
          ? `, display refresh ${ms(refresh)} (${(1000 / refresh).toFixed(1)} Hz, measured idle)`
          : "") +
        `; Node ${process.version}; ${rebuilt ? "fresh build" : "reused build"} of ${DIST}\n`,
    );
    console.log(line(rows[0]));
    console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
    for (const r of rows.slice(1)) console.log(line(r));
    const missed = rows.filter((r) => r[3] === "MISSED").length;
    console.log(
      `\n${missed === 0 ? "All goals met" : `${missed} goal${missed === 1 ? "" : "s"} missed`}; ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s in all.`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
