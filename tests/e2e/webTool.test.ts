import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { launchChromium, openApp } from "./browser";

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface AxeResult {
  violations: {
    id: string;
    impact: string;
    help: string;
    nodes: { target: string[]; failureSummary: string }[];
  }[];
}

/** Runs axe-core on the page (WCAG 2.1 A and AA, and best practices) and returns the violations. */
async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run({
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
    }),
  )) as AxeResult;
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => `${n.target.join(" ")}: ${n.failureSummary}`)
        .join(" | ")}`,
  );
}

async function ready(page: Page) {
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  // The views load once the page is idle after its first sweep (src/app/LazyViews.tsx): axe
  // checks the whole page.
  await page.locator("#formula").waitFor();
}

describe("accessibility", () => {
  test("axe finds no violation in the light theme, mid-sweep, with the tour and a message showing", async () => {
    const { page } = await openApp(browser, { bypassCSP: true });
    await ready(page);
    await page.getByRole("slider", { name: "Position" }).fill("450");
    await page.getByRole("button", { name: "Import" }).isVisible();
    expect(await axe(page)).toEqual([]);
  });
  test("axe finds no violation in the dark theme, with the shortcuts dialog open", async () => {
    const { page } = await openApp(browser, { colorScheme: "dark", bypassCSP: true });
    await ready(page);
    await page.getByRole("button", { name: "Finish sweep" }).click();
    expect(await axe(page)).toEqual([]);
    await page.keyboard.press("?");
    await expect
      .poll(() => page.getByRole("dialog", { name: "Keyboard shortcuts" }).isVisible())
      .toBe(true);
    expect(await axe(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
  });
});

describe("a web tool", () => {
  test("the theme follows the system and the toggle overrides it, remembered on reload", async () => {
    const { page } = await openApp(browser, { colorScheme: "dark" });
    await ready(page);
    const bg = () =>
      page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const dark = await bg();
    await page.getByRole("button", { name: "Theme: system" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Theme: light" }).count()).toBe(1);
    const light = await bg();
    expect(light).not.toBe(dark);
    await page.reload();
    await ready(page);
    expect(await bg()).toBe(light);
    await page.getByRole("button", { name: "Theme: light" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Theme: dark" }).count()).toBe(1);
    expect(await bg()).toBe(dark);
  });

  test("the first-visit tour follows draw, step, sum and update, and never shows again", async () => {
    const { page } = await openApp(browser);
    await ready(page);
    const tour = page.getByRole("region", { name: "Getting started" });
    await expect.poll(() => tour.textContent()).toMatch(/1\. Draw/);
    await page.getByRole("combobox", { name: "Preset" }).selectOption("edge");
    await expect.poll(() => tour.textContent()).toMatch(/2\. Step/);
    // The preset's own sweep in (not the one before it, nor "computing…"): steps taken before
    // it lands are on the old image, and its landing puts the cursor back at 0.
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Position 0 of 900$/);
    for (let i = 0; i < 3; i++)
      await page.getByRole("button", { name: "Step", exact: true }).click();
    await expect.poll(() => tour.textContent()).toMatch(/3\. Sum/);
    await page.getByRole("button", { name: "Finish sweep" }).click();
    await expect.poll(() => tour.textContent()).toMatch(/4\. Update/);
    await page.getByRole("button", { name: "Apply update" }).click();
    await expect.poll(() => tour.count()).toBe(0);
    // The work is saved 400 ms after its last change: reload once the saved entry is the
    // updated filter at position 0 (on a busy machine an earlier entry, mid-sweep, could
    // still be the saved one).
    await expect
      .poll(() =>
        page.evaluate(() => {
          const saved = localStorage.getItem("convsweep-saved");
          if (saved === null) return null;
          const { updates, position } = JSON.parse(saved) as { updates: number; position: number };
          return [updates, position];
        }),
      )
      .toEqual([1, 0]);
    await page.reload();
    await ready(page);
    expect(await page.getByRole("region", { name: "Getting started" }).count()).toBe(0);
  });

  test("no request leaves the page's origin", async () => {
    const { page, requests } = await openApp(browser);
    await ready(page);
    await page.getByRole("button", { name: "Finish sweep" }).click();
    await page.getByRole("button", { name: "Train", exact: true }).click();
    await expect
      .poll(() => page.getByRole("button", { name: "Train", exact: true }).count())
      .toBe(1);
    const origin = new URL(page.url()).origin;
    const foreign = requests.filter(
      (url) => !url.startsWith(origin) && !url.startsWith("blob:") && !url.startsWith("data:"),
    );
    expect(foreign).toEqual([]);
  });

  test("on a 360 px phone, touch drawing paints without scrolling the page", async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      hasTouch: true,
      isMobile: true,
    });
    const page = await context.newPage();
    await page.goto(inject("baseURL"));
    await ready(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      360,
    );
    const canvas = page.getByRole("img", { name: "Input image" });
    await canvas.scrollIntoViewIfNeeded();
    const scrollBefore = await page.evaluate(() => window.scrollY);
    const box = await canvas.boundingBox();
    if (box === null) throw new Error("no canvas");
    // A touch drag across the canvas, through the Chrome DevTools protocol.
    const cdp = await context.newCDPSession(page);
    const y = box.y + box.height * 0.5;
    const points = Array.from({ length: 10 }, (_, i) => ({
      x: box.x + box.width * (0.1 + 0.08 * i),
      y,
    }));
    await cdp.send("Input.dispatchTouchEvent", {
      type: "touchStart",
      touchPoints: [points[0] as { x: number; y: number }],
    });
    for (const p of points.slice(1))
      await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [p] });
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    const painted = await canvas.evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const px = c.getContext("2d")?.getImageData(0, 16, 32, 1).data ?? [];
      let white = 0;
      for (let i = 0; i < px.length; i += 4) if ((px[i] as number) === 255) white++;
      return white;
    });
    expect(painted).toBeGreaterThanOrEqual(20);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    await context.close();
  });
});

test("pointing at a cell of a map shows its value as text", async () => {
  const { page } = await openApp(browser);
  await ready(page);
  await page.getByRole("button", { name: "Finish sweep" }).click();
  const map = page.getByRole("img", { name: "Delta map" });
  const box = await map.boundingBox();
  if (box === null) throw new Error("no delta map");
  // Row 10, column 20 of the 30x30 map.
  await page.mouse.move(box.x + (20.5 / 30) * box.width, box.y + (10.5 / 30) * box.height);
  await expect
    .poll(() => page.locator("#forward .grid-tip").textContent())
    .toMatch(/^\(10, 20\) −?\d/);
});
