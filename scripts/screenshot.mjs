// Screenshots of the built app for looking at it (and for the README):
// node scripts/screenshot.mjs [out-dir]  →  page-1280.png, page-390.png
import { launchChromium } from "./chromium.mjs";
import { serveStatic } from "./static-server.mjs";

const out = process.argv[2] ?? "docs";
const server = await serveStatic(process.env.CONVSWEEP_DIST ?? "dist");
const browser = await launchChromium();
/**
 * Grows the viewport to the whole page, so that panels drawn only near the screen
 * (content-visibility: auto) are drawn for a full-page picture; their real heights can grow
 * the page, so it repeats until the height holds.
 */
async function showEverything(page, width) {
  for (let i = 0; i < 5; i++) {
    // The content's own height (scrollHeight never reads less than the viewport).
    const total = await page.evaluate(() =>
      Math.ceil(document.documentElement.getBoundingClientRect().height),
    );
    const now = page.viewportSize()?.height;
    if (now === total) return;
    await page.setViewportSize({ width, height: total });
    await page.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
    );
  }
}

try {
  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ]) {
    const page = await browser.newPage({
      viewport: { width, height },
      colorScheme: process.argv.includes("--dark") ? "dark" : "light",
    });
    page.on("console", (m) => m.type() === "error" && console.error("console:", m.text()));
    page.on("pageerror", (e) => console.error("pageerror:", e.message));
    await page.goto(server.url);
    await page
      .getByRole("status")
      .filter({ hasText: /of 900/ })
      .waitFor();
    await page.getByRole("button", { name: "Skip the tour" }).click();
    for (let i = 0; i < 40; i++)
      await page.getByRole("button", { name: "Step", exact: true }).click();
    await page.waitForTimeout(600);
    const suffix = process.argv.includes("--dark") ? "-dark" : "";
    if (process.argv.includes("--full")) await showEverything(page, width);
    await page.screenshot({
      path: `${out}/page-${width}${suffix}.png`,
      fullPage: process.argv.includes("--full"),
    });
    console.log(`${out}/page-${width}${suffix}.png`);
    if (process.argv.includes("--parts")) {
      await showEverything(page, width);
      const total = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let y = 0, i = 0; y < total; y += height, i++) {
        const clip = { x: 0, y, width, height: Math.min(height, total - y) };
        await page.screenshot({ path: `${out}/page-${width}-part${i}.png`, fullPage: true, clip });
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
