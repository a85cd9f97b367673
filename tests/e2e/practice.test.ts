// Practice in Chromium: open it, answer, Check answer, see the reveal with
// its reason and the panel it points at, and the score, kept across a reload; axe finds no
// violation in the section, before and after the reveal.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";
import { axeViolations, expectCleanPage, ready } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test("open Practice, answer, Check answer: the reveal, the panel it points at, and the score", async () => {
  const app = await openApp(browser, { bypassCSP: true });
  const page = await ready(app);
  // A damaged score entry is ignored, never a crash.
  await page.evaluate(() => localStorage.setItem("convsweep-practice-score", "{oops"));
  await page.getByRole("button", { name: "Practice" }).click();
  const section = page.getByRole("region", { name: "Practice: predict, then reveal" });
  await section.waitFor();
  await expect.poll(() => section.textContent()).toMatch(/No answers checked yet/);
  expect(await axeViolations(page, ["practice"])).toEqual([]);

  // Check answer before choosing says so and grades nothing.
  await page.getByRole("button", { name: "Check answer" }).click();
  await expect.poll(() => section.textContent()).toMatch(/Pick an answer first/);

  // Keyboard: the first choice by Space, then Check answer.
  const radios = section.getByRole("radio");
  expect(await radios.count()).toBeGreaterThanOrEqual(2);
  await radios.first().focus();
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Check answer" }).click();
  await expect.poll(() => section.textContent()).toMatch(/(Right\.|Not this time\.)/);
  await expect.poll(() => section.textContent()).toMatch(/Score: [01] of 1 right\./);
  expect(await section.textContent()).toMatch(/The term is δ · x = /);
  expect(await section.getByText("✓ right").count()).toBeGreaterThanOrEqual(1);
  expect(await page.getByRole("button", { name: "Check answer" }).isDisabled()).toBe(true);
  expect(await axeViolations(page, ["practice"])).toEqual([]);

  // The reason points at the panel that shows it.
  await section.getByRole("button", { name: /Show it in “This position”/ }).click();
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.id ?? ""))
    .toBe("this-position-title");

  // The next exercise is another kind, and the score survives a reload.
  await section.getByRole("button", { name: "Next exercise" }).click();
  await expect.poll(() => section.textContent()).toMatch(/kind 2 of \d+: Size of the next term/);
  const stored = await page.evaluate(() => localStorage.getItem("convsweep-practice-score"));
  expect(JSON.parse(stored ?? "null")).toMatchObject({ answered: 1 });
  await page.reload();
  await page.getByRole("button", { name: "Practice" }).click();
  await expect.poll(() => section.textContent()).toMatch(/Score: [01] of 1 right\./);
  await expectCleanPage(app);
});
