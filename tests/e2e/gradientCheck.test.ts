// The gradient check in the built app: the summed gradient is the derivative, checked against
// the engine's own gradient check on the exported state.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { conv2d, conv2dBackward, gradientCheck, squaredErrorGrad } from "../../src/engine/index";
import { launchChromium, openApp } from "./browser";
import { gridOf as grid } from "./invariants";
import { exactValue, exportState, ready } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("the views below the figure, in Chromium", () => {
  test("the gradient check: the summed gradient is the derivative, to rounding", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.locator("#gradient-check");
    await expect.poll(() => panel.getByText("Not checked yet.").count()).toBe(1);
    await panel.getByRole("button", { name: "Check the gradient" }).click();
    const verdict = panel.locator(".gc-verdict");
    await expect
      .poll(() => verdict.textContent())
      .toMatch(/^Max relative error .*: adding the 900 contributions is the derivative\.$/);
    expect(await verdict.getAttribute("aria-live")).toBe("polite");

    const state = await exportState(page);
    const expected = gradientCheck(
      {
        input: grid(state.image),
        target: grid(state.target),
        options: state.options,
        reduction: state.loss.reduction,
      },
      { kernel: grid(state.kernel), bias: state.bias },
      1e-4,
    );
    const rows = panel.locator("tbody tr");
    expect(await rows.count()).toBe(10);
    for (let i = 0; i < 10; i++) {
      const cells = rows.nth(i).locator("td span");
      const analytic = await exactValue(cells.nth(0));
      const numeric = await exactValue(cells.nth(1));
      const relative = await exactValue(cells.nth(2));
      const engineAnalytic = i < 9 ? expected.kernelGrad.data[i] : expected.biasGrad;
      const engineNumeric = i < 9 ? expected.numericKernelGrad.data[i] : expected.numericBiasGrad;
      expect(analytic).toBe(engineAnalytic);
      expect(numeric).toBe(engineNumeric);
      expect(relative).toBeLessThan(1e-7);
    }
    expect(expected.maxRelativeError).toBeLessThan(1e-7);
    // The same Σ as conv2dBackward's.
    const backward = conv2dBackward(
      grid(state.image),
      grid(state.kernel),
      squaredErrorGrad(
        conv2d(grid(state.image), grid(state.kernel), state.bias, state.options),
        grid(state.target),
        state.loss.reduction,
      ),
      state.options,
    );
    expect(Array.from(expected.kernelGrad.data)).toEqual(Array.from(backward.kernelGrad.data));

    // Forward differences carry an O(ε) error, and the verdict says whose error it is.
    await panel.getByLabel("Differences").selectOption("forward");
    await expect.poll(() => verdict.textContent()).toMatch(/forward difference is off by/);
    // A new ε re-runs the check by itself.
    await panel.getByLabel("Differences").selectOption("central");
    await panel.getByLabel("ε").selectOption({ label: "1e−2" });
    await expect.poll(() => panel.locator("thead").textContent()).toMatch(/ε = 1e−2/);
    await expect.poll(() => verdict.textContent()).toMatch(/is the derivative/);
    expect(app.errors).toEqual([]);
  });
});
