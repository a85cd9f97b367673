/**
 * The weight-maps, formula and recurrent views in the built app: what they show must be the
 * exported state's numbers and the engine's, to the last bit.
 */
import { readFile } from "node:fs/promises";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  conv2d,
  positionContributions,
  type Reduction,
  recurrentGradients,
  squaredErrorGrad,
} from "../../src/engine/index";
import { type AppPage, launchChromium, openApp } from "./browser";
import { gridOf as grid } from "./invariants";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function ready(app: AppPage): Promise<Page> {
  const { page } = app;
  await expect
    .poll(() => page.getByRole("status").textContent(), { timeout: 20_000 })
    .toMatch(/Position 0 of 900/);
  await expect
    .poll(() => page.getByRole("button", { name: "Step", exact: true }).isEnabled())
    .toBe(true);
  // The views load once the page is idle after its first sweep (src/app/LazyViews.tsx).
  await page.locator("#formula").waitFor();
  return page;
}

async function status(page: Page): Promise<string> {
  return (await page.getByRole("status").textContent()) ?? "";
}

/** Clicks Export and returns the parsed state file. */
async function exportState(page: Page) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  return JSON.parse(await readFile(await download.path(), "utf8"));
}

/** The exact value a number on the page carries in its title ("−" is the display minus). */
async function exactValue(el: Locator): Promise<number> {
  const title = await el.getAttribute("title");
  if (title === null) throw new Error("number without a title");
  const value = Number(title.replace("−", "-"));
  if (!Number.isFinite(value)) throw new Error(`not a number: ${title}`);
  return value;
}

/** Moves the pointer to the centre of cell (row, col) of a map's canvas. */
async function pointAt(canvas: Locator, rows: number, cols: number, row: number, col: number) {
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (box === null) throw new Error("map not on screen");
  const page = canvas.page();
  await page.mouse.move(
    box.x + ((col + 0.5) / cols) * box.width,
    box.y + ((row + 0.5) / rows) * box.height,
  );
}

/** The page-wide promises every view keeps: one status, no NaN, no errors. */
async function expectCleanPage(app: AppPage) {
  expect(await app.page.getByRole("status").count()).toBe(1);
  expect(await app.page.locator("body").textContent()).not.toMatch(/NaN/);
  expect(app.errors).toEqual([]);
}

describe("where each weight's gradient comes from", () => {
  test("pointing at a cell moves the position, enlarges that weight's map, and the sums are the exported ones", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.getByRole("region", { name: "Where each weight's gradient comes from" });
    const map12 = panel.getByRole("button", { name: "Weight w[1][2] gradient map" });
    await pointAt(map12.locator("canvas"), 30, 30, 4, 7);
    await expect.poll(() => status(page)).toMatch(/Position 128 of 900/);
    await expect(
      panel.getByRole("img", { name: "Enlarged gradient map of w[1][2]" }).count(),
    ).resolves.toBe(1);
    expect(await map12.getAttribute("aria-pressed")).toBe("true");

    const map20 = panel.getByRole("button", { name: "Weight w[2][0] gradient map" });
    await pointAt(map20.locator("canvas"), 30, 30, 10, 3);
    await expect.poll(() => status(page)).toMatch(/Position 304 of 900/);
    expect(await panel.getByRole("img", { name: "Enlarged gradient map of w[1][2]" }).count()).toBe(
      0,
    );
    expect(await panel.getByRole("img", { name: "Enlarged gradient map of w[2][0]" }).count()).toBe(
      1,
    );

    // Pointing at the enlarged map moves the position too.
    await pointAt(
      panel.getByRole("img", { name: "Enlarged gradient map of w[2][0]" }),
      30,
      30,
      20,
      29,
    );
    await expect.poll(() => status(page)).toMatch(/Position 630 of 900/);

    // Leave the maps through the sticky controls so no other cell is crossed.
    await page.mouse.move(2, 2);
    const doc = await exportState(page);
    expect(doc.position).toBe(630);
    const sums = await panel.locator(".weight-map-sum .num").all();
    expect(sums.length).toBe(9);
    for (let t = 0; t < 9; t++) {
      expect(await exactValue(sums[t] as Locator), `w tap ${t}`).toBe(doc.sums.kernelGrad.data[t]);
    }
    await expectCleanPage(app);
  });

  test("a focused map moves the position with the arrow keys and is the one enlarged", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.getByRole("region", { name: "Where each weight's gradient comes from" });
    await page.getByRole("slider", { name: "Position" }).fill("100");
    const map01 = panel.getByRole("button", { name: "Weight w[0][1] gradient map" });
    await map01.focus();
    expect(await panel.getByRole("img", { name: "Enlarged gradient map of w[0][1]" }).count()).toBe(
      1,
    );
    // Position 100 focuses index 99 (row 3, col 9).
    await page.keyboard.press("ArrowRight");
    expect(await status(page)).toMatch(/Position 101 of 900/);
    await page.keyboard.press("ArrowDown");
    expect(await status(page)).toMatch(/Position 131 of 900/);
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowUp");
    expect(await status(page)).toMatch(/Position 100 of 900/);
    await page.keyboard.press("End");
    expect(await status(page)).toMatch(/Position 900 of 900/);
    // The readout under the enlarged map is the store's sum for that weight.
    const doc = await exportState(page);
    const readout = panel.locator(".weight-maps-readout .num").nth(1);
    expect(await exactValue(readout)).toBe(doc.sums.kernelGrad.data[1]);
    await expectCleanPage(app);
  });
});

describe("the formula, live", () => {
  test("after moving to a position, the term and the partial sums are the export's and the engine's", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.getByRole("region", { name: "The formula, live" });
    await page.getByRole("slider", { name: "Position" }).fill("77");
    await panel.getByRole("button", { name: "w[1][2]", exact: true }).click();
    expect(
      await panel
        .getByRole("button", { name: "w[1][2]", exact: true })
        .getAttribute("aria-pressed"),
    ).toBe("true");
    await expect.poll(() => panel.textContent()).toMatch(/77 of 900 terms/);
    const shown = async (q: string) =>
      exactValue(panel.locator(`.formula-table [data-quantity="${q}"]`));

    const doc = await exportState(page);
    expect(doc.position).toBe(77);
    const image = grid(doc.image);
    const kernel = grid(doc.kernel);
    const reduction: Reduction = doc.loss.reduction;
    const outputGrad = squaredErrorGrad(
      conv2d(image, kernel, doc.bias),
      grid(doc.target),
      reduction,
    );
    const tap = 1 * 3 + 2;
    // Term 77 is index 76: row 2, col 16; w[1][2] multiplies input (3, 18).
    expect(await panel.textContent()).toMatch(/row 2, col 16/);
    const delta = outputGrad.data[76] as number;
    const x = image.data[3 * 32 + 18] as number;
    expect(await shown("delta")).toBe(delta);
    expect(await shown("x")).toBe(x);
    let before = 0;
    let biasBefore = 0;
    let i = 0;
    for (const c of positionContributions(image, kernel, outputGrad)) {
      if (i === 76) {
        expect(await shown("product")).toBe(c.kernelGrad.data[tap]);
        expect(c.kernelGrad.data[tap]).toBe(delta * x);
        break;
      }
      before += c.kernelGrad.data[tap] as number;
      biasBefore += c.biasGrad;
      i++;
    }
    expect(await shown("before")).toBe(before);
    expect(await shown("after")).toBe(doc.sums.kernelGrad.data[tap]);
    expect(before + delta * x).toBe(doc.sums.kernelGrad.data[tap]);
    const biasLine = panel.locator(".formula-line").last();
    expect(await exactValue(biasLine.locator('[data-quantity="bias-before"]'))).toBe(biasBefore);
    expect(await exactValue(biasLine.locator('[data-quantity="bias-after"]'))).toBe(
      doc.sums.biasGrad,
    );

    // One step further: the sum just shown becomes the "before" of the next term.
    await page.getByRole("button", { name: "Step", exact: true }).click();
    await expect.poll(() => panel.textContent()).toMatch(/78 of 900 terms/);
    expect(await shown("before")).toBe(doc.sums.kernelGrad.data[tap]);
    await expectCleanPage(app);
  });

  test("the general index is shown in MathML", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.getByRole("region", { name: "The formula, live" });
    expect(await panel.locator("math").count()).toBe(3);
    await panel.getByRole("button", { name: "w[0][1]", exact: true }).click();
    const text = await panel.locator('math[aria-label="Formula for w[0][1]"]').textContent();
    expect(text?.replace(/\s/g, "")).toBe("∂L∂w01=∑i,jδij·xi,j+1");
    await expectCleanPage(app);
  });
});

describe("weight sharing in time", () => {
  test("stepping through time adds each step's contribution; the totals are the engine's", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const panel = page.getByRole("region", { name: "Weight sharing in time" });
    const field = (name: string | RegExp) =>
      panel.getByRole("textbox", typeof name === "string" ? { name, exact: true } : { name });
    const readProblem = async () => ({
      xs: (await field(/Inputs x/).inputValue()).split(",").map(Number),
      w: Number(await field("w").inputValue()),
      u: Number(await field("u").inputValue()),
      h0: Number(await field("h₀").inputValue()),
      target: Number(await field("target y").inputValue()),
    });
    const running = () => exactValue(panel.locator('[data-quantity="w-running"]'));
    const r = recurrentGradients(await readProblem());
    expect(r.steps.length).toBe(5);
    expect(await running()).toBe(0);
    expect(await panel.textContent()).toMatch(/0 of 5 uses of w added/);

    await panel.getByRole("button", { name: "Forward in time" }).click();
    await panel.getByRole("button", { name: "Forward in time" }).click();
    expect(await panel.textContent()).toMatch(/2 of 5 uses of w added/);
    expect(await running()).toBe(r.steps[1]?.wGradSum);
    expect(await exactValue(panel.locator('[data-quantity="u-running"]'))).toBe(
      r.steps[1]?.uGradSum,
    );
    await panel.getByRole("button", { name: "Back in time" }).click();
    expect(await running()).toBe(r.steps[0]?.wGrad);
    await panel.getByRole("button", { name: "Add every use" }).click();
    expect(await running()).toBe(r.wGrad);
    expect(await panel.getByRole("button", { name: "Forward in time" }).isDisabled()).toBe(true);

    expect(await exactValue(panel.locator('[data-quantity="w-total"]'))).toBe(r.wGrad);
    expect(await exactValue(panel.locator('[data-quantity="u-total"]'))).toBe(r.uGrad);
    expect(await exactValue(panel.locator('[data-quantity="loss"]'))).toBe(r.loss);
    // The finite-difference check agrees to many digits.
    const check = await exactValue(panel.locator('[data-quantity="w-check"]'));
    expect(Math.abs(check - r.wGrad)).toBeLessThan(1e-8);

    // Editing w recomputes everything; a bad entry is flagged and the last valid one stays.
    await field("w").fill("0.5");
    const r2 = recurrentGradients(await readProblem());
    await expect.poll(() => exactValue(panel.locator('[data-quantity="w-total"]'))).toBe(r2.wGrad);
    expect(r2.wGrad).not.toBe(r.wGrad);
    await field("u").fill("abc");
    expect(await field("u").getAttribute("aria-invalid")).toBe("true");
    expect(await exactValue(panel.locator('[data-quantity="w-total"]'))).toBe(r2.wGrad);
    await field("u").fill("0.6");
    await field(/Inputs x/).fill("1, 0.5, -1");
    await expect.poll(() => panel.textContent()).toMatch(/of 3 uses of w added/);
    const r3 = recurrentGradients(await readProblem());
    expect(await exactValue(panel.locator('[data-quantity="w-total"]'))).toBe(r3.wGrad);

    // The table can show u's contributions instead.
    await panel.getByRole("radio", { name: "∂L/∂u" }).check();
    await expect.poll(() => panel.locator("table").textContent()).toMatch(/∂L\/∂u/);
    await expectCleanPage(app);
  });
});

describe("the views at phone width", () => {
  test("nothing spills out of the three panels at 390 px", async () => {
    const app = await openApp(browser, { width: 390, height: 844 });
    await ready(app);
    for (const id of ["formula", "weight-maps", "recurrent"]) {
      const overflow = await app.page.locator(`#${id}`).evaluate((el) => {
        const box = el.getBoundingClientRect();
        let worst = 0;
        for (const child of el.querySelectorAll("*")) {
          // The table may scroll sideways inside its own wrapper.
          if (child.closest(".recurrent-table-wrap")) continue;
          const r = child.getBoundingClientRect();
          if (r.width > 0) worst = Math.max(worst, r.right - box.right);
        }
        return worst;
      });
      expect(overflow, id).toBeLessThanOrEqual(0);
    }
    await expectCleanPage(app);
  });
});
