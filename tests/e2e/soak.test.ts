import type { Browser, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp, TEST_MS, WAIT_MS } from "./browser";
import { expectSumsExact, exportDoc } from "./invariants";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The page's JS heap in use after a full garbage collection, in bytes. */
async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  return usedSize;
}

async function trainSteps(page: Page, steps: number): Promise<void> {
  await page.getByRole("spinbutton", { name: "Steps" }).fill(String(steps));
  await page.getByRole("button", { name: "Train", exact: true }).click();
  await expect
    .poll(() => page.getByRole("button", { name: "Train", exact: true }).count(), {
      timeout: 4 * WAIT_MS,
    })
    .toBe(1);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Position 0 of 900$/);
}

test(
  "100,000 training steps: the JS heap stays within 20% of its size after the first 1,000",
  async () => {
    const { page, errors } = await openApp(browser);
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Position 0 of 900$/);
    const cdp = await page.context().newCDPSession(page);
    // The baseline includes everything the page holds in use: the lazily loaded views too.
    await page.getByRole("heading", { name: "Weight sharing in time" }).waitFor();
    await trainSteps(page, 1000);
    const baseline = await heapAfterGc(cdp);
    for (let i = 0; i < 3; i++) await trainSteps(page, 33_000);
    const doc = await exportDoc(page);
    expect(doc.updates).toBe(100_000);
    expectSumsExact(doc);
    const after = await heapAfterGc(cdp);
    console.log(
      `JS heap after 1,000 steps ${(baseline / 1e6).toFixed(2)} MB, after 100,000 ${(after / 1e6).toFixed(2)} MB`,
    );
    expect(after).toBeLessThanOrEqual(baseline * 1.2);
    expect(errors).toEqual([]);
  },
  2 * TEST_MS,
);
