// The network section's careless input (issue 26, items 10–12): its fields read numbers as the
// main view does and show the network's value again after a refused one; a `net=` link pasted
// into a tab already showing the section is applied; a network file dropped on the section
// opens there, not in the main Import.
import { readFileSync } from "node:fs";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp, TEST_MS } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const training = (page: Page) => page.locator("#network-training");
const field = (page: Page, label: string): Locator =>
  training(page).getByLabel(label, { exact: true });
const message = (page: Page) => page.locator("#network .network-message");

/** Types `text` into a field and presses Enter. */
async function commit(f: Locator, text: string): Promise<void> {
  await f.fill(text);
  await f.press("Enter");
}

/** Opens the section and waits for its settings. */
async function openSection(): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await openApp(browser, { hash: "#view=network", ready: false });
  await expect.poll(() => field(page, "Batch size").count()).toBe(1);
  return { page, errors };
}

test(
  "a refused value gives way to the network's; text that is not a number is named under its field",
  async () => {
    const { page, errors } = await openSection();
    const seed = field(page, "Seed");
    const batch = field(page, "Batch size");
    const rate = field(page, "η (step size)");
    const [seed0, batch0, rate0] = await Promise.all(
      [seed, batch, rate].map((f) => f.inputValue()),
    );

    // Refused by the action: the field shows the network's value again, the message says why.
    await commit(seed, "4294967296");
    await expect.poll(() => message(page).textContent()).toMatch(/settings\.seed/);
    expect(await seed.inputValue()).toBe(seed0);
    await commit(batch, "2.5");
    await expect.poll(() => message(page).textContent()).toMatch(/settings\.batchSize/);
    expect(await batch.inputValue()).toBe(batch0);

    // Not a number the main view reads: 1e-400 is not taken as 0; the text stays, named.
    await commit(rate, "1e-400");
    const error = training(page).locator(".field-error", { hasText: "too small" });
    await expect.poll(() => error.count()).toBe(1);
    expect(await rate.inputValue()).toBe("1e-400");
    expect(await rate.getAttribute("aria-invalid")).toBe("true");
    // Escape goes back to the network's value, which never changed.
    await rate.press("Escape");
    expect(await rate.inputValue()).toBe(rate0);
    expect(await error.count()).toBe(0);

    // A value the action takes shows as taken.
    await commit(batch, "32");
    await expect.poll(() => batch.inputValue()).toBe("32");

    // The layer editor keeps layers that do not make a network as a draft: the typed value shows.
    const filters = page
      .locator("#network-layers .layer-row")
      .first()
      .getByRole("spinbutton", { name: "Filters", exact: true });
    await commit(filters, "0");
    await expect.poll(() => page.locator('[data-quantity="layer-problem"]').count()).toBe(1);
    expect(await filters.inputValue()).toBe("0");
    expect(errors).toEqual([]);
  },
  TEST_MS,
);

test(
  "a net= link pasted into a tab already showing the section is applied; a bad one is named",
  async () => {
    const { page, errors } = await openSection();
    expect(await field(page, "Batch size").inputValue()).not.toBe("16");
    const link = "c3x3k8s1p0d1.r.m2s2.f.d10~16~0.05~0.9~mean~5~test~0~0~0~1~1000";
    await page.evaluate((net) => {
      window.location.hash = `#view=network&net=${net}`;
    }, link);
    await expect.poll(() => field(page, "Batch size").inputValue()).toBe("16");
    expect(await field(page, "Seed").inputValue()).toBe("5");
    expect(await field(page, "η (step size)").inputValue()).toBe("0.05");

    // A link whose batch size is hex is refused, naming the field; the network stays.
    await page.evaluate(
      (net) => {
        window.location.hash = `#view=network&net=${net}`;
      },
      link.replace("~16~", "~0x4~"),
    );
    await expect
      .poll(() => message(page).textContent())
      .toMatch(/The link's network cannot be used: "settings\.batchSize" \("0x4"\)/);
    expect(await field(page, "Batch size").inputValue()).toBe("16");
    expect(errors).toEqual([]);
  },
  TEST_MS,
);

test(
  "a network file dropped on the section opens there, not in the main Import",
  async () => {
    const { page, errors } = await openSection();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Save network file" }).click(),
    ]);
    const doc = JSON.parse(readFileSync((await download.path()) as string, "utf8"));
    expect(doc.format).toBe("convsweep-network");
    doc.settings.learningRate = 0.0123;
    await page.locator("#network-layers").evaluate((el, text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], "convsweep-network.json", { type: "application/json" }));
      el.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true }));
      el.dispatchEvent(
        new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    }, JSON.stringify(doc));
    await expect.poll(() => field(page, "η (step size)").inputValue()).toBe("0.0123");
    expect(await page.locator(".notice.error").count()).toBe(0);
    expect(await message(page).count()).toBe(0);
    expect(errors).toEqual([]);
  },
  TEST_MS,
);
