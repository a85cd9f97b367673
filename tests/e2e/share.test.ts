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

async function exportText(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  return readFile(await download.path(), "utf8");
}

test("a copied link opens the same state exactly in a new page", async () => {
  const first = await openApp(browser);
  const { page } = first;
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  // Change the drawing, the filter (one update) and the cursor.
  await page.getByRole("combobox", { name: "Preset" }).selectOption("noise");
  await page.getByRole("button", { name: "Finish sweep" }).click();
  await page.getByRole("button", { name: "Apply update" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await page.getByRole("slider", { name: "Position" }).fill("345");
  const before = await exportText(page);
  await page.getByRole("button", { name: "Copy link" }).click();
  const link = await page.getByRole("textbox", { name: "Link to this state" }).inputValue();
  expect(link).toMatch(/#state=[A-Za-z0-9_-]+$/);

  const second = await openApp(browser, { hash: link.slice(link.indexOf("#")) });
  await expect
    .poll(() => second.page.getByRole("status").textContent())
    .toMatch(/Position 345 of 900/);
  expect(await exportText(second.page)).toBe(before);
  expect(first.errors).toEqual([]);
  expect(second.errors).toEqual([]);
});

test("a link that cannot be read shows a message and the default state", async () => {
  const hostile = `#state=${encodeURIComponent("<img src=x onerror=alert(1)>")}`;
  const { page, errors } = await openApp(browser, { hash: hostile });
  await expect
    .poll(() => page.getByRole("alert").textContent())
    .toMatch(/link could not be opened/);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  // Nothing from the link became markup.
  expect(await page.locator("img[src=x]").count()).toBe(0);
  expect(errors).toEqual([]);
});
