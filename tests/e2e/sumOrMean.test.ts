// Sum or mean in the built app: mean = sum / N entry by entry, and η/N on the sum is η on the
// mean, checked against the engine on the exported state.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { conv2d, conv2dBackward, type Reduction, squaredErrorGrad } from "../../src/engine/index";
import { launchChromium, openApp } from "./browser";
import { gridOf as grid } from "./invariants";
import { exactValue, exportState, gridValues, ready } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("the views below the figure, in Chromium", () => {
  test("sum or mean: mean = sum / N entry by entry, and η/N on the sum is η on the mean", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.locator("#reduction");
    await expect.poll(() => panel.locator("#reduction-n strong").textContent()).toBe("900");
    const state = await exportState(page);
    const image = grid(state.image);
    const kernel = grid(state.kernel);
    const out = conv2d(image, kernel, state.bias, state.options);
    const gradOf = (reduction: Reduction) =>
      conv2dBackward(image, kernel, squaredErrorGrad(out, grid(state.target), reduction))
        .kernelGrad;
    const sum = await gridValues(
      panel.getByRole("table", { name: "Kernel gradient with the sum reduction" }),
    );
    const mean = await gridValues(
      panel.getByRole("table", { name: "Kernel gradient with the mean reduction" }),
    );
    expect(sum).toEqual(Array.from(gradOf("sum").data));
    expect(mean).toEqual(Array.from(gradOf("mean").data));
    const ratio = await gridValues(
      panel.getByRole("table", { name: "Sum gradient divided by mean gradient" }),
    );
    for (let t = 0; t < 9; t++) {
      expect(Math.abs((mean[t] as number) - (sum[t] as number) / 900)).toBeLessThan(
        1e-12 * Math.abs((sum[t] as number) / 900),
      );
      expect(ratio[t]).toBeCloseTo(900, 9);
    }
    expect(await exactValue(panel.locator("#reduction-mean-vs-sum strong span"))).toBeLessThan(
      1e-12,
    );
    const afterSum = await gridValues(
      panel.getByRole("table", {
        name: "Kernel after one update with the sum and learning rate eta over N",
      }),
    );
    const afterMean = await gridValues(
      panel.getByRole("table", {
        name: "Kernel after one update with the mean and learning rate eta",
      }),
    );
    for (let t = 0; t < 9; t++) {
      expect(Math.abs((afterSum[t] as number) - (afterMean[t] as number))).toBeLessThan(1e-15);
    }
    expect(
      await exactValue(panel.locator("#reduction-update-difference strong span")),
    ).toBeLessThan(1e-15);

    // The control here switches the app's loss; the Training panel follows.
    await panel.getByRole("radio", { name: "mean" }).check();
    await expect.poll(async () => (await exportState(page)).loss.reduction).toBe("mean");
    const lossSelect = page
      .locator("#training select")
      .filter({ has: page.locator('option[value="mean"]') });
    expect(await lossSelect.inputValue()).toBe("mean");
    expect(app.errors).toEqual([]);
  });
});
