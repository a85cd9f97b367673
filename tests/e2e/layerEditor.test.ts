// The layer editor of "Inside a real network": each layer's shape and parameters as it is
// edited; Add layer, remove, reorder by button, keyboard and pointer; layers that do not make
// a network are named at their layer, training waits, nothing is lost; the presets; the sweep
// inside a deeper conv layer to the engine's exact sums; a link carries the layers.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp, TEST_MS, WAIT_MS } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const editor = (page: Page) => page.locator("#network-layers");
const rows = (page: Page) => editor(page).locator("li.layer-row");
const row = (page: Page, n: number) => rows(page).nth(n - 1);
const kinds = async (page: Page) =>
  rows(page).evaluateAll((items) =>
    items.map((li) => (li.querySelector("select") as HTMLSelectElement).value),
  );
const figures = (r: Locator) => r.locator(".layer-figures").textContent();

/** Types a number into a layer's field and commits it (Enter). */
async function setField(r: Locator, name: string, value: number): Promise<void> {
  const field = r.getByRole("spinbutton", { name, exact: true });
  await field.fill(String(value));
  await field.press("Enter");
}

test(
  "edit, add, remove and reorder layers: shapes and counts follow, a broken network waits, presets, a deep sweep",
  async () => {
    const { page, errors } = await openApp(browser, { hash: "#view=network" });
    await expect.poll(() => rows(page).count(), { timeout: WAIT_MS }).toBe(5);
    expect(await kinds(page)).toEqual(["conv2d", "relu", "maxpool2d", "flatten", "dense"]);
    // The seed's point, in numbers: 8 filters of 3x3 + bias, against one per position.
    expect(await figures(row(page, 1))).toBe(
      "→ 8x30x30 · 80 parameters · shared: 80 parameters; untied, one filter per position, it would be 72,000",
    );
    expect(await figures(row(page, 5))).toBe("→ 10 · 18,010 parameters");
    await expect
      .poll(() => page.locator('[data-quantity="network-parameters"]').textContent())
      .toMatch(/^18,090 parameters in all/);

    // A 5x5 kernel: the shapes below follow.
    await setField(row(page, 1), "Kernel height", 5);
    await setField(row(page, 1), "Kernel width", 5);
    await expect.poll(() => figures(row(page, 1))).toMatch(/^→ 8x28x28 · 208 parameters/);
    expect(await figures(row(page, 3))).toBe("→ 8x14x14");

    // Add layer: a conv goes in before the flatten.
    await editor(page).getByLabel("New layer").selectOption("conv2d");
    await editor(page).getByRole("button", { name: "Add layer" }).click();
    await expect.poll(() => rows(page).count()).toBe(6);
    expect((await kinds(page))[3]).toBe("conv2d");
    await expect.poll(() => figures(row(page, 4))).toMatch(/^→ 8x14x14 · 584 parameters/);
    // Remove it again.
    await page.getByRole("button", { name: "Remove layer 4" }).click();
    await expect.poll(() => rows(page).count()).toBe(5);

    // The flatten moved above the conv: not a network. Named at its layer; training waits.
    for (const n of [4, 3, 2])
      await page.getByRole("button", { name: `Move layer ${n} up` }).click();
    await expect
      .poll(() => kinds(page))
      .toEqual(["flatten", "conv2d", "relu", "maxpool2d", "dense"]);
    const problem = editor(page).locator('[data-quantity="layer-problem"]');
    await expect.poll(() => problem.textContent()).toMatch(/layer 2, conv 5x5/);
    expect(await page.getByRole("button", { name: "Train network" }).isDisabled()).toBe(true);
    expect(await figures(row(page, 2))).toMatch(/fix the layers above/);
    // Keyboard: Alt+↓ on the flatten's handle moves it back down, three times.
    for (const n of [1, 2, 3]) {
      await row(page, n).locator(".layer-handle").press("Alt+ArrowDown");
    }
    await expect
      .poll(() => kinds(page))
      .toEqual(["conv2d", "relu", "maxpool2d", "flatten", "dense"]);
    await expect.poll(() => problem.count()).toBe(0);
    expect(await page.getByRole("button", { name: "Train network" }).isDisabled()).toBe(false);
    // The pointer: drag the ReLU below the pool (the same network: max and ReLU commute).
    await row(page, 2).locator(".layer-handle").dragTo(row(page, 3));
    await expect
      .poll(() => kinds(page))
      .toEqual(["conv2d", "maxpool2d", "relu", "flatten", "dense"]);
    // A field out of range is kept and named, and "Back" returns to the network's layers.
    await setField(row(page, 1), "Filters", 65);
    await expect.poll(() => problem.textContent()).toMatch(/filters/);
    expect(await row(page, 1).getByRole("spinbutton", { name: "Filters" }).inputValue()).toBe("65");
    await editor(page).getByRole("button", { name: "Back to the network's layers" }).click();
    await expect
      .poll(() => row(page, 1).getByRole("spinbutton", { name: "Filters" }).inputValue())
      .toBe("8");

    // LeNet-5, then the sweep of a filter of its second conv layer to the engine's sums.
    await editor(page).getByLabel("Start from").selectOption("leNet5");
    await expect.poll(() => rows(page).count()).toBe(12);
    await expect
      .poll(() => page.locator('[data-quantity="network-parameters"]').textContent())
      .toMatch(/^61,706 parameters in all/);
    const sweep = page.locator("#network-sweep");
    // The menus' names begin with their labels (a label around a select also names its options).
    await sweep.getByRole("combobox", { name: /^Layer/ }).selectOption("3");
    await sweep.getByRole("combobox", { name: /^Filter/ }).selectOption("5");
    await expect
      .poll(() => sweep.getByText(/\d+ of 100 positions contribute/).count(), { timeout: WAIT_MS })
      .toBe(1);
    expect(await sweep.getByText("Routed by the max-pool").count()).toBe(1);
    await sweep.getByRole("button", { name: "All positions" }).click();
    await expect
      .poll(() => page.locator('[data-quantity="network-exact"]').textContent())
      .toMatch(/to the last bit/);
    // It trains.
    await page.getByRole("button", { name: "Train network" }).click();
    await expect
      .poll(
        async () =>
          Number(
            ((await page.locator('[data-quantity="network-steps"]').textContent()) ?? "").replace(
              /\D/g,
              "",
            ),
          ),
        {
          timeout: WAIT_MS,
        },
      )
      .toBeGreaterThan(3);
    await page.getByRole("button", { name: "Pause network" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Train network" }).count()).toBe(1);
    expect(errors).toEqual([]);
  },
  2 * TEST_MS,
);

test("a link carries the layers; a bad layer in it is named and the network stays", async () => {
  const link = "c5x5k6s1p0d1.r.a2s2.c3x3k4s1p1d2.r.m2s2.f.d10~16~0.05~0.9~sum~3~test~4~3~2~0~0";
  const { page, errors } = await openApp(browser, { hash: `#view=network&net=${link}` });
  await expect.poll(() => rows(page).count(), { timeout: WAIT_MS }).toBe(8);
  expect(await kinds(page)).toEqual([
    "conv2d",
    "relu",
    "avgpool2d",
    "conv2d",
    "relu",
    "maxpool2d",
    "flatten",
    "dense",
  ]);
  expect(await row(page, 4).getByRole("spinbutton", { name: "Dilation" }).inputValue()).toBe("2");
  const sweep = page.locator("#network-sweep");
  await expect
    .poll(() => sweep.getByText(/\d+ of 144 positions contribute/).count(), { timeout: WAIT_MS })
    .toBe(1);
  expect(await sweep.getByText("Shared by the average-pool").count()).toBe(0);
  expect(await sweep.getByText("Routed by the max-pool").count()).toBe(1);

  const bad = await openApp(browser, {
    hash: `#view=network&net=${link.replace("d10~", "d0x10~")}`,
  });
  await expect
    .poll(() => bad.page.locator(".network-message").textContent(), { timeout: WAIT_MS })
    .toMatch(/The link's network cannot be used: The link's layer 8 reads "d0x10"/);
  expect(await rows(bad.page).count()).toBe(5);
  expect(errors).toEqual([]);
});
