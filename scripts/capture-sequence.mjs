// An image sequence of one sweep for the README: node scripts/capture-sequence.mjs [out-dir]
// Writes sweep-1.png … sweep-4.png (positions 1, 2, 450, 900) and after-update.png.
import { launchChromium } from "./chromium.mjs";
import { serveStatic } from "./static-server.mjs";

const out = process.argv[2] ?? "docs";
const server = await serveStatic(process.env.CONVSWEEP_DIST ?? "dist");
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url);
  await page
    .getByRole("status")
    .filter({ hasText: /of 900/ })
    .waitFor();
  await page.getByRole("button", { name: "Skip the tour" }).click();
  const slider = page.getByRole("slider", { name: "Position" });
  const frames = [1, 2, 450, 900];
  for (const [i, p] of frames.entries()) {
    await slider.fill(String(p));
    await page.waitForTimeout(700);
    const top = await page.locator("#running-sum").boundingBox();
    await page.screenshot({
      path: `${out}/sweep-${i + 1}.png`,
      clip: { x: 0, y: 0, width: 1280, height: (top?.y ?? 600) + (top?.height ?? 300) },
    });
    console.log(`${out}/sweep-${i + 1}.png`);
  }
} finally {
  await browser.close();
  await server.close();
}
