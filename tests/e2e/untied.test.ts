// What if the weights were not shared (the untied comparison), in the built app: the untied
// layer memorises the image, the shared filter wins on a shifted copy, the app's state is untouched.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, openApp, WAIT_MS } from "./browser";
import { exportState, ready } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("the views below the figure, in Chromium", () => {
  test("untied: 9,000 parameters memorise the image; on a shifted copy the shared filter wins", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.locator("#untied");
    expect(await panel.locator("#untied-count-shared").textContent()).toBe("10");
    expect(await panel.locator("#untied-count-untied").textContent()).toBe("9,000");
    await expect
      .poll(() => panel.locator(".untied-counts").textContent())
      .toMatch(/900 × 9 = 8,100 weights \+ 900 biases = 9,000 parameters/);
    const before = await exportState(page);

    // A long comparison never blocks the page: the sweep still steps while it trains.
    await panel.getByRole("combobox", { name: /^Steps/ }).selectOption("2000");
    await panel.getByRole("button", { name: "Compare shared and untied" }).click();
    await page.getByRole("button", { name: "Step", exact: true }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 1 of 900/);
    // Back to 200 steps: the running comparison is superseded and starts again.
    await panel.getByRole("combobox", { name: /^Steps/ }).selectOption("200");
    const shiftedUntied = panel.locator("#untied-loss-shifted-untied");
    await shiftedUntied.waitFor({ timeout: 2 * WAIT_MS });
    await expect
      .poll(() => panel.locator(".untied-status").textContent())
      .toMatch(/^Done: 200 steps each/);

    const value = async (id: string) =>
      Number(await panel.locator(`#${id}`).getAttribute("data-value"));
    const trainShared = await value("untied-loss-train-shared");
    const trainUntied = await value("untied-loss-train-untied");
    const shiftedShared = await value("untied-loss-shifted-shared");
    const shiftedLoss = await value("untied-loss-shifted-untied");
    for (const v of [trainShared, trainUntied, shiftedShared, shiftedLoss]) {
      expect(Number.isFinite(v)).toBe(true);
    }
    // Memorised: the untied layer fits its training image (almost) exactly…
    expect(trainUntied).toBeLessThan(1e-6);
    expect(trainUntied).toBeLessThan(trainShared);
    // …but on the shifted copy its loss is far above the shared filter's.
    expect(shiftedLoss).toBeGreaterThan(10 * shiftedShared);
    expect(await panel.textContent()).toMatch(/untied layer's loss is [\d.]+× the shared filter's/);
    expect(await panel.textContent()).not.toMatch(/NaN/);

    // Both output maps on the shifted image are drawn, and the mosaic has a legend.
    for (const name of [
      "Shifted image",
      "Target on the shifted image",
      "Shared filter's output on the shifted image",
      "Untied layer's output on the shifted image",
    ]) {
      expect(await panel.getByRole("img", { name, exact: true }).count()).toBe(1);
    }
    await expect
      .poll(() => panel.getByRole("img", { name: /untied weights colour scale/ }).count())
      .toBe(1);
    // The mosaic is keyboard-driven: arrows choose whose filter is shown.
    const mosaic = panel.getByRole("img", { name: /The 900 untied filters/ });
    await mosaic.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => panel.getByText("Position (16, 16)'s filter").count()).toBe(1);
    // The keys stayed in the mosaic: the sweep did not step.
    expect(await page.getByRole("status").textContent()).toMatch(/Position 1 of 900/);

    // The app's own filter, training and status were left alone.
    const after = await exportState(page);
    expect(after.kernel).toEqual(before.kernel);
    expect(after.updates).toBe(0);
    expect(await page.getByRole("status").count()).toBe(1);
    expect(app.errors).toEqual([]);
  });
});
