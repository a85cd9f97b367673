// Weight sharing in time (the recurrent view), in the built app: each step's contribution adds
// up to the engine's totals.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { recurrentGradients } from "../../src/engine/index";
import { launchChromium, openApp } from "./browser";
import { exactValue, expectCleanPage, ready } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
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
