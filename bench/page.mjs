// `npm run bench:page`: the built app measured in headless Chromium, the way a person uses it.
// Builds dist (or reuses it when it is newer than every source), serves it with
// scripts/static-server.mjs, drives Debian's Chromium through playwright-core and the Chrome
// DevTools Protocol, and prints one table, each row with its goal and met / MISSED:
//   start     first contentful paint, and the moment the page is interactive (Step enabled,
//             the status reading "Position 0 of 900"), median of 5 cold loads
//   size      first-load JavaScript, gzip (scripts/size.mjs decides what "first load" is)
//   playback  10 s at each speed of --speeds (60/s: a new position every frame; the menu's
//             fastest), in each window of --viewports (1280x900 and 390x844): long tasks,
//             main-thread busy share, the median frame interval against the display's refresh;
//             then 3 s of Chrome trace of the same run (bench/page/trace.mjs): the share of
//             script, style/layout, paint, layerize/commit, and per frame what was laid out,
//             repainted and re-layerized
//   training  10 s of Train (Steps = the box's maximum, restarted when a run ends): the same
//   drawing   pointer move on "Input image" → the next frame after "Output map" and "Delta map"
//             were repainted (src/viz/paintGrid.ts stamps data-painted), one move at a time
//   scrubbing dragging the Position slider from the end to 0 → the next frame after React
//             committed the move (the status changed)
//   throttled playback at 32x32 at 60/s again on a CPU slowed down 4x (CDP
//             setCPUThrottlingRate): the frame interval median and the longest task
//   network   the real-network section: long tasks, busy share and frames while it trains,
//             and drawing a digit → the ten probabilities on screen
//   files     a bad or huge file chosen (state file or image) → the app's answer on screen
// and the checks from playback to scrubbing again on a 128x128 input (126x126 = 15,876
// positions), opened through Import of a state file built here. Never part of the test suite.
// Busy share is CDP's TaskDuration over wall time; the CPU time the main thread actually got
// (ThreadTime) is printed beside it, since on a shared machine the two differ.
// Flags: --speeds=60,fastest and --viewports=1280x900,390x844 (the defaults) choose the playback
// windows; --rebuild forces a fresh build; --only=start,size,playback,training,drawing,
// scrubbing,throttled,network,files and --sizes=32,128 run a part (for work on one figure). CONVSWEEP_DIST picks
// the build folder (default dist), used as it is when it holds a build (another commit's, for A/B).
// Each part is a module of bench/page/ (its measurement and its rows); this file runs them and
// prints the table.
import { cpus, loadavg } from "node:os";
import { launchChromium } from "../scripts/chromium.mjs";
import { measureChunks } from "../scripts/size.mjs";
import { serveStatic } from "../scripts/static-server.mjs";
import { bigState, openImported } from "./page/bigState.mjs";
import { ensureBuild } from "./page/build.mjs";
import { DIST, runs, SIZES, VIEWPORT, VIEWPORTS } from "./page/config.mjs";
import { filesRows, measureFiles } from "./page/files.mjs";
import { interactionRows, measureInteraction } from "./page/interaction.mjs";
import { measureNetwork, networkRows } from "./page/network.mjs";
import { measureRefresh, openPage } from "./page/session.mjs";
import { sizeRows } from "./page/size.mjs";
import { measureStart, startRows } from "./page/start.mjs";
import { ms } from "./page/stats.mjs";
import { measureThrottled, throttledRows } from "./page/throttled.mjs";

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
    // Every check at the first window; playback alone at the others (a phone's).
    for (const [i, viewport] of (interactive ? VIEWPORTS : []).entries()) {
      const playbackOnly = i > 0;
      if (playbackOnly && !runs("playback")) break;
      const where = `${viewport.width}x${viewport.height}`;
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      const first = await openPage(context, server.url);
      errors.push(...first.errors);
      if (!Number.isFinite(refresh)) refresh = await measureRefresh(first.page);
      const measure = (p) => measureInteraction(p.page, p.cdp, refresh, { playbackOnly });
      if (SIZES.has("32"))
        rows.push(...interactionRows(`32x32 in ${where}`, await measure(first), refresh));
      if (SIZES.has("32") && runs("throttled") && !playbackOnly)
        rows.push(
          ...throttledRows(
            `32x32 in ${where}`,
            await measureThrottled(first.page, first.cdp, refresh),
            refresh,
          ),
        );
      if (SIZES.has("128")) {
        // 128x128 in a fresh page, opened through Import as a person would.
        const state = await bigState(first.page, 128);
        await first.page.close();
        const big = await openImported(context, server.url, state);
        errors.push(...big.errors);
        rows.push(...interactionRows(`128x128 in ${where}`, await measure(big), refresh));
      }
      await context.close();
    }
    if (runs("network")) {
      // The real-network section (bench/pageNetwork.mjs), in a page of its own.
      const context = await browser.newContext({ viewport: VIEWPORT });
      const net = await openPage(context, `${server.url}#view=network`);
      errors.push(...net.errors);
      if (!Number.isFinite(refresh)) refresh = await measureRefresh(net.page);
      const result = await measureNetwork(net.page, net.cdp, refresh);
      rows.push(...networkRows(result));
      await context.close();
    }
    if (runs("files")) rows.push(...filesRows(await measureFiles(browser, server.url)));
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
