import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function download(
  page: Page,
  click: () => Promise<void>,
): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent("download"), click()]);
  return { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  expect(bytes.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test("a panel saves as a 2x PNG that decodes to its picture", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await page.getByRole("slider", { name: "Position" }).fill("200");
  const panel = page.locator("#running-sum");
  const box = await panel.boundingBox();
  const file = await download(page, () => panel.getByRole("button", { name: "PNG" }).click());
  expect(file.name).toBe("convsweep-running-sum.png");
  const size = pngSize(file.bytes);
  expect(size.width).toBe(Math.round(Math.ceil(box?.width ?? 0) * 2));
  expect(size.height).toBe(Math.round(Math.ceil(box?.height ?? 0) * 2));
  // The browser decodes it, and it is not blank.
  const stats = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext("2d");
    ctx?.drawImage(img, 0, 0);
    const px = ctx?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    const colours = new Set<number>();
    for (let i = 0; i < px.length; i += 4 * 97)
      colours.add(((px[i] as number) << 16) | ((px[i + 1] as number) << 8) | (px[i + 2] as number));
    return { width: img.width, colours: colours.size };
  }, file.bytes.toString("base64"));
  expect(stats.width).toBe(size.width);
  expect(stats.colours).toBeGreaterThan(10);
  expect(errors).toEqual([]);
});

test("the whole figure saves as SVG and as PNG, and the loss curve as CSV", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  const svg = await download(page, () => page.getByRole("button", { name: "Figure SVG" }).click());
  expect(svg.name).toBe("convsweep-figure.svg");
  const text = svg.bytes.toString("utf8");
  expect(text.startsWith("<svg")).toBe(true);
  const parsed = await page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, "image/svg+xml");
    return {
      error: doc.querySelector("parsererror") !== null,
      images: doc.querySelectorAll("img").length,
    };
  }, text);
  expect(parsed.error).toBe(false);
  expect(parsed.images).toBeGreaterThan(3);
  const png = await download(page, () => page.getByRole("button", { name: "Figure PNG" }).click());
  expect(pngSize(png.bytes).width).toBeGreaterThan(1000);

  await page.getByRole("button", { name: "Finish sweep" }).click();
  await page.getByRole("button", { name: "Apply update" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  const csv = await download(page, () => page.getByRole("button", { name: "Loss as CSV" }).click());
  const lines = csv.bytes.toString("utf8").trim().split("\n");
  expect(lines[0]).toBe("update,loss");
  expect(lines.length).toBe(3);
  expect(lines[1]).toMatch(/^0,\d+(\.\d+)?(e[+-]\d+)?$/);
  expect(Number(lines[2]?.split(",")[1])).toBeLessThan(Number(lines[1]?.split(",")[1]));
  expect(errors).toEqual([]);
});
