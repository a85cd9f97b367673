import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launchChromium, openApp } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test("the built app renders its title with no console error", async () => {
  const { page, errors } = await openApp(browser);
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain(
    "ConvSweep",
  );
  expect(errors).toEqual([]);
});

test("the built app computes its sweep in a Web Worker", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const workers: string[] = [];
  page.on("worker", (w) => workers.push(w.url()));
  await page.goto(inject("baseURL"));
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  expect(workers.some((url) => /engine\.worker/.test(url))).toBe(true);
  // The sweep arrived: stepping is possible and the running sum shows a position's terms.
  await page.getByRole("button", { name: "Step", exact: true }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 1 of 900/);
  await context.close();
});
