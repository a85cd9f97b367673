import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test("the built app renders its title with no console error", async () => {
  const { page, errors } = await openApp(browser);
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain(
    "ConvSweep",
  );
  expect(errors).toEqual([]);
});
