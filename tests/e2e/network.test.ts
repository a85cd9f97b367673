// "Inside a real network": open the section, train in the worker until the held-out
// accuracy passes 90% within a bounded number of steps, draw a digit and see a prediction,
// sweep one filter to its end and check the saved sums against the engine, no console error.
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import {
  createNetwork,
  networkBackward,
  networkForward,
  parseDigits,
} from "../../src/engine/index";
import { networkFilterSweep } from "../../src/engine/net/filterSweep";
import { launchChromium, openApp, TEST_MS, WAIT_MS } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Steps within which the default network must pass 90% (it does at about 150–200). */
const STEP_LIMIT = 600;

const number = async (page: Page, quantity: string) =>
  Number(await page.locator(`[data-quantity="${quantity}"]`).first().getAttribute("data-value"));

const steps = async (page: Page) =>
  Number(
    ((await page.locator('[data-quantity="network-steps"]').textContent()) ?? "").replace(
      /\D/g,
      "",
    ),
  );

test(
  "train past 90% in bounded steps, draw a digit, sweep a filter to the engine's exact sums",
  async () => {
    const { page, errors } = await openApp(browser, { hash: "#view=network" });
    const section = page.locator("#network");
    await expect
      .poll(() => page.getByRole("heading", { name: "Inside a real network" }).count())
      .toBe(1);
    await expect.poll(() => section.getByText("Test accuracy —").count()).toBe(1);
    expect(
      await section.getByText(/8,000 training digits and 2,000 held-out test digits/).count(),
    ).toBe(1);
    expect(await section.getByText(/MIT licence/).count()).toBe(1);

    // Train until the held-out accuracy passes 90%, then pause: it must take ≤ STEP_LIMIT steps.
    await page.getByRole("button", { name: "Train network" }).click();
    await expect
      .poll(
        async () => (await number(page, "test-accuracy")) > 0.9 || (await steps(page)) > STEP_LIMIT,
        {
          timeout: 4 * WAIT_MS,
          interval: 250,
        },
      )
      .toBe(true);
    await page.getByRole("button", { name: "Pause network" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Train network" }).count()).toBe(1);
    const accuracy = await number(page, "test-accuracy");
    const taken = await steps(page);
    expect(accuracy).toBeGreaterThan(0.9);
    expect(taken).toBeLessThanOrEqual(STEP_LIMIT + 100);
    expect(await section.getByText(/Test accuracy \d+\.\d%/).count()).toBe(1);
    // The default: one worker per core but one, which the page keeps.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(Number(await page.getByLabel("Workers (share each batch)").inputValue())).toBe(
      Math.min(8, Math.max(1, cores - 1)),
    );
    // Two workers (the training worker and a helper it starts) share the next batches: both
    // sum some of each batch of 64, and the section says how many each summed.
    const workersField = page.getByLabel("Workers (share each batch)");
    await workersField.fill("2");
    await workersField.press("Enter");
    const before = await steps(page);
    await page.getByRole("button", { name: "Train network" }).click();
    await expect.poll(() => steps(page)).toBeGreaterThan(before + 20);
    await page.getByRole("button", { name: "Pause network" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Train network" }).count()).toBe(1);
    const shares = page.locator('[data-quantity="network-shares"]');
    expect(await shares.textContent()).toMatch(
      /^2 workers summed \d+ and \d+ images; one gradient\.$/,
    );
    const stepsTrained = await steps(page);

    // Draw a "1": a vertical stroke down the middle.
    const canvas = page.getByRole("img", { name: "Draw a digit" });
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (box === null) throw new Error("no canvas");
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) {
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.2 + (0.6 * i) / 12));
    }
    await page.mouse.up();
    await expect
      .poll(() => page.locator('[data-quantity="prediction"]').textContent())
      .toMatch(/The network says \d/);
    const probabilities = await Promise.all(
      Array.from({ length: 10 }, (_, d) => number(page, `probability-${d}`)),
    );
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);

    // The sweep of filter 1, layer 1, training image 0: step, then all positions.
    await expect.poll(() => section.getByText(/\d+ of 900 positions contribute/).count()).toBe(1);
    await page.getByRole("button", { name: "Next contributing position" }).click();
    await page.getByRole("button", { name: "All positions" }).click();
    await expect
      .poll(() => page.locator('[data-quantity="network-exact"]').textContent())
      .toMatch(/to the last bit/);

    // The saved file's sums are the engine's gradient of that filter for that image, to the bit.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Save network file" }).click(),
    ]);
    const doc = JSON.parse(readFileSync((await download.path()) as string, "utf8"));
    expect(doc.format).toBe("convsweep-network");
    expect(doc.steps).toBe(stepsTrained);
    expect(doc.sweep.position).toBe(900);
    const bytes = new Uint8Array(
      await (await fetch(`${inject("baseURL")}digits-v1.bin`)).arrayBuffer(),
    );
    const digits = parseDigits(bytes);
    expect(doc.version).toBe(2);
    const net = createNetwork(doc.network);
    const params = Float64Array.from(doc.params);
    const index = doc.sweep.image.index as number;
    const image = new Float64Array(1024);
    for (let i = 0; i < 1024; i++)
      image[i] = (digits.train.pixels[index * 1024 + i] as number) / 255;
    const label = digits.train.labels[index] as number;
    const scale = doc.settings.reduction === "mean" ? 1 / doc.settings.batchSize : 1;
    const { grads } = networkBackward(
      net,
      params,
      networkForward(net, params, image),
      label,
      scale,
    );
    const filter = doc.sweep.filter as number;
    // In the page the sums equal the worker's engine gradient to the bit (checked above: "to the
    // last bit"). Here, in Node, the same engine code runs on another V8, whose Math.exp (the
    // softmax) may differ in the last bit: the sums agree to rounding with both the engine's
    // sweep of that filter and the training step's backward pass.
    expect(doc.sweep.layer).toBe(0);
    const direct = networkFilterSweep(net, params, image, label, scale, 0, filter);
    const trained = grads.subarray(filter * 9, filter * 9 + 9);
    const close = (got: number, want: number) =>
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.abs(want) + 1e-300);
    doc.sweep.sums.weightGrad.forEach((v: number, t: number) => {
      close(v, direct.weightGrad[t] as number);
      close(v, trained[t] as number);
    });
    close(doc.sweep.sums.biasGrad, direct.biasGrad);
    expect(doc.sweep.contributing).toBeGreaterThan(0);
    expect(doc.sweep.contributing).toBeLessThan(900);
    expect(errors).toEqual([]);
  },
  2 * TEST_MS,
);
