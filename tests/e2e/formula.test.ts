// The formula, live, in the built app: the term and the partial sums are the exported state's
// and the engine's, to the last bit; the general index is MathML.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  conv2d,
  positionContributions,
  type Reduction,
  squaredErrorGrad,
} from "../../src/engine/index";
import { launchChromium, openApp } from "./browser";
import { gridOf as grid } from "./invariants";
import { exactValue, expectCleanPage, exportState, ready } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
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
