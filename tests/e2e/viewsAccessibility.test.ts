// axe-core on the gradient-check, sum-or-mean and untied views, filled in, in both themes; and
// on "Inside a real network" (#view=network) in both themes: after some training (the curve,
// the learned filters, the confusion matrix), with a filter swept to its end (the green "equal
// to the engine's gradient" lines), and with the layer editor holding layers that make no
// network.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, openApp, TEST_MS, WAIT_MS } from "./browser";
import { axeViolations, ready } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("the views below the figure, in Chromium", () => {
  test.each(["light", "dark"] as const)(
    "axe finds no violation in the three views, filled in, in the %s theme",
    async (colorScheme) => {
      // axe is injected as an inline script, which the page's Content-Security-Policy forbids.
      const app = await openApp(browser, { colorScheme, bypassCSP: true });
      const page = await ready(app);
      await page.getByRole("button", { name: "Check the gradient" }).click();
      await page.getByRole("button", { name: "Compare shared and untied" }).click();
      await page.locator("#untied-loss-shifted-untied").waitFor({ timeout: 2 * WAIT_MS });
      await page.locator("#reduction-n").waitFor();
      await expect.poll(() => page.locator(".gc-verdict").textContent()).toMatch(/Max relative/);
      expect(await axeViolations(page, ["gradient-check", "reduction", "untied"])).toEqual([]);
      expect(app.errors).toEqual([]);
    },
  );
});

describe("the real-network section, in Chromium", () => {
  test.each(["light", "dark"] as const)(
    "axe finds no violation in the %s theme: trained, swept, and with layers that make no network",
    async (colorScheme) => {
      // axe is injected as an inline script, which the page's Content-Security-Policy forbids.
      const app = await openApp(browser, { colorScheme, bypassCSP: true, hash: "#view=network" });
      const { page } = app;
      const section = page.locator("#network");
      await section.getByRole("button", { name: "Train network" }).click();
      // The held-out accuracy is first measured at step 100: the confusion matrix then shows.
      await expect
        .poll(() => section.getByText(/Test accuracy \d+\.\d%/).count(), { timeout: 4 * WAIT_MS })
        .toBe(1);
      await section.getByRole("button", { name: "Pause network" }).click();
      await expect
        .poll(() => section.getByRole("button", { name: "Train network" }).count())
        .toBe(1);
      await section.getByRole("button", { name: "All positions" }).click();
      await expect
        .poll(() => section.locator('[data-quantity="network-exact"]').textContent())
        .toMatch(/to the last bit/);
      await expect.poll(() => section.locator(".batch-total .ok").count()).toBe(1);
      expect(await axeViolations(page, ["network"])).toEqual([]);

      // The output layer made 5 wide: the editor names the problem and keeps the layers.
      const units = section.getByRole("spinbutton", { name: "Units", exact: true }).last();
      await units.fill("5");
      await units.press("Enter");
      await expect
        .poll(() => section.getByText(/These layers do not make a network yet/).count())
        .toBe(1);
      expect(await axeViolations(page, ["network"])).toEqual([]);
      expect(app.errors).toEqual([]);
    },
    TEST_MS,
  );
});
