import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function exported(page: Page) {
  const [d] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  return JSON.parse(await readFile(await d.path(), "utf8"));
}

test("a learning rate of 1e3 blows up: training stops, says so, and one click restores the filter", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  const before = await exported(page);
  const lr = page.getByRole("textbox", { name: /Learning rate/ });
  await lr.fill("1e3");
  await lr.press("Enter");
  await page.getByRole("button", { name: "Train", exact: true }).click();
  await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/blew up/);
  await expect.poll(() => page.getByRole("button", { name: "Train", exact: true }).count()).toBe(1);
  // No NaN is printed anywhere on the page.
  expect(await page.locator("body").textContent()).not.toMatch(/NaN/);
  await page.getByRole("button", { name: "Back to the last good filter" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  const after = await exported(page);
  expect(after.kernel).toEqual(before.kernel);
  expect(after.bias).toBe(before.bias);
  expect(after.updates).toBe(0);
  expect(await page.locator("body").textContent()).not.toMatch(/NaN/);
  expect(errors).toEqual([]);
});
