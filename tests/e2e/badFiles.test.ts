import { mkdtempSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";

// Files for the page to open, in a folder of this run's own: suites running side by side on
// one machine must not rewrite each other's files while a browser reads them.
const scratch = mkdtempSync(join(tmpdir(), "convsweep-bad-files-"));

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

/** Chooses a file through the button's file chooser. */
async function choose(
  page: Page,
  button: string,
  name: string,
  mimeType: string,
  buffer: Buffer,
): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: button }).click(),
  ]);
  if (buffer.length > 40 * 1024 * 1024) {
    // Playwright passes large files by path only.
    const path = join(scratch, name);
    await writeFile(path, buffer);
    await chooser.setFiles(path);
  } else {
    await chooser.setFiles({ name, mimeType, buffer });
  }
}

async function ready(page: Page) {
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
}

test("bad state files give a message naming the problem and change nothing", async () => {
  const { page, errors } = await openApp(browser);
  await ready(page);
  await page.getByRole("slider", { name: "Position" }).fill("77");
  const before = await exportText(page);
  const doc = JSON.parse(before);
  const cases: [string, string | Buffer, RegExp][] = [
    ["not JSON", "hello, world", /not JSON/],
    ["another format", JSON.stringify({ ...doc, format: "something-else" }), /"format"/],
    ["another version", JSON.stringify({ ...doc, version: 99 }), /version/],
    [
      "shapes disagree",
      JSON.stringify({ ...doc, kernel: { height: 3, width: 3, data: [1, 2, 3] } }),
      /kernel/,
    ],
    ["NaN", before.replace(/"bias":[^,]+/, '"bias":NaN'), /not JSON/],
    ["a string for a number", JSON.stringify({ ...doc, learningRate: "fast" }), /learningRate/],
    ["Infinity as a huge literal", before.replace(/"bias":[^,]+/, '"bias":1e999'), /bias/],
    [
      "values out of range",
      JSON.stringify({ ...doc, image: { ...doc.image, data: doc.image.data.map(() => -1) } }),
      /0 to 1/,
    ],
    ["50 MB", Buffer.alloc(50 * 1024 * 1024, 32), /at most 5 MB/],
  ];
  for (const [what, content, message] of cases) {
    await choose(
      page,
      "Import",
      `${what}.json`,
      "application/json",
      Buffer.isBuffer(content) ? content : Buffer.from(content),
    );
    await page.getByRole("alert").filter({ hasText: message }).waitFor();
    expect(await exportText(page), what).toBe(before);
    await page.getByRole("button", { name: "Dismiss message" }).click();
  }
  expect(errors).toEqual([]);
});

// How fast each answer comes is bench:page's to measure (`--only=files`); here, that it comes,
// is right, and that the page goes on answering (Export after each is a click it must take).
test("bad or huge images give a message or a correct 32x32 result", async () => {
  const { page, errors } = await openApp(browser);
  await ready(page);
  const before = await exportText(page);
  // Not an image, and an empty file: a message, the image unchanged.
  for (const [name, content, message] of [
    ["words.png", Buffer.from("not an image at all"), /could not decode/],
    ["empty.png", Buffer.alloc(0), /empty/],
  ] as const) {
    await choose(page, "Open image file", name, "image/png", content);
    await page.getByRole("alert").filter({ hasText: message }).waitFor();
    expect(JSON.parse(await exportText(page)).image).toEqual(JSON.parse(before).image);
    await page.getByRole("button", { name: "Dismiss message" }).click();
  }
  // An SVG that claims an enormous size: scaled down, white on the right half.
  const huge = `<svg xmlns="http://www.w3.org/2000/svg" width="1000000" height="1000000" viewBox="0 0 2 2"><rect width="2" height="2" fill="black"/><rect x="1" width="1" height="2" fill="white"/></svg>`;
  await choose(page, "Open image file", "huge.svg", "image/svg+xml", Buffer.from(huge));
  await page.getByText(/Opened huge\.svg/).waitFor();
  const fromSvg = JSON.parse(await exportText(page)).image.data as number[];
  expect(fromSvg[5 * 32 + 2]).toBe(0);
  expect(fromSvg[5 * 32 + 29]).toBe(1);
  // A 10,000 x 10,000 PNG made in the page: decoded and scaled.
  const png = await page.evaluate(async () => {
    const c = new OffscreenCanvas(10000, 10000);
    const ctx = c.getContext("2d");
    if (ctx === null) throw new Error("no 2d context");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 10000, 10000);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, 5000, 10000);
    const blob = await c.convertToBlob({ type: "image/png" });
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  await choose(page, "Open image file", "big.png", "image/png", Buffer.from(png));
  await page.getByText(/Opened big\.png/).waitFor();
  const fromPng = JSON.parse(await exportText(page)).image.data as number[];
  expect(fromPng[16 * 32 + 3]).toBe(0);
  expect(fromPng[16 * 32 + 28]).toBe(1);
  expect(errors).toEqual([]);
});
