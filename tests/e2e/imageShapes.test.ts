// Image files and presets on images of any shape, a file cut short, and the running sum's
// words for any kernel size.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { conv2d, createGrid, type Grid } from "../../src/engine/index";
import { pngFile } from "../unit/app/imageFiles";
import { launchChromium, openApp } from "./browser";
import { exportDoc, type GridJson, type StateDoc } from "./invariants";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function choose(page: Page, button: string, name: string, mimeType: string, buffer: Buffer) {
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: button }).click(),
  ]);
  await chooser.setFiles({ name, mimeType, buffer });
}

const json = (g: Grid): GridJson => ({
  height: g.height,
  width: g.width,
  data: Array.from(g.data),
});

/**
 * A state file at position 0 (so the sums are zero) with this image and kernel, the target
 * made by `targetKernel`; everything else as in `base`.
 */
function stateFile(base: StateDoc, image: Grid, kernel: Grid, targetKernel: Grid): Buffer {
  const target = conv2d(image, targetKernel, 0, base.options);
  const doc = {
    ...base,
    image: json(image),
    kernel: json(kernel),
    bias: 0,
    target: json(target),
    targetKernel: json(targetKernel),
    position: 0,
    sums: {
      kernelGrad: json(createGrid(kernel.height, kernel.width)),
      biasGrad: 0,
      inputGrad: json(createGrid(image.height, image.width)),
    },
  };
  return Buffer.from(JSON.stringify(doc));
}

/** Opens the app and imports a state with this image and kernel; waits until it is swept. */
async function withState(image: Grid, kernel: Grid): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  const base = await exportDoc(page);
  const target = createGrid(kernel.height, kernel.width, new Float64Array(kernel.data.length));
  target.data[0] = 1;
  await choose(
    page,
    "Import",
    "state.json",
    "application/json",
    stateFile(base, image, kernel, target),
  );
  await page.getByText("State imported.").waitFor();
  const positions = (image.height - kernel.height + 1) * (image.width - kernel.width + 1);
  await expect
    .poll(() => page.getByRole("status").textContent())
    .toBe(`Position 0 of ${positions}`);
  await page.getByRole("button", { name: "Dismiss message" }).click();
  return { page, errors };
}

/** A 2-row, 64-column image, a ramp, and a 1x1 kernel: the smallest the engine takes. */
function twoBySixtyFour(): [Grid, Grid] {
  const image = createGrid(2, 64);
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i % 64) / 63;
  return [image, createGrid(1, 1, Float64Array.from([0.5]))];
}

test("an image file opened on a 2x64 image makes a 2x64 image, centre-cropped, and says 2x64", async () => {
  const { page, errors } = await withState(...twoBySixtyFour());
  // 40 rows by 64 columns: the centre 2 rows (19 and 20) are black on the left half and white
  // on the right; every other row is the other way round, so a wrong crop shows.
  // The hint by the button says so before the file is chosen.
  expect(await page.locator("#open-image-hint").textContent()).toMatch(/image's size, 2x64/);
  const png = pngFile(40, 64, (r, c) => ((r === 19 || r === 20) === c < 32 ? 0 : 255));
  await choose(page, "Open image file", "wide.png", "image/png", png);
  // The app writes sizes as height x width ("Position 0 of 128" is 2 rows of 64).
  const opened = page.getByText(/Opened wide\.png as a/);
  await opened.waitFor();
  expect(await opened.textContent()).toMatch(/^Opened wide\.png as a 2x64 grayscale image\./);
  const doc = await exportDoc(page);
  expect([doc.image.height, doc.image.width]).toEqual([2, 64]);
  for (const r of [0, 1]) {
    expect(doc.image.data[r * 64 + 3]).toBeLessThan(0.05);
    expect(doc.image.data[r * 64 + 60]).toBeGreaterThan(0.95);
  }
  expect(errors).toEqual([]);
});

test("a preset on a 2x64 image keeps the image 2x64", async () => {
  const { page, errors } = await withState(...twoBySixtyFour());
  for (const preset of ["Checkerboard", "Digit 2", "Edge", "Gradient"]) {
    await page.getByRole("combobox", { name: "Preset" }).selectOption({ label: preset });
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Position 0 of 128");
    const doc = await exportDoc(page);
    expect([doc.image.height, doc.image.width], preset).toEqual([2, 64]);
    expect(new Set(doc.image.data).size, preset).toBeGreaterThan(1);
  }
  expect(errors).toEqual([]);
});

test("a PNG cut short is refused with a message and the image is kept", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  const before = await exportDoc(page);
  const whole = pngFile(64, 64, (r, c) => (r * 64 + c) % 251);
  await choose(
    page,
    "Open image file",
    "half.png",
    "image/png",
    whole.subarray(0, whole.length / 2),
  );
  await page
    .getByRole("alert")
    .filter({ hasText: /Could not open half\.png: .*cut short.*The image was not changed\./ })
    .waitFor();
  expect((await exportDoc(page)).image).toEqual(before.image);
  // The same file whole opens.
  await page.getByRole("button", { name: "Dismiss message" }).click();
  await choose(page, "Open image file", "whole.png", "image/png", whole);
  await page.getByText("Opened whole.png as a 32x32 grayscale image.").waitFor();
  expect((await exportDoc(page)).image).not.toEqual(before.image);
  expect(errors).toEqual([]);
});

test("with a 5x5 kernel the running sum and the tour speak of a 5x5 buffer", async () => {
  const image = createGrid(32, 32);
  for (let i = 0; i < image.data.length; i++) image.data[i] = ((i * 37) % 100) / 100;
  const kernel = createGrid(
    5,
    5,
    Float64Array.from({ length: 25 }, (_, i) => (i - 12) / 50),
  );
  const { page, errors } = await withState(image, kernel);
  const runningSum = page.locator("#running-sum .lead");
  await expect.poll(() => runningSum.textContent()).toMatch(/same 5x5 buffer\. 0 of 784 positions/);
  // The tour's third tip (it follows the person: the import changed the image, three steps).
  const step = page.getByRole("button", { name: "Step", exact: true });
  for (let i = 0; i < 3; i++) await step.click();
  const tour = page.getByRole("region", { name: "Getting started" });
  await expect.poll(() => tour.textContent()).toMatch(/shared 5x5 buffer.*add all 784\./);
  expect(await page.locator("body").textContent()).not.toMatch(/3x3/);
  expect(errors).toEqual([]);
});
