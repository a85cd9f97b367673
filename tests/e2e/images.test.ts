// Your images in "Inside a real network": a folder of generated colour images (two classes,
// one subfolder each) opened through the folder chooser trains above chance; the colour
// network's first filters have a red, a green and a blue slice, and its sweep shows each
// position's three channels landing in the one filter; Save as ONNX gives a model PyTorch
// runs to the page's numbers; the images survive a reload (IndexedDB), go out and come back
// as a zip, and Clear images removes them. The camera path runs on Chromium's fake camera.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS } from "../../scripts/chromium.mjs";
import { launchChromium, openApp, TEST_MS, WAIT_MS } from "./browser";
import { FOLDER_CLASSES, writeImageFolder } from "./imageFolder";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const scratch = mkdtempSync(join(tmpdir(), "convsweep-images-"));
const folder = writeImageFolder(join(scratch, "photos"));

const counts = (page: Page) => page.locator('[data-quantity="image-set-counts"]').textContent();
const accuracy = async (page: Page) =>
  Number(await page.locator('[data-quantity="test-accuracy"]').first().getAttribute("data-value"));
const steps = async (page: Page) =>
  Number(
    ((await page.locator('[data-quantity="network-steps"]').textContent()) ?? "").replace(
      /\D/g,
      "",
    ),
  );

async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: button, exact: true }).click(),
  ]);
  return (await file.path()) as string;
}

test(
  "a folder of colour images: classes, colour sweep, training above chance, ONNX, reload, zip, clear",
  async () => {
    const { page, errors } = await openApp(browser, { hash: "#view=network" });
    const images = page.locator("#network-images");
    await expect.poll(() => images.count(), { timeout: WAIT_MS }).toBe(1);
    await page.getByLabel("Folder of images to open").setInputFiles(folder);
    await expect
      .poll(() => counts(page), { timeout: WAIT_MS })
      .toBe(
        "2 classes, 60 images at 32x32: 48 for training, 12 held out (80/20 in each class, seeded).",
      );
    expect(await images.getByText("1 file left out").count()).toBe(1);
    expect(await images.getByRole("img", { name: "An image of red" }).count()).toBe(6);
    await expect
      .poll(() => page.locator("#network-layers .layer-input").textContent())
      .toMatch(/3x32x32 \(an image in colour\), 2 classes out/);

    // The sweep of layer 1: the image in colour, and each position's terms for three channels.
    const sweep = page.locator("#network-sweep");
    await expect
      .poll(() => sweep.getByText(/layer 1's input: red, green and blue/).count(), {
        timeout: WAIT_MS,
      })
      .toBe(1);
    await sweep.getByRole("button", { name: "All positions" }).click();
    for (const [c, colour] of ["red", "green", "blue"].entries()) {
      const name = `Running sum, channel ${c + 1} (${colour})`;
      expect(await sweep.getByLabel(name, { exact: true }).count()).toBe(1);
    }
    await expect
      .poll(() => sweep.locator('[data-quantity="network-exact"]').textContent(), {
        timeout: WAIT_MS,
      })
      .toMatch(/to the last bit/);

    // Training on them passes chance (50%) by far.
    await page.getByRole("button", { name: "Train network" }).click();
    await expect
      .poll(async () => (await accuracy(page)) >= 0.9 || (await steps(page)) > 400, {
        timeout: 4 * WAIT_MS,
        interval: 250,
      })
      .toBe(true);
    await page.getByRole("button", { name: "Pause network" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Train network" }).count()).toBe(1);
    expect(await accuracy(page)).toBeGreaterThanOrEqual(0.9);

    // Save as ONNX: onnx.checker accepts it; PyTorch reads 3x32x32 images into 2 classes.
    const model = await download(page, "Save as ONNX");
    const out = execFileSync(
      "/usr/bin/python3",
      [
        "-c",
        `import sys, onnx
m = onnx.load(sys.argv[1]); onnx.checker.check_model(m)
dims = lambda v: [d.dim_value for d in v.type.tensor_type.shape.dim]
print(dims(m.graph.input[0])[1:], dims(m.graph.output[0])[1:])`,
        model,
      ],
      { encoding: "utf8" },
    );
    expect(out.trim()).toBe("[3, 32, 32] [2]");
    // Its weights load into the same torch.nn.Sequential (built from the network file's
    // layers) by name, strictly, and are the page's parameters rounded to float32.
    const file = await download(page, "Save network file");
    const loaded = execFileSync(
      "/usr/bin/python3",
      [
        "-c",
        `import json, sys, numpy, onnx, torch
from onnx import numpy_helper
from torch import nn
doc = json.load(open(sys.argv[2]))
x = torch.zeros(1, *[doc["network"]["input"][k] for k in ("channels", "height", "width")])
layers = []
for l in doc["network"]["layers"]:
    t = l["type"]
    if t == "conv2d": m = nn.Conv2d(x.shape[1], l["filters"], l["kernelSize"], l["stride"], l["padding"], l["dilation"])
    elif t == "relu": m = nn.ReLU()
    elif t == "maxpool2d": m = nn.MaxPool2d(l["size"], l["stride"])
    elif t == "avgpool2d": m = nn.AvgPool2d(l["size"], l["stride"])
    elif t == "flatten": m = nn.Flatten()
    else: m = nn.Linear(x.shape[1], l["units"])
    x = m(x); layers.append(m)
model = nn.Sequential(*layers)
weights = {t.name: torch.tensor(numpy_helper.to_array(t)) for t in onnx.load(sys.argv[1]).graph.initializer}
model.load_state_dict(weights, strict=True)
flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).double().numpy()
print(bool((flat == numpy.array(doc["params"], dtype=numpy.float32).astype(numpy.float64)).all()))`,
        model,
        file,
      ],
      { encoding: "utf8" },
    );
    expect(loaded.trim()).toBe("True");

    // Save images, then a reload: the stored images are offered again.
    const zip = await download(page, "Save images");
    await page.reload();
    await page.locator("#network-images").scrollIntoViewIfNeeded();
    const again = page.getByRole("button", { name: /^Train on your images \(blue, red\)/ });
    await expect.poll(() => again.count(), { timeout: WAIT_MS }).toBe(1);
    await again.click();
    await expect
      .poll(() => counts(page), { timeout: WAIT_MS })
      .toMatch(/^2 classes, 60 images at 32x32: 48 for training, 12 held out/);

    // Clear images: the digits again, nothing stored.
    await page.getByRole("button", { name: "Clear images" }).click();
    await expect.poll(() => counts(page).catch(() => null), { timeout: WAIT_MS }).toBeNull();
    await expect
      .poll(() => page.locator("#network-layers .layer-input").textContent())
      .toMatch(/1x32x32 \(a digit\)/);
    expect(await page.getByRole("button", { name: /^Train on your images/ }).count()).toBe(0);

    // The zip opens as the same images, the same split.
    await page.getByLabel("Image files or a zip to open").setInputFiles(zip);
    await expect
      .poll(() => counts(page), { timeout: WAIT_MS })
      .toMatch(/^2 classes, 60 images at 32x32: 48 for training, 12 held out/);
    expect(errors).toEqual([]);
  },
  3 * TEST_MS,
);

test(
  "pictures from the camera (Chromium's fake camera) become two classes to train on",
  async () => {
    const withCamera = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        ...CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
      ],
      headless: true,
    });
    try {
      const { page, errors } = await openApp(withCamera, { hash: "#view=network" });
      const images = page.locator("#network-images");
      await expect.poll(() => images.count(), { timeout: WAIT_MS }).toBe(1);
      await images.getByRole("button", { name: "Use camera" }).click();
      const take = images.getByRole("button", { name: "Take picture" });
      await expect.poll(() => take.isEnabled(), { timeout: WAIT_MS }).toBe(true);
      const className = images.getByRole("combobox", { name: "Class" });
      await className.fill("left");
      for (let i = 0; i < 3; i++) await take.click();
      await className.fill("right");
      for (let i = 0; i < 3; i++) await take.click();
      await expect
        .poll(() => images.locator('[data-quantity="camera-pictures"]').textContent())
        .toBe("left: 3 · right: 3");
      await images.getByRole("button", { name: "Add 6 pictures to the images" }).click();
      await expect
        .poll(() => counts(page), { timeout: WAIT_MS })
        .toMatch(/^2 classes, 6 images at 32x32: 4 for training, 2 held out/);
      expect(errors).toEqual([]);
    } finally {
      await withCamera.close();
    }
  },
  TEST_MS,
);

test(
  "a browser with no camera allowed: Use camera says why, and the rest works",
  async () => {
    const { page, errors } = await openApp(browser, { hash: "#view=network" });
    const images = page.locator("#network-images");
    await expect.poll(() => images.count(), { timeout: WAIT_MS }).toBe(1);
    await images.getByRole("button", { name: "Use camera" }).click();
    await expect
      .poll(() => images.getByRole("alert").textContent(), { timeout: WAIT_MS })
      .toMatch(/did not allow the camera|No camera was found|offers no camera/);
    expect(await images.getByRole("button", { name: "Take picture" }).isDisabled()).toBe(true);
    await images.getByRole("button", { name: "Close camera" }).click();
    await page.getByLabel("Folder of images to open").setInputFiles(folder);
    await expect
      .poll(() => counts(page), { timeout: WAIT_MS })
      .toMatch(/^2 classes, 60 images at 32x32/);
    expect(errors).toEqual([]);
  },
  TEST_MS,
);

test(
  "a zip dropped on Your images opens as the images (the page's own drop handler never sees it)",
  async () => {
    const { page, errors } = await openApp(browser, { hash: "#view=network" });
    const images = page.locator("#network-images");
    await expect.poll(() => images.count(), { timeout: WAIT_MS }).toBe(1);
    const files: Record<string, Uint8Array> = {};
    for (const name of Object.keys(FOLDER_CLASSES)) {
      for (const file of readdirSync(join(folder, name))) {
        files[`${name}/${file}`] = readFileSync(join(folder, name, file));
      }
    }
    const zip = Buffer.from(zipSync(files, { level: 0 })).toString("base64");
    const transfer = await page.evaluateHandle((b64) => {
      const data = new DataTransfer();
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], "photos.zip", { type: "application/zip" }));
      return data;
    }, zip);
    await images.locator(".image-drop").dispatchEvent("drop", { dataTransfer: transfer });
    await expect
      .poll(() => counts(page), { timeout: WAIT_MS })
      .toMatch(/^2 classes, 60 images at 32x32: 48 for training, 12 held out/);
    expect(errors).toEqual([]);
  },
  TEST_MS,
);
