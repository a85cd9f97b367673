// Paint δ in Chromium: paint one hot cell and exactly one position
// contributes; the export carries the painted δ and imports back to the same file; axe finds
// no violation in the panel.
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";
import { axeViolations, expectCleanPage, ready, status } from "./views";

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

test("one hot cell: exactly one position contributes; the export round-trips", async () => {
  const app = await openApp(browser, { bypassCSP: true });
  const page = await ready(app);
  const toggle = page.getByRole("button", { name: "Paint δ" });
  await toggle.click();
  await expect.poll(() => toggle.getAttribute("aria-pressed")).toBe("true");
  const panel = page.locator("#paint-delta");
  await panel.waitFor();
  // Clear it, then paint one cell with the keyboard: the cursor starts in the middle.
  await panel.getByRole("button", { name: "Clear" }).click();
  await expect.poll(() => panel.locator(".paint-delta-count").textContent()).toMatch(/^0 of 900/);
  await page.getByRole("img", { name: /Painted δ map/ }).focus();
  await page.keyboard.press("Space");
  await expect.poll(() => panel.locator(".paint-delta-count").textContent()).toMatch(/^1 of 900/);
  expect(await axeViolations(page, ["paint-delta"])).toEqual([]);

  await page.getByRole("button", { name: "Finish sweep" }).click();
  await expect.poll(() => status(page)).toMatch(/Position 900 of 900/);
  const text = await exportText(page);
  const doc = JSON.parse(text);
  const hot = (doc.paintedDelta.data as number[]).flatMap((v, i) => (v !== 0 ? [i] : []));
  expect(hot).toEqual([15 * 30 + 15]);
  // Exactly one position contributes: the bias gradient is that δ, the kernel gradient is δ
  // times the one patch it saw.
  expect(doc.sums.biasGrad).toBe(1);
  const image = doc.image.data as number[];
  const patch = [0, 1, 2].flatMap((a) => [0, 1, 2].map((b) => image[(15 + a) * 32 + 15 + b]));
  expect(doc.sums.kernelGrad.data).toEqual(patch);
  const nonzeroInputGrad = (doc.sums.inputGrad.data as number[]).filter((v) => v !== 0).length;
  expect(nonzeroInputGrad).toBeLessThanOrEqual(9);

  // Leave the mode, then import the file: Paint δ comes back with the same δ and sums.
  await toggle.click();
  await expect.poll(() => toggle.getAttribute("aria-pressed")).toBe("false");
  const path = join(tmpdir(), `convsweep-paint-${process.pid}-${Date.now()}.json`);
  await writeFile(path, text);
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: "Import" }).click(),
  ]);
  await chooser.setFiles(path);
  await expect.poll(() => page.getByText("State imported.").count()).toBe(1);
  await expect.poll(() => toggle.getAttribute("aria-pressed")).toBe("true");
  expect(await exportText(page)).toBe(text);
  await expectCleanPage(app);
});
