// `npm run size` (and a check of `npm test`): the first-load JavaScript, gzip, against its
// budget. Exits non-zero past the budget, or when the page never becomes interactive.
//
// "First load" is every script the page requests before it is interactive (Step enabled and
// the status reading "Position 0 of N"), measured, not read from the build: the built app is
// loaded in Debian's headless Chromium (fresh context, no cache, service workers blocked,
// 1280x900) and every JavaScript request of the page and of its workers is recorded. A script
// counts when its request started before the interactive moment: the entry and its static
// imports, the chunks behind an import() the app makes on its first render, the engine worker
// and its chunks. The set can vary with timing, so the page is loaded LOADS times and the union
// counts (the strictest honest figure). Scripts requested within AFTER_MS of that moment, and
// those never requested, are listed but not counted. Sizes are the files of the dist folder in
// kB of 1,000 bytes, gzip at zlib's default level (what Vite's build report prints).
// Usage: node scripts/size.mjs [dist folder, default $CONVSWEEP_DIST or dist]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { launchChromium } from "./chromium.mjs";
import { serveStatic } from "./static-server.mjs";

/** The first-load budget: JavaScript, gzip, bytes. */
export const FIRST_LOAD_BUDGET = 110_000;
/** Cold loads measured; the scripts requested before interactive in any of them count. */
export const LOADS = 3;
/** How long a load may take to become interactive. */
const INTERACTIVE_TIMEOUT_MS = 60_000;
/** How long after interactive the requests are still recorded (listed, not counted). */
const AFTER_MS = 2_000;
const VIEWPORT = { width: 1280, height: 900 };
/** What a script is (kindsOf), in the order the tables list them. */
const KINDS = ["entry", "static import", "dynamic import", "worker"];

/**
 * Installed before the app's scripts: performance.now() when the page first is interactive, on
 * the page's clock (the one its resource timing uses). As bench/page/session.mjs observes it.
 */
function watchInteractive() {
  const state = { interactive: null };
  window.__size = state;
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
    if (state.interactive !== null || !isInteractive()) return;
    state.interactive = performance.now();
    observer.disconnect();
  });
  observer.observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["disabled"],
  });
}

/** Request start times of a page or worker's scripts, in epoch ms, from its resource timing. */
function scriptStarts() {
  return performance
    .getEntriesByType("resource")
    .filter((e) => /\.m?js$/.test(new URL(e.name).pathname))
    .map((e) => [e.name, performance.timeOrigin + e.startTime]);
}

/**
 * What each script of the build is, from Vite's asset manifest: the entry, its static imports
 * (transitively), a chunk behind a dynamic import(), or a worker. The workers' own chunks are
 * not in the manifest (Vite bundles each worker apart): every other script is a worker's.
 */
function kindsOf(dist) {
  const manifest = JSON.parse(readFileSync(join(dist, "asset-manifest.json"), "utf8"));
  const kinds = new Map();
  const visit = (key, kind) => {
    const chunk = manifest[key];
    if (!chunk || kinds.get(chunk.file) === "entry") return;
    if (kinds.get(chunk.file) === "static import" && kind !== "entry") return;
    kinds.set(chunk.file, kind);
    for (const imported of chunk.imports ?? []) visit(imported, "static import");
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key, "entry");
  for (const chunk of Object.values(manifest)) {
    if (chunk.file.endsWith(".js") && !kinds.has(chunk.file))
      kinds.set(chunk.file, "dynamic import");
    for (const asset of chunk.assets ?? []) if (asset.endsWith(".js")) kinds.set(asset, "worker");
  }
  return (file) => kinds.get(file) ?? "worker";
}

/**
 * One cold load: the scripts requested (file → start, epoch ms) and the interactive moment.
 * A request's start is the earliest the browser reports: the page's or the worker's resource
 * timing (the clock the interactive moment is on), else the network's (a worker's own script).
 */
async function load(browser, url) {
  const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: "block" });
  try {
    const requests = [];
    context.on("request", (r) => {
      if (/\.m?js$/.test(new URL(r.url()).pathname)) requests.push(r);
    });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.addInitScript(watchInteractive);
    await page.goto(url);
    try {
      await page.waitForFunction(() => window.__size.interactive !== null, null, {
        timeout: INTERACTIVE_TIMEOUT_MS,
      });
    } catch {
      throw new Error(
        `the page at ${url} was not interactive (Step enabled and "Position 0 of N" shown) ` +
          `within ${INTERACTIVE_TIMEOUT_MS / 1000} s` +
          (errors.length > 0 ? `; it reported:\n${errors.join("\n")}` : ""),
      );
    }
    const { origin, interactive } = await page.evaluate(() => ({
      origin: performance.timeOrigin,
      interactive: window.__size.interactive,
    }));
    await page.waitForTimeout(AFTER_MS);
    const seen = [...requests];
    const timed = new Map(await page.evaluate(scriptStarts));
    for (const worker of page.workers())
      for (const [name, start] of await worker.evaluate(scriptStarts).catch(() => []))
        timed.set(name, Math.min(start, timed.get(name) ?? start));
    const starts = new Map();
    for (const request of seen) {
      const response = await request.response();
      if (response === null || !response.ok())
        throw new Error(`${request.url()} failed (${response?.status() ?? "no response"})`);
      const network = request.timing().startTime;
      const start = Math.min(timed.get(request.url()) ?? network, network);
      const file = decodeURIComponent(new URL(request.url()).pathname.slice(1));
      starts.set(file, Math.min(start, starts.get(file) ?? start));
    }
    return { interactive: origin + interactive, interactiveMs: interactive, starts };
  } finally {
    await context.close();
  }
}

/**
 * Loads the built app LOADS times and measures its scripts. Throws when a load is never
 * interactive.
 * @param {string} dist the build folder (with Vite's asset-manifest.json)
 * @returns {Promise<{
 *   interactiveMs: number[],
 *   chunks: { file: string, kind: string, raw: number, gzip: number,
 *             fetched: "before interactive" | "after interactive" | "never", loads: number }[],
 *   firstRaw: number, firstGzip: number, ok: boolean }>}
 *   `loads`: in how many loads the script was requested before interactive.
 */
export async function measureFirstLoad(dist) {
  const kindOf = kindsOf(dist);
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  const runs = [];
  try {
    for (let i = 0; i < LOADS; i++) runs.push(await load(browser, server.url));
  } finally {
    await browser.close();
    await server.close();
  }
  const files = new Set(
    readdirSync(join(dist, "assets"))
      .filter((f) => /\.m?js$/.test(f))
      .map((f) => `assets/${f}`),
  );
  for (const run of runs) for (const file of run.starts.keys()) files.add(file);
  const chunks = [...files].map((file) => {
    const path = join(dist, file);
    if (!existsSync(path)) throw new Error(`the page requested ${file}, not in ${dist}`);
    const bytes = readFileSync(path);
    const loads = runs.filter((r) => r.starts.has(file) && r.starts.get(file) < r.interactive);
    const fetched =
      loads.length > 0
        ? "before interactive"
        : runs.some((r) => r.starts.has(file))
          ? "after interactive"
          : "never";
    return {
      file,
      kind: kindOf(file),
      raw: bytes.length,
      gzip: gzipSync(bytes).length,
      fetched,
      loads: loads.length,
    };
  });
  chunks.sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || b.gzip - a.gzip);
  const first = chunks.filter((c) => c.fetched === "before interactive");
  const firstGzip = first.reduce((s, c) => s + c.gzip, 0);
  return {
    interactiveMs: runs.map((r) => r.interactiveMs),
    chunks,
    firstRaw: first.reduce((s, c) => s + c.raw, 0),
    firstGzip,
    ok: firstGzip <= FIRST_LOAD_BUDGET,
  };
}

/**
 * measureFirstLoad, synchronously (a child Node runs it): for callers that cannot await.
 * @param {string} dist
 */
export function measureChunks(dist) {
  const self = import.meta.url;
  const run = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const { measureFirstLoad } = await import(${JSON.stringify(self)});
       process.stdout.write(JSON.stringify(await measureFirstLoad(${JSON.stringify(dist)})));`,
    ],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  if (run.status !== 0) throw new Error(`measuring the first load failed:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

const kB = (n) => `${(n / 1000).toFixed(2)} kB`;

/** Prints the tables; returns the measurement. */
export async function reportSize(dist) {
  const result = await measureFirstLoad(dist);
  const { chunks, firstGzip, ok } = result;
  const sum = (list, key) => list.reduce((s, c) => s + c[key], 0);
  const table = (rows) => {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const line = (r) =>
      `| ${r.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(" | ")} |`;
    console.log(line(rows[0]));
    console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
    for (const r of rows.slice(1)) console.log(line(r));
  };
  const part = (title, fetched, loadsColumn) => {
    const list = chunks.filter((c) => c.fetched === fetched);
    console.log(`\n${title}`);
    if (list.length === 0) {
      console.log("(none)");
      return;
    }
    table([
      ["script", "kind", ...(loadsColumn ? ["loads"] : []), "raw", "gzip"],
      ...list.map((c) => [
        c.file,
        c.kind,
        ...(loadsColumn ? [`${c.loads}/${LOADS}`] : []),
        kB(c.raw),
        kB(c.gzip),
      ]),
      [
        `total (${list.length} scripts)`,
        "",
        ...(loadsColumn ? [""] : []),
        kB(sum(list, "raw")),
        kB(sum(list, "gzip")),
      ],
    ]);
  };
  console.log(
    `First-load JavaScript of ${dist}: ${LOADS} cold loads in headless Chromium ` +
      `(${VIEWPORT.width}x${VIEWPORT.height}, no cache, no service worker); interactive ` +
      `(Step enabled, "Position 0 of N") at ${result.interactiveMs.map((t) => `${Math.round(t)} ms`).join(", ")}.`,
  );
  part(
    `Counted: every script (page or worker) requested before interactive in any of the ${LOADS} loads (their union; "loads" says in how many)`,
    "before interactive",
    true,
  );
  part(
    `Not counted: requested after interactive (within ${AFTER_MS / 1000} s)`,
    "after interactive",
    false,
  );
  part("Not counted: never requested", "never", false);
  console.log(
    `\nFirst-load JavaScript ${kB(firstGzip)} gzip (union of ${LOADS} loads), ` +
      `budget ${kB(FIRST_LOAD_BUDGET)}: ${ok ? "within" : `OVER by ${kB(firstGzip - FIRST_LOAD_BUDGET)}`}.`,
  );
  return result;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] ?? process.env.CONVSWEEP_DIST ?? "dist";
  try {
    const { ok } = await reportSize(dist);
    process.exit(ok ? 0 : 1);
  } catch (e) {
    console.error(`size: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
