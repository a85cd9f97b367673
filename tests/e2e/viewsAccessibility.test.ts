// axe-core on the gradient-check, sum-or-mean and untied views, filled in, in both themes.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, openApp, WAIT_MS } from "./browser";
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
