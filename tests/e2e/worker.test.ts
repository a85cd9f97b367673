// The engine worker in real Chromium: built (bench/stream.html, a page that loads the worker
// exactly as the app does) and checked against the engine run on the page's main thread.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { buildStreamPage } from "../../bench/stream-build.mjs";
import { serveStatic } from "../../scripts/static-server.mjs";
import { launchChromium } from "./browser";

let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
beforeAll(async () => {
  server = await serveStatic(await buildStreamPage());
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test("the engine worker streams what the engine computes, and survives a crash", async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${server.url}stream.html`);
  await page.waitForFunction(() => window.streamBench !== undefined);
  const checks = await page.evaluate(() => window.streamBench.selfCheck());
  expect(checks.length).toBeGreaterThanOrEqual(9);
  for (const check of checks) {
    expect.soft(check.ok, `${check.name}: ${check.detail}`).toBe(true);
  }
  expect(errors).toEqual([]);
});
