// Where each weight's gradient comes from (the weight maps), in the built app: pointing and
// the keyboard move the position, and the sums shown are the exported state's.
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";
import { exactValue, expectCleanPage, exportState, pointAt, ready, status } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("where each weight's gradient comes from", () => {
  test("pointing at a cell moves the position, enlarges that weight's map, and the sums are the exported ones", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.getByRole("region", { name: "Where each weight's gradient comes from" });
    const map12 = panel.getByRole("button", { name: "Weight w[1][2] gradient map" });
    await pointAt(map12.locator("canvas").first(), 30, 30, 4, 7);
    await expect.poll(() => status(page)).toMatch(/Position 128 of 900/);
    await expect(
      panel.getByRole("img", { name: "Enlarged gradient map of w[1][2]" }).count(),
    ).resolves.toBe(1);
    expect(await map12.getAttribute("aria-pressed")).toBe("true");

    const map20 = panel.getByRole("button", { name: "Weight w[2][0] gradient map" });
    await pointAt(map20.locator("canvas").first(), 30, 30, 10, 3);
    await expect.poll(() => status(page)).toMatch(/Position 304 of 900/);
    expect(await panel.getByRole("img", { name: "Enlarged gradient map of w[1][2]" }).count()).toBe(
      0,
    );
    expect(await panel.getByRole("img", { name: "Enlarged gradient map of w[2][0]" }).count()).toBe(
      1,
    );

    // Pointing at the enlarged map moves the position too.
    await pointAt(
      panel.getByRole("img", { name: "Enlarged gradient map of w[2][0]" }),
      30,
      30,
      20,
      29,
    );
    await expect.poll(() => status(page)).toMatch(/Position 630 of 900/);

    // Leave the maps through the sticky controls so no other cell is crossed.
    await page.mouse.move(2, 2);
    const doc = await exportState(page);
    expect(doc.position).toBe(630);
    const sums = await panel.locator(".weight-map-sum .num").all();
    expect(sums.length).toBe(9);
    for (let t = 0; t < 9; t++) {
      expect(await exactValue(sums[t] as Locator), `w tap ${t}`).toBe(doc.sums.kernelGrad.data[t]);
    }
    await expectCleanPage(app);
  });

  test("a focused map moves the position with the arrow keys and is the one enlarged", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.getByRole("region", { name: "Where each weight's gradient comes from" });
    await page.getByRole("slider", { name: "Position" }).fill("100");
    const map01 = panel.getByRole("button", { name: "Weight w[0][1] gradient map" });
    await map01.focus();
    expect(await panel.getByRole("img", { name: "Enlarged gradient map of w[0][1]" }).count()).toBe(
      1,
    );
    // Position 100 focuses index 99 (row 3, col 9).
    await page.keyboard.press("ArrowRight");
    expect(await status(page)).toMatch(/Position 101 of 900/);
    await page.keyboard.press("ArrowDown");
    expect(await status(page)).toMatch(/Position 131 of 900/);
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowUp");
    expect(await status(page)).toMatch(/Position 100 of 900/);
    await page.keyboard.press("End");
    expect(await status(page)).toMatch(/Position 900 of 900/);
    // The readout under the enlarged map is the store's sum for that weight.
    const doc = await exportState(page);
    const readout = panel.locator(".weight-maps-readout .num").nth(1);
    expect(await exactValue(readout)).toBe(doc.sums.kernelGrad.data[1]);
    await expectCleanPage(app);
  });
});
