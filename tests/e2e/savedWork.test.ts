import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launchChromium } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function exportText(page: Page): Promise<string> {
  const [d] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  return readFile(await d.path(), "utf8");
}

async function fresh(init?: () => void) {
  const context = await browser.newContext({ acceptDownloads: true });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(inject("baseURL"));
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  return { context, page, errors };
}

test("the work is kept in this browser and restored on reload", async () => {
  const { context, page, errors } = await fresh();
  await page.getByRole("combobox", { name: "Preset" }).selectOption("checkerboard");
  await page.getByRole("button", { name: "Finish sweep" }).click();
  await page.getByRole("button", { name: "Apply update" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await page.getByRole("slider", { name: "Position" }).fill("321");
  const before = await exportText(page);
  await expect
    .poll(() =>
      page.evaluate(
        () => localStorage.getItem("convsweep-saved")?.includes('"position":321') ?? false,
      ),
    )
    .toBe(true);
  await page.reload();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 321 of 900/);
  expect(await exportText(page)).toBe(before);
  expect(errors).toEqual([]);
  await context.close();
});

test("a corrupted saved entry is ignored with a notice, never a crash", async () => {
  const { context, page, errors } = await fresh(() => {
    if (!sessionStorage.getItem("seeded")) {
      sessionStorage.setItem("seeded", "1");
      localStorage.setItem(
        "convsweep-saved",
        '{"format":"convsweep-state","version":1,"image":{"height":2,"width":2,"data":[0,0,0,9',
      );
    }
  });
  await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/saved work was damaged/);
  expect(errors).toEqual([]);
  await context.close();
});

test("storage that refuses to save gives one notice and the app works on", async () => {
  const { context, page, errors } = await fresh(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException("quota", "QuotaExceededError");
    };
  });
  await page.getByRole("button", { name: "Step", exact: true }).click();
  await expect
    .poll(() => page.getByRole("alert").textContent())
    .toMatch(/would not store your work/);
  await page.getByRole("button", { name: "Step", exact: true }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 2 of 900/);
  expect(errors).toEqual([]);
  await context.close();
});
