import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launchChromium } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test("after one visit the app works offline, sweeps included", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(inject("baseURL"));
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  // Wait until the offline cache controls the page and holds what the page loaded.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const keys = await caches.keys();
        const cache = await caches.open(keys[0] ?? "none");
        return (await cache.keys()).map((r) => r.url).filter((u) => /engine\.worker/.test(u))
          .length;
      }),
    )
    .toBeGreaterThan(0);
  await context.setOffline(true);
  await page.reload();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await page.getByRole("button", { name: "Finish sweep" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 900 of 900/);
  expect(errors).toEqual([]);
  await context.close();
});
