import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  sgdUpdate,
  squaredErrorGrad,
} from "../../src/engine/index";
import { shiftImage } from "../../src/state/batchImages";
import { launchChromium, openApp } from "./browser";
import { gridOf as grid } from "./invariants";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function exportState(page: Page) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  return JSON.parse(await readFile(await download.path(), "utf8"));
}

const status = (page: Page) => page.getByRole("status").textContent();

test("stride, padding and dilation change the sweep, and its sums stay the engine's", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
  const options = page.locator("#options");
  await options.getByRole("radio", { name: "2" }).first().check();
  await expect.poll(() => status(page)).toMatch(/Position 0 of 225/);
  await options.getByRole("group", { name: "Padding" }).getByRole("radio", { name: "1" }).check();
  await expect.poll(() => status(page)).toMatch(/Position 0 of 256/);
  // The header's summary counts the positions of the sweep on screen.
  expect(await page.locator("header .tagline").textContent()).toMatch(
    /^One 3x3 filter, 256 positions, one summed gradient\./,
  );
  await options.getByRole("group", { name: "Dilation" }).getByRole("radio", { name: "2" }).check();
  // (32 + 2 − 5) / 2 + 1 = 15 per side.
  await expect.poll(() => status(page)).toMatch(/Position 0 of 225/);
  await page.getByRole("slider", { name: "Position" }).fill("100");
  const doc = await exportState(page);
  expect(doc.options).toEqual({ stride: 2, padding: 1, dilation: 2 });
  const out = conv2d(grid(doc.image), grid(doc.kernel), doc.bias, doc.options);
  const delta = squaredErrorGrad(out, grid(doc.target), "sum");
  // The first 100 positions only: zero the rest of the delta map.
  for (let p = 100; p < delta.data.length; p++) delta.data[p] = 0;
  const grads = conv2dBackward(grid(doc.image), grid(doc.kernel), delta, doc.options);
  expect(doc.sums.kernelGrad.data).toEqual(Array.from(grads.kernelGrad.data));
  expect(doc.sums.inputGrad.data).toEqual(Array.from(grads.inputGrad.data));
  // Stride 3 with no padding leaves cells no position sees.
  await options.getByRole("group", { name: "Dilation" }).getByRole("radio", { name: "1" }).check();
  await options.getByRole("group", { name: "Padding" }).getByRole("radio", { name: "0" }).check();
  await options.getByRole("group", { name: "Stride" }).getByRole("radio", { name: "3" }).check();
  await expect.poll(() => status(page)).toMatch(/Position 0 of 100/);
  await expect.poll(() => options.textContent()).toMatch(/124 of 1024 cells are never seen/);
  expect(errors).toEqual([]);
});

test("a batch of two images: its update is the sum of both images' gradients", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
  const batch = page.locator("#batch");
  await batch.getByRole("combobox", { name: "Images in the batch" }).selectOption("2");
  await expect.poll(() => batch.textContent()).toMatch(/Batch position 0 of 1800/);
  await batch.getByRole("button", { name: "+1 image" }).click();
  await expect
    .poll(() => batch.textContent())
    .toMatch(/Batch position 900 of 1800: image 1, position 900 of 900/);
  await batch.getByRole("button", { name: "Whole batch" }).click();
  await expect.poll(() => batch.textContent()).toMatch(/Batch position 1800 of 1800: image 2/);
  const before = await exportState(page);
  await batch.getByRole("button", { name: "Apply batch update" }).click();
  await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
  const after = await exportState(page);
  const image = grid(before.image);
  const kernel = grid(before.kernel);
  const targetKernel = grid(before.targetKernel);
  const total = new Float64Array(9);
  let bias = 0;
  for (const img of [image, shiftImage(image, 1, 2)]) {
    const target = conv2d(img, targetKernel, 0);
    const g = conv2dBackward(
      img,
      kernel,
      squaredErrorGrad(conv2d(img, kernel, before.bias), target, "sum"),
    );
    g.kernelGrad.data.forEach((v, t) => {
      total[t] = (total[t] as number) + v;
    });
    bias += g.biasGrad;
  }
  const want = sgdUpdate(
    { kernel, bias: before.bias },
    createGrid(3, 3, total),
    bias,
    before.learningRate,
  );
  expect(after.kernel.data).toEqual(Array.from(want.kernel.data));
  expect(after.bias).toBe(want.bias);
  expect(after.updates).toBe(1);
  expect(errors).toEqual([]);
});
