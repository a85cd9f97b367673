import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";

// Files for the page to open, in a folder of this run's own: suites running side by side on
// one machine must not rewrite each other's files while a browser reads them.
const scratch = mkdtempSync(join(tmpdir(), "convsweep-image-file-"));

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function openImage(page: Page, name: string, content: string): Promise<void> {
  const path = join(scratch, name);
  await writeFile(path, content);
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: "Open image file" }).click(),
  ]);
  await chooser.setFiles(path);
}

async function imageData(page: Page): Promise<number[]> {
  return page.getByRole("img", { name: "Input image" }).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const px = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? [];
    const out: number[] = [];
    for (let i = 0; i < px.length; i += 4) out.push(px[i] as number);
    return out;
  });
}

test("an image file is centre-cropped, scaled to 32x32 and made grayscale", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/of 900/);
  // 200x100: the centre square is x 50..150; its left half black, right half white.
  // Outside the crop the colours are inverted, so a wrong crop shows.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">
    <rect width="100" height="100" fill="white"/><rect x="50" width="50" height="100" fill="black"/>
    <rect x="100" width="100" height="100" fill="#ffffff"/><rect x="150" width="50" height="100" fill="black"/></svg>`;
  await openImage(page, "halves.svg", svg);
  await expect.poll(async () => (await imageData(page))[0]).toBe(0);
  const data = await imageData(page);
  for (let r = 0; r < 32; r++) {
    expect(data[r * 32 + 2]).toBe(0);
    expect(data[r * 32 + 29]).toBe(255);
  }
  expect(errors).toEqual([]);
});

test("a file that is not an image gives a message and keeps the image", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/of 900/);
  const before = await imageData(page);
  await openImage(page, "not-an-image.png", "this is text, not a PNG");
  await expect
    .poll(() => page.getByRole("alert").textContent())
    .toMatch(/Could not open not-an-image\.png/);
  expect(await imageData(page)).toEqual(before);
  expect(errors).toEqual([]);
});
