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

test("the built page carries a strict Content-Security-Policy and works under it", async () => {
  const { page, errors } = await openApp(browser);
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const policy = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute("content");
  expect(policy).not.toBeNull();
  const directives = new Map(
    (policy ?? "").split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  expect(directives.get("script-src")).toEqual(["'self'"]);
  expect(directives.get("connect-src")).toEqual(["'self'"]);
  expect(policy).not.toMatch(/unsafe-eval/);
  expect(directives.get("script-src")?.join(" ")).not.toMatch(/unsafe-inline/);

  // Use the page: sweep, draw, train, a picture, a link.
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await page.getByRole("button", { name: "Finish sweep" }).click();
  await page.getByRole("combobox", { name: "Preset" }).selectOption("edge");
  await page.getByRole("button", { name: "Train", exact: true }).click();
  await expect.poll(() => page.getByRole("button", { name: "Train", exact: true }).count()).toBe(1);
  await Promise.all([
    page.waitForEvent("download"),
    page.locator("#forward").getByRole("button", { name: "PNG" }).click(),
  ]);
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect
    .poll(() => page.getByRole("textbox", { name: "Link to this state" }).count())
    .toBe(1);
  expect(
    await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  ).toEqual([]);
  expect(errors).toEqual([]);
});
