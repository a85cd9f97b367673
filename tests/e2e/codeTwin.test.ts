// "Show as code" in the page: both scripts of the current state are shown and downloadable,
// and the downloaded script, run by Debian's Python, prints the page's own sums.
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";
import { exportDoc } from "./invariants";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test("Show as code gives PyTorch and NumPy scripts that print the page's sums", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await page.getByRole("combobox", { name: "Preset" }).selectOption("checkerboard");
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await page.getByRole("button", { name: "Finish sweep" }).click();
  const doc = await exportDoc(page);

  await page.getByRole("button", { name: "Show as code" }).click();
  const dialog = page.getByRole("dialog", { name: "The current state as code" });
  await expect.poll(() => dialog.isVisible()).toBe(true);
  for (const [tab, check] of [
    ["PyTorch", /F\.conv2d/],
    ["NumPy", /import numpy as np/],
  ] as const) {
    await dialog.getByRole("tab", { name: tab }).click();
    const text = await dialog.getByRole("textbox", { name: `${tab} script` }).inputValue();
    expect(text).toMatch(check);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      dialog.getByRole("button", { name: /^Download/ }).click(),
    ]);
    const script = await readFile(await download.path(), "utf8");
    expect(script).toBe(text);
    const stdout = execFileSync("/usr/bin/python3", ["-"], { input: script, encoding: "utf8" });
    const printed = JSON.parse(
      (stdout.split("\n").find((l) => l.startsWith("CONVSWEEP ")) ?? "").slice(10),
    ) as { kernelGrad: number[][]; biasGrad: number; agree: boolean };
    expect(printed.agree).toBe(true);
    printed.kernelGrad.flat().forEach((v, i) => {
      const want = doc.sums.kernelGrad.data[i] as number;
      expect(Math.abs(v - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
    });
    expect(Math.abs(printed.biasGrad - doc.sums.biasGrad)).toBeLessThanOrEqual(
      1e-12 * Math.max(1, Math.abs(doc.sums.biasGrad)),
    );
  }
  await page.keyboard.press("Escape");
  await expect.poll(() => dialog.count()).toBe(0);
  expect(errors).toEqual([]);
});
