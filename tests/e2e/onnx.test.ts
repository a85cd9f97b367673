// Save as ONNX and Open model in "Inside a real network": the page's LeNet-5 saved as ONNX
// passes onnx.checker and holds the page's weights to the bit (float64); opened again it is
// the same network; a model PyTorch saved opens with its weights; a file that is not a model,
// or a model of other images, is refused with a message and the network stays as it was.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp, TEST_MS, WAIT_MS } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const scratch = mkdtempSync(join(tmpdir(), "convsweep-onnx-"));
const python = (script: string, ...args: string[]) =>
  execFileSync("/usr/bin/python3", ["-c", script, ...args], { encoding: "utf8" });

async function save(page: Page, button: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: button }).click(),
  ]);
  return (await download.path()) as string;
}

const parameters = (page: Page) =>
  page.locator('[data-quantity="network-parameters"]').textContent();
const message = (page: Page) => page.locator(".network-message").textContent();

test(
  "Save as ONNX, then Open model: checked by onnx, the same weights, refusals that keep the network",
  async () => {
    const { page, errors } = await openApp(browser, { hash: "#view=network" });
    await page.locator("#network-layers").getByLabel("Start from").selectOption("leNet5");
    await expect.poll(() => parameters(page), { timeout: WAIT_MS }).toMatch(/^61,706 /);
    await page.getByLabel("ONNX weights").selectOption("float64");
    const onnxPath = await save(page, "Save as ONNX");
    const filePath = await save(page, "Save network file");
    // onnx.checker accepts it, and its initializers are the page's parameters, in order.
    const checked = python(
      `import json, sys, numpy, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1]); onnx.checker.check_model(m)
doc = json.load(open(sys.argv[2]))
w = numpy.concatenate([numpy_helper.to_array(t).ravel() for t in m.graph.initializer if t.data_type == 11])
print(len(w), bool((w == numpy.array(doc["params"])).all()))`,
      onnxPath,
      filePath,
    );
    expect(checked.trim()).toBe("61706 True");

    // Back to the default network, then Open model: LeNet-5 with those weights, from step 0.
    await page.locator("#network-layers").getByLabel("Start from").selectOption("default");
    await expect.poll(() => parameters(page)).toMatch(/^18,090 /);
    await page.getByLabel("ONNX model to open").setInputFiles(onnxPath);
    await expect.poll(() => parameters(page), { timeout: WAIT_MS }).toMatch(/^61,706 /);
    const [reopened] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Save network file" }).click(),
    ]);
    const before = JSON.parse(readFileSync(filePath, "utf8"));
    const after = JSON.parse(readFileSync((await reopened.path()) as string, "utf8"));
    expect(after.network).toEqual(before.network);
    expect(after.params).toEqual(before.params);
    expect(after.steps).toBe(0);

    // A model PyTorch saved (float32, its own initialisation) opens with its weights.
    const torchModel = join(scratch, "torch.onnx");
    python(
      `import sys, torch
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 5), torch.nn.ReLU(), torch.nn.AvgPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(4 * 14 * 14, 10))
torch.onnx.export(m, torch.zeros(1, 1, 32, 32), sys.argv[1])`,
      torchModel,
    );
    await page.getByLabel("ONNX model to open").setInputFiles(torchModel);
    await expect.poll(() => parameters(page), { timeout: WAIT_MS }).toMatch(/^7,954 /);
    // Its sweep: δ comes down through the average-pool, shared over each window.
    await expect
      .poll(() => page.locator("#network-sweep").getByText("Shared by the average-pool").count(), {
        timeout: WAIT_MS,
      })
      .toBe(1);

    // Refusals: not a model; a model of colour images while the data are the digits. The
    // network stays as it was.
    const junk = join(scratch, "junk.onnx");
    writeFileSync(junk, "this is not a model");
    await page.getByLabel("ONNX model to open").setInputFiles(junk);
    await expect
      .poll(() => message(page), { timeout: WAIT_MS })
      .toMatch(/^That model cannot be opened: /);
    const colour = join(scratch, "colour.onnx");
    python(
      `import sys, torch
m = torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3), torch.nn.Flatten(), torch.nn.Linear(2 * 30 * 30, 10))
torch.onnx.export(m, torch.zeros(1, 3, 32, 32), sys.argv[1])`,
      colour,
    );
    await page.getByLabel("ONNX model to open").setInputFiles(colour);
    await expect
      .poll(() => message(page), { timeout: WAIT_MS })
      .toMatch(/the network reads 3x32x32 images; the digits can be read as 1x32x32 or 1x28x28/);
    expect(await parameters(page)).toMatch(/^7,954 /);

    // A model made for MNIST's own 28x28 opens: it reads the digits without their padding.
    const small = join(scratch, "small.onnx");
    python(
      `import sys, torch
m = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.Flatten(), torch.nn.Linear(2 * 26 * 26, 10))
torch.onnx.export(m, torch.zeros(1, 1, 28, 28), sys.argv[1])`,
      small,
    );
    await page.getByLabel("ONNX model to open").setInputFiles(small);
    await expect.poll(() => parameters(page), { timeout: WAIT_MS }).toMatch(/^13,550 /);
    await expect
      .poll(() => page.locator("#network-layers .layer-input").textContent(), { timeout: WAIT_MS })
      .toMatch(/1x28x28 \(a digit, unpadded\)/);
    // Its sweep is of a 28x28 digit: 26x26 positions.
    await expect
      .poll(
        () =>
          page
            .locator("#network-sweep")
            .getByText(/676 positions/)
            .count(),
        {
          timeout: WAIT_MS,
        },
      )
      .toBeGreaterThan(0);
    expect(errors).toEqual([]);
  },
  2 * TEST_MS,
);
