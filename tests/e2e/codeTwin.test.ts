// "Show as code" in the page: both scripts of the current state are shown and downloadable,
// and the downloaded script, run by Debian's Python, prints the page's own sums.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { SCRIPT_NAMES } from "../../src/app/codeTwin/pythonScript";
import { launchChromium, openApp } from "./browser";
import { expectClose, runCodeTwinScripts } from "./codeTwinScripts";
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
  for (const { printed } of await runCodeTwinScripts(page, dialog, SCRIPT_NAMES)) {
    (printed.kernelGrad as number[][]).flat().forEach((v, i) => {
      expectClose(v, doc.sums.kernelGrad.data[i] as number);
    });
    expectClose(printed.biasGrad as number, doc.sums.biasGrad);
  }
  await page.keyboard.press("Escape");
  await expect.poll(() => dialog.count()).toBe(0);
  expect(errors).toEqual([]);
});
