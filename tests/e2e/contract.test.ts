// The accessible names of docs/accessible-names.md: each finds exactly one control, even with
// Playwright's default (substring, case-insensitive) matching that outside tests may use.
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

test("every contract control is found once by role and name", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Position 0 of 900$/);
  // The views load once the page is idle after its first sweep (src/app/LazyViews.tsx): wait,
  // so that the names are unique across the whole page.
  await page.locator("#formula").waitFor();
  const unique: [Parameters<typeof page.getByRole>[0], string][] = [
    ["img", "Input image"],
    ["button", "Step back"],
    ["button", "Play"],
    ["button", "Finish sweep"],
    ["button", "Apply update"],
    ["button", "Reset"],
    ["slider", "Position"],
    ["button", "Export"],
    ["button", "Import"],
  ];
  for (const [role, name] of unique) {
    expect(await page.getByRole(role, { name }).count(), `${role} "${name}"`).toBe(1);
    expect(
      await page.getByRole(role, { name: name.toLowerCase() }).count(),
      `${role} "${name}" lower case`,
    ).toBe(1);
  }
  // "Step" is a prefix of "Step back": exact matching finds it once.
  expect(await page.getByRole("button", { name: "Step", exact: true }).count()).toBe(1);
  expect(await page.getByRole("button", { name: /^step$/i }).count()).toBe(1);
  expect(await page.getByRole("status").count()).toBe(1);
  expect(await page.getByRole("img", { name: "Input image" }).evaluate((el) => el.tagName)).toBe(
    "CANVAS",
  );
  await page.getByRole("button", { name: "Play" }).click();
  expect(await page.getByRole("button", { name: "Pause" }).count()).toBe(1);
  await page.getByRole("button", { name: "Pause" }).click();
  expect(errors).toEqual([]);
});

test("every control is reachable with Tab and shows a focus ring", async () => {
  const { page } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/of 900/);
  // Step once, so that no transport button is disabled (disabled controls take no focus).
  await page.getByRole("button", { name: "Step", exact: true }).click();
  // The header's tools arrive in a chunk of their own, just after the first load.
  await page.getByRole("button", { name: "Export" }).waitFor();
  // Clicking the title moves the focus navigation starting point back to the top.
  await page.locator("h1").click();
  const reached = new Set<string>();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        name: el.getAttribute("aria-label") ?? el.textContent?.trim() ?? "",
        outline: style.outlineStyle,
      };
    });
    if (info) {
      reached.add(info.name);
      expect(info.outline, `focus ring on ${info.name}`).not.toBe("none");
    }
  }
  for (const name of [
    "Export",
    "Import",
    "Step back",
    "Step",
    "Play",
    "Finish sweep",
    "Position",
    "Reset",
  ]) {
    expect(reached.has(name), name).toBe(true);
  }
  expect([...reached].some((n) => n.startsWith("Input image"))).toBe(true);
});
