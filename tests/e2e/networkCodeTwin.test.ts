// "Show as code" in "Inside a real network": after one training step, for
// another filter, both scripts of the network's state are shown and downloadable, and each
// downloaded script, run by Debian's Python, exits 0 and prints the page's count of
// contributing positions and the page's gradient of that filter.
import { readFile } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { pyNumber } from "../../src/app/codeTwin/pythonScript";
import { NETWORK_SCRIPT_NAMES } from "../../src/app/network/networkScript";
import { launchChromium, openApp, TEST_MS } from "./browser";
import { expectClose, runCodeTwinScripts } from "./codeTwinScripts";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test(
  "Show as code in the network section gives scripts that print the page's sweep",
  async () => {
    const { page, errors } = await openApp(browser, { hash: "#view=network" });
    const section = page.locator("#network");
    const count = section.locator('[data-quantity="contributing"]');
    await expect.poll(() => count.count()).toBe(1);

    // One step of training (the momentum buffer is no longer zero), then filter 3 of 8.
    await section.getByRole("button", { name: /Take this step/ }).click();
    await expect
      .poll(() => section.locator('[data-quantity="network-steps"]').textContent())
      .toBe("Step 1");
    await section.getByRole("combobox", { name: "Filter" }).selectOption({ label: "3 of 8" });
    await expect.poll(() => section.getByText(/its own sum for filter 3$/).count()).toBe(1);
    const contributing = Number(await count.getAttribute("data-value"));
    expect(await count.textContent()).toMatch(`${contributing} of 900 positions contribute`);

    // The page's numbers, from its own network file.
    const [saved] = await Promise.all([
      page.waitForEvent("download"),
      section.getByRole("button", { name: "Save network file" }).click(),
    ]);
    const doc = JSON.parse(await readFile(await saved.path(), "utf8"));
    expect([doc.steps, doc.sweep.filter, doc.sweep.contributing]).toEqual([1, 2, contributing]);
    const filterWeights = (doc.params as number[]).slice(18, 27);

    await section.getByRole("button", { name: "Show as code" }).click();
    const dialog = page.getByRole("dialog", { name: "The network's current state as code" });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    for (const { text, stdout, printed } of await runCodeTwinScripts(
      page,
      dialog,
      NETWORK_SCRIPT_NAMES,
    )) {
      expect(text).toMatch(/^FILTER = 2 {2}# "Filter": 3 of 8/m);
      expect(text).toContain(`    [${filterWeights.map(pyNumber).join(", ")}],`);
      expect(stdout).toContain(`${contributing} of 900 positions contribute`);
      expect([printed.contributing, printed.positions]).toEqual([contributing, 900]);
      (printed.kernelGrad as number[][][]).flat(2).forEach((v, i) => {
        expectClose(v, doc.sweep.engine.weightGrad[i] as number);
      });
      expectClose(printed.biasGrad as number, doc.sweep.engine.biasGrad as number);
    }
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);
    // Focus goes back to the button that opened the dialog.
    expect(
      await page.evaluate(
        () =>
          document.activeElement?.textContent === "Show as code" &&
          document.getElementById("network")?.contains(document.activeElement),
      ),
    ).toBe(true);
    expect(errors).toEqual([]);
  },
  TEST_MS,
);
