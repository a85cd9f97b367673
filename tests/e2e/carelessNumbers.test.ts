import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AppPage, launchChromium, openApp } from "./browser";
import { exportDoc } from "./invariants";

// Numbers a person types carelessly are refused with a message in words, the field keeps the
// text, and the state keeps the number it had.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The app, its first sweep shown. */
async function ready(): Promise<AppPage> {
  const app = await openApp(browser);
  await expect.poll(() => app.page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  return app;
}

/** The text of the message a field points to with aria-describedby ("" when none). */
async function messageOf(page: Page, field: Locator): Promise<string> {
  const ids = await field.getAttribute("aria-describedby");
  if (ids === null) return "";
  const texts = await Promise.all(
    ids.split(" ").map((id) => page.locator(`[id="${id}"]`).textContent()),
  );
  return texts.join(" ").trim();
}

/** Text that is not a decimal number, or not one the app can hold. */
const CARELESS = ["", " ", "1e-400", "0x10", "0b11", "Infinity", "NaN", "1e400", "abc", "1,000"];

/** Words a person should never be shown: code names, and NaN other than as the text typed. */
const CODE_WORDS = /learningRate|targetKernel|got NaN|must be a finite number|undefined/;

test("a careless learning rate is refused with a message, and the rate kept", async () => {
  const { page, errors } = await ready();
  const before = (await exportDoc(page)).learningRate;
  const lr = page.getByRole("textbox", { name: /Learning rate/ });
  for (const text of CARELESS) {
    await lr.fill(text);
    await lr.press("Enter");
    await lr.blur();
    const message = await messageOf(page, lr);
    expect(message, text).toMatch(/^(Type a number for the learning rate\.|The learning rate \(")/);
    expect(message, text).not.toMatch(CODE_WORDS);
    expect(await lr.getAttribute("aria-invalid"), text).toBe("true");
    // The person's text is still there to fix.
    expect(await lr.inputValue(), text).toBe(text);
    expect((await exportDoc(page)).learningRate, text).toBe(before);
    expect(await page.locator("body").textContent(), text).not.toMatch(CODE_WORDS);
  }
  expect(errors).toEqual([]);
});

test("a comma as the decimal point is read as one, and the message goes", async () => {
  const { page, errors } = await ready();
  const lr = page.getByRole("textbox", { name: /Learning rate/ });
  await lr.fill("0x10");
  expect(await messageOf(page, lr)).not.toBe("");
  await lr.fill("0,0005");
  await lr.press("Enter");
  expect((await exportDoc(page)).learningRate).toBe(0.0005);
  expect(await messageOf(page, lr)).toBe("");
  expect(await lr.getAttribute("aria-invalid")).toBe("false");
  expect(await lr.inputValue()).toBe("0.0005");
  expect(errors).toEqual([]);
});

test("a careless target filter cell is refused with a message, and the filter kept", async () => {
  const { page, errors } = await ready();
  const before = (await exportDoc(page)).targetKernel;
  const cell = page.getByRole("textbox", { name: "Target filter row 0 column 2" });
  for (const text of CARELESS) {
    await cell.fill(text);
    await cell.press("Enter");
    await cell.blur();
    const message = await messageOf(page, cell);
    expect(message, text).toMatch(
      /^(Type a number for the target filter's row 0, column 2\.|The target filter's row 0, column 2 \(")/,
    );
    expect(message, text).not.toMatch(CODE_WORDS);
    expect(await cell.getAttribute("aria-invalid"), text).toBe("true");
    expect(await cell.inputValue(), text).toBe(text);
    expect((await exportDoc(page)).targetKernel, text).toEqual(before);
  }
  expect(errors).toEqual([]);
});

test("a target filter cell of 1,5 is read as 1.5", async () => {
  const { page, errors } = await ready();
  const cell = page.getByRole("textbox", { name: "Target filter row 0 column 2" });
  await cell.fill("1,5");
  await cell.press("Enter");
  await expect.poll(async () => (await exportDoc(page)).targetKernel?.data[2]).toBe(1.5);
  expect(await messageOf(page, cell)).toBe("");
  expect(errors).toEqual([]);
});

test("Steps refuses a number of steps that is not a whole number from 1 to 100000", async () => {
  const { page, errors } = await ready();
  const steps = page.getByRole("spinbutton", { name: "Steps" });
  await steps.fill("250");
  for (const text of ["", "2.5", "0", "1e9"]) {
    await steps.fill(text);
    await steps.press("Tab");
    const message = await messageOf(page, steps);
    expect(message).toMatch(/number of steps/);
    expect(await steps.getAttribute("aria-invalid")).toBe("true");
    expect(await steps.inputValue()).toBe(text);
  }
  // Train runs the last good number of steps.
  await page.getByRole("button", { name: "Train", exact: true }).click();
  await expect.poll(() => page.getByText(/over 250 updates\./).count()).toBe(1);
  expect(errors).toEqual([]);
});
