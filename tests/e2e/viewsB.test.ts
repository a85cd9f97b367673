// The gradient check, sum-or-mean and untied views in the built app, in Chromium: every
// number they show is checked against the engine run here on the exported state.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  gradientCheck,
  type Reduction,
  squaredErrorGrad,
} from "../../src/engine/index";
import { type AppPage, launchChromium, openApp } from "./browser";
import { type GridJson, gridOf as grid } from "./invariants";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface StateJson {
  image: GridJson;
  kernel: GridJson;
  bias: number;
  target: GridJson;
  options: { stride: number; padding: number; dilation: number };
  loss: { reduction: Reduction };
  learningRate: number;
  updates: number;
}

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** axe-core's WCAG 2.1 A/AA and best-practice violations inside these three views. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<unknown> } }).axe.run(
      { include: [["#gradient-check"], ["#reduction"], ["#untied"]] },
      {
        runOnly: {
          type: "tag",
          values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
        },
      },
    ),
  )) as { violations: { id: string; nodes: { target: string[] }[] }[] };
  return result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}

async function ready(app: AppPage): Promise<Page> {
  const { page } = app;
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await expect
    .poll(() => page.getByRole("button", { name: "Step", exact: true }).isEnabled())
    .toBe(true);
  // The views load once the page is idle after its first sweep (src/app/LazyViews.tsx).
  await page.locator("#formula").waitFor();
  return page;
}

async function exportState(page: Page): Promise<StateJson> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  return JSON.parse(await readFile(await download.path(), "utf8")) as StateJson;
}

/** The exact value a number element carries in its title ("−" read as a minus sign). */
async function exact(locator: Locator): Promise<number> {
  const title = await locator.getAttribute("title");
  expect(title).not.toBeNull();
  return Number((title as string).replace("−", "-").replace(/^\[\d+\]\[\d+\] = /, ""));
}

/** The exact values of a NumberGrid, row-major, from its cells' titles. */
async function gridValues(table: Locator): Promise<number[]> {
  const cells = table.locator("td");
  const values: number[] = [];
  for (let i = 0; i < (await cells.count()); i++) values.push(await exact(cells.nth(i)));
  return values;
}

describe("the views of issue 5 in Chromium", () => {
  test("the gradient check: the summed gradient is the derivative, to rounding", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.locator("#gradient-check");
    await expect.poll(() => panel.getByText("Not checked yet.").count()).toBe(1);
    await panel.getByRole("button", { name: "Check the gradient" }).click();
    const verdict = panel.locator(".gc-verdict");
    await expect
      .poll(() => verdict.textContent())
      .toMatch(/^Max relative error .*: adding the 900 contributions is the derivative\.$/);
    expect(await verdict.getAttribute("aria-live")).toBe("polite");

    const state = await exportState(page);
    const expected = gradientCheck(
      {
        input: grid(state.image),
        target: grid(state.target),
        options: state.options,
        reduction: state.loss.reduction,
      },
      { kernel: grid(state.kernel), bias: state.bias },
      1e-4,
    );
    const rows = panel.locator("tbody tr");
    expect(await rows.count()).toBe(10);
    for (let i = 0; i < 10; i++) {
      const cells = rows.nth(i).locator("td span");
      const analytic = await exact(cells.nth(0));
      const numeric = await exact(cells.nth(1));
      const relative = await exact(cells.nth(2));
      const engineAnalytic = i < 9 ? expected.kernelGrad.data[i] : expected.biasGrad;
      const engineNumeric = i < 9 ? expected.numericKernelGrad.data[i] : expected.numericBiasGrad;
      expect(analytic).toBe(engineAnalytic);
      expect(numeric).toBe(engineNumeric);
      expect(relative).toBeLessThan(1e-7);
    }
    expect(expected.maxRelativeError).toBeLessThan(1e-7);
    // The same Σ as conv2dBackward's.
    const backward = conv2dBackward(
      grid(state.image),
      grid(state.kernel),
      squaredErrorGrad(
        conv2d(grid(state.image), grid(state.kernel), state.bias, state.options),
        grid(state.target),
        state.loss.reduction,
      ),
      state.options,
    );
    expect(Array.from(expected.kernelGrad.data)).toEqual(Array.from(backward.kernelGrad.data));

    // Forward differences carry an O(ε) error, and the verdict says whose error it is.
    await panel.getByLabel("Differences").selectOption("forward");
    await expect.poll(() => verdict.textContent()).toMatch(/forward difference is off by/);
    // A new ε re-runs the check by itself.
    await panel.getByLabel("Differences").selectOption("central");
    await panel.getByLabel("ε").selectOption({ label: "1e−2" });
    await expect.poll(() => panel.locator("thead").textContent()).toMatch(/ε = 1e−2/);
    await expect.poll(() => verdict.textContent()).toMatch(/is the derivative/);
    expect(app.errors).toEqual([]);
  });

  test("sum or mean: mean = sum / N entry by entry, and η/N on the sum is η on the mean", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.locator("#reduction");
    await expect.poll(() => panel.locator("#reduction-n strong").textContent()).toBe("900");
    const state = await exportState(page);
    const image = grid(state.image);
    const kernel = grid(state.kernel);
    const out = conv2d(image, kernel, state.bias, state.options);
    const gradOf = (reduction: Reduction) =>
      conv2dBackward(image, kernel, squaredErrorGrad(out, grid(state.target), reduction))
        .kernelGrad;
    const sum = await gridValues(
      panel.getByRole("table", { name: "Kernel gradient with the sum reduction" }),
    );
    const mean = await gridValues(
      panel.getByRole("table", { name: "Kernel gradient with the mean reduction" }),
    );
    expect(sum).toEqual(Array.from(gradOf("sum").data));
    expect(mean).toEqual(Array.from(gradOf("mean").data));
    const ratio = await gridValues(
      panel.getByRole("table", { name: "Sum gradient divided by mean gradient" }),
    );
    for (let t = 0; t < 9; t++) {
      expect(Math.abs((mean[t] as number) - (sum[t] as number) / 900)).toBeLessThan(
        1e-12 * Math.abs((sum[t] as number) / 900),
      );
      expect(ratio[t]).toBeCloseTo(900, 9);
    }
    expect(await exact(panel.locator("#reduction-mean-vs-sum strong span"))).toBeLessThan(1e-12);
    const afterSum = await gridValues(
      panel.getByRole("table", {
        name: "Kernel after one update with the sum and learning rate eta over N",
      }),
    );
    const afterMean = await gridValues(
      panel.getByRole("table", {
        name: "Kernel after one update with the mean and learning rate eta",
      }),
    );
    for (let t = 0; t < 9; t++) {
      expect(Math.abs((afterSum[t] as number) - (afterMean[t] as number))).toBeLessThan(1e-15);
    }
    expect(await exact(panel.locator("#reduction-update-difference strong span"))).toBeLessThan(
      1e-15,
    );

    // The control here switches the app's loss; the Training panel follows.
    await panel.getByRole("radio", { name: "mean" }).check();
    await expect
      .poll(async () => (await exportState(page)).loss.reduction, { timeout: 10_000 })
      .toBe("mean");
    const lossSelect = page
      .locator("#training select")
      .filter({ has: page.locator('option[value="mean"]') });
    expect(await lossSelect.inputValue()).toBe("mean");
    expect(app.errors).toEqual([]);
  });

  test("untied: 9,000 parameters memorise the image; on a shifted copy the shared filter wins", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.locator("#untied");
    expect(await panel.locator("#untied-count-shared").textContent()).toBe("10");
    expect(await panel.locator("#untied-count-untied").textContent()).toBe("9,000");
    await expect
      .poll(() => panel.locator(".untied-counts").textContent())
      .toMatch(/900 × 9 = 8,100 weights \+ 900 biases = 9,000 parameters/);
    const before = await exportState(page);

    // A long comparison never blocks the page: the sweep still steps while it trains.
    await panel.getByRole("combobox", { name: /^Steps/ }).selectOption("2000");
    await panel.getByRole("button", { name: "Compare shared and untied" }).click();
    await page.getByRole("button", { name: "Step", exact: true }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 1 of 900/);
    // Back to 200 steps: the running comparison is superseded and starts again.
    await panel.getByRole("combobox", { name: /^Steps/ }).selectOption("200");
    const shiftedUntied = panel.locator("#untied-loss-shifted-untied");
    await shiftedUntied.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => panel.locator(".untied-status").textContent())
      .toMatch(/^Done: 200 steps each/);

    const value = async (id: string) =>
      Number(await panel.locator(`#${id}`).getAttribute("data-value"));
    const trainShared = await value("untied-loss-train-shared");
    const trainUntied = await value("untied-loss-train-untied");
    const shiftedShared = await value("untied-loss-shifted-shared");
    const shiftedLoss = await value("untied-loss-shifted-untied");
    for (const v of [trainShared, trainUntied, shiftedShared, shiftedLoss]) {
      expect(Number.isFinite(v)).toBe(true);
    }
    // Memorised: the untied layer fits its training image (almost) exactly…
    expect(trainUntied).toBeLessThan(1e-6);
    expect(trainUntied).toBeLessThan(trainShared);
    // …but on the shifted copy its loss is far above the shared filter's.
    expect(shiftedLoss).toBeGreaterThan(10 * shiftedShared);
    expect(await panel.textContent()).toMatch(/untied layer's loss is [\d.]+× the shared filter's/);
    expect(await panel.textContent()).not.toMatch(/NaN/);

    // Both output maps on the shifted image are drawn, and the mosaic has a legend.
    for (const name of [
      "Shifted image",
      "Target on the shifted image",
      "Shared filter's output on the shifted image",
      "Untied layer's output on the shifted image",
    ]) {
      expect(await panel.getByRole("img", { name, exact: true }).count()).toBe(1);
    }
    await expect
      .poll(() => panel.getByRole("img", { name: /untied weights colour scale/ }).count())
      .toBe(1);
    // The mosaic is keyboard-driven: arrows choose whose filter is shown.
    const mosaic = panel.getByRole("img", { name: /The 900 untied filters/ });
    await mosaic.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => panel.getByText("Position (16, 16)'s filter").count()).toBe(1);
    // The keys stayed in the mosaic: the sweep did not step.
    expect(await page.getByRole("status").textContent()).toMatch(/Position 1 of 900/);

    // The app's own filter, training and status were left alone.
    const after = await exportState(page);
    expect(after.kernel).toEqual(before.kernel);
    expect(after.updates).toBe(0);
    expect(await page.getByRole("status").count()).toBe(1);
    expect(app.errors).toEqual([]);
  });

  test.each(["light", "dark"] as const)(
    "axe finds no violation in the three views, filled in, in the %s theme",
    async (colorScheme) => {
      // axe is injected as an inline script, which the page's Content-Security-Policy forbids.
      const app = await openApp(browser, { colorScheme, bypassCSP: true });
      const page = await ready(app);
      await page.getByRole("button", { name: "Check the gradient" }).click();
      await page.getByRole("button", { name: "Compare shared and untied" }).click();
      await page.locator("#untied-loss-shifted-untied").waitFor({ timeout: 60_000 });
      await page.locator("#reduction-n").waitFor();
      await expect.poll(() => page.locator(".gc-verdict").textContent()).toMatch(/Max relative/);
      expect(await axeViolations(page)).toEqual([]);
      expect(app.errors).toEqual([]);
    },
  );
});
