import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp, WAIT_MS } from "./browser";
import { expectSumsExact, exportDoc } from "./invariants";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Closes every worker of the page from inside: it simply stops, and no event says so. */
async function killWorkers(page: Page): Promise<number> {
  const workers = page.workers();
  await Promise.all(
    workers.map((w) =>
      w.evaluate(() => (self as unknown as { close(): void }).close()).catch(() => undefined),
    ),
  );
  return workers.length;
}

/** Counts the workers the page starts from now on. */
function countNewWorkers(page: Page): { count: number } {
  const seen = { count: 0 };
  page.on("worker", () => {
    seen.count++;
  });
  return seen;
}

test("a worker killed before a sweep is replaced and the sweep redone", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Position 0 of 900$/);
  expect(await killWorkers(page)).toBeGreaterThan(0);
  const started = countNewWorkers(page);
  await page.getByRole("combobox", { name: "Preset" }).selectOption("checkerboard");
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Position 0 of 900$/);
  await page.getByRole("slider", { name: "Position" }).fill("500");
  const doc = await exportDoc(page);
  expect(doc.position).toBe(500);
  expectSumsExact(doc);
  expect(started.count).toBeGreaterThan(0);
  expect(await page.getByRole("alert").count()).toBe(0);
  expect(errors).toEqual([]);
});

test("a worker killed mid-training is replaced and training finishes where it would have", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Position 0 of 900$/);
  await page.getByRole("spinbutton", { name: "Steps" }).fill("100000");
  await page.getByRole("button", { name: "Train", exact: true }).click();
  await expect
    .poll(() => page.getByRole("img", { name: /Loss curve/ }).getAttribute("aria-label"))
    .toMatch(/[1-9]\d* updates/);
  expect(await killWorkers(page)).toBeGreaterThan(0);
  const started = countNewWorkers(page);
  await expect
    .poll(() => page.getByRole("button", { name: "Train", exact: true }).count(), {
      timeout: 2 * WAIT_MS,
    })
    .toBe(1);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Position 0 of 900$/);
  const doc = await exportDoc(page);
  expect(doc.updates).toBe(100000);
  expectSumsExact(doc);
  expect(started.count).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
