// `npm run bench:stream`: the engine worker measured from the main thread of headless
// Chromium. Builds (or reuses) bench/stream.html, serves it, and prints one table: sweep
// latency at 32x32 and 128x128, the cost of a message, and training throughput while the
// main thread keeps a requestAnimationFrame loop. Never part of the test suite.
// Flags: --rebuild forces a fresh build of the page.
import { cpus } from "node:os";
import { launchChromium } from "../scripts/chromium.mjs";
import { serveStatic } from "../scripts/static-server.mjs";
import { buildStreamPage } from "./stream-build.mjs";

const GOALS = { sweep32: 1, sweep128: 5, stepsPerSecond: 20_000 };

const ms = (v) => `${v.toFixed(3)} ms`;
const us = (v) => `${(v * 1000).toFixed(1)} µs`;
const int = (v) => Math.round(v).toLocaleString("en-US");

async function main() {
  const started = performance.now();
  const root = await buildStreamPage({ force: process.argv.includes("--rebuild") });
  const server = await serveStatic(root);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    // Cross-origin isolation gives performance.now() 5 µs steps instead of 100 µs.
    await page.route("**/*", async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: {
          ...response.headers(),
          "cross-origin-opener-policy": "same-origin",
          "cross-origin-embedder-policy": "require-corp",
        },
      });
    });
    await page.goto(`${server.url}stream.html`);
    await page.waitForFunction(() => window.streamBench !== undefined);

    const env = await page.evaluate(() => window.streamBench.environment());
    if (!env.usesWorker) throw new Error("the page fell back to in-process: no Worker");
    const sweep32 = await page.evaluate(() => window.streamBench.sweepLatency(32, 400));
    const sweep128 = await page.evaluate(() => window.streamBench.sweepLatency(128, 150));
    const delivery = await page.evaluate(() => window.streamBench.messageOverhead(32, 200));
    const training = await page.evaluate(() => window.streamBench.trainThroughput(32, 60_000, 500));
    const reference = await page.evaluate(() => window.streamBench.mainThreadTrain(32, 20_000));
    const floor32 = await page.evaluate(() => window.streamBench.mainThreadSweep(32, 200));
    const floor128 = await page.evaluate(() => window.streamBench.mainThreadSweep(128, 60));
    if (errors.length > 0) throw new Error(`the page reported errors:\n${errors.join("\n")}`);

    const perMessage = (mode) =>
      (delivery[mode].median - delivery.one.median) / (delivery[mode].messages - 1);
    const met = (ok) => (ok ? "yes" : "NO");
    const rows = [
      ["measure", "median", "p90", "goal", "met"],
      [
        `sweep 32x32, 3x3 kernel (${sweep32.positions} positions): request → records on main thread`,
        ms(sweep32.median),
        ms(sweep32.p90),
        `< ${GOALS.sweep32} ms`,
        met(sweep32.median < GOALS.sweep32),
      ],
      [
        `sweep 128x128, 3x3 kernel (${int(sweep128.positions)} positions, ${((sweep128.positions * 20 * 8) / 2 ** 20).toFixed(1)} MiB)`,
        ms(sweep128.median),
        ms(sweep128.p90),
        `< ${GOALS.sweep128} ms`,
        met(sweep128.median < GOALS.sweep128),
      ],
      [
        "  engine computeSweep alone on the main thread, 32x32 (no worker, no message)",
        ms(floor32.median),
        ms(floor32.p90),
        "",
        "",
      ],
      [
        "  engine computeSweep alone on the main thread, 128x128",
        ms(floor128.median),
        ms(floor128.p90),
        "",
        "",
      ],
      [
        "32x32 sweep delivered as 1 transferred buffer",
        ms(delivery.one.median),
        ms(delivery.one.p90),
        "",
        "",
      ],
      [
        `32x32 sweep delivered as ${delivery.rows.messages} row-chunk messages`,
        ms(delivery.rows.median),
        ms(delivery.rows.p90),
        "",
        "",
      ],
      [
        `32x32 sweep delivered as ${delivery.positions.messages} messages, one per position`,
        ms(delivery.positions.median),
        ms(delivery.positions.p90),
        "",
        "",
      ],
      ["  cost of one extra message (row chunks)", us(perMessage("rows")), "", "", ""],
      ["  cost of one extra message (per position)", us(perMessage("positions")), "", "", ""],
      [
        `training 32x32 in the worker, rAF loop running (${int(training.steps)} steps, report every 500)`,
        `${int(training.stepsPerSecond)} steps/s`,
        "",
        `≥ ${int(GOALS.stepsPerSecond)} steps/s`,
        met(training.stepsPerSecond >= GOALS.stepsPerSecond),
      ],
      [
        `  main-thread frames during training (${training.frames} frames)`,
        `gap ${ms(training.medianFrameGap)}`,
        `worst ${ms(training.worstFrameGap)}`,
        "",
        "",
      ],
      [
        "  engine train() alone on the main thread, for reference",
        `${int(reference.stepsPerSecond)} steps/s`,
        "",
        "",
        "",
      ],
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const line = (r) => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
    const cpu = cpus();
    console.log(
      `\nConvSweep stream benchmark — ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores` +
        ` (page sees ${env.hardwareConcurrency}); ${await browser.version()}; Node ${process.version};` +
        ` timer ${env.crossOriginIsolated ? "5 µs (cross-origin isolated)" : "100 µs (not isolated)"}\n`,
    );
    console.log(line(rows[0]));
    console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
    for (const r of rows.slice(1)) console.log(line(r));
    const goalsMet =
      sweep32.median < GOALS.sweep32 &&
      sweep128.median < GOALS.sweep128 &&
      training.stepsPerSecond >= GOALS.stepsPerSecond;
    console.log(
      `\n${goalsMet ? "All goals met" : "Some goals missed"}; ${((performance.now() - started) / 1000).toFixed(1)} s in all.`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
