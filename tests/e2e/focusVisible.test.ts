import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launchChromium } from "./browser";

// WCAG 2.4.11 (focus not obscured): whatever Tab lands on must not be hidden behind the sweep
// controls, which stay at the top of the viewport while the page scrolls.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** More presses than the page has tab stops (about 100); the loop ends when focus comes back. */
const MAX_PRESSES = 400;

/**
 * Where focus is after a press, and whether the sweep controls hide it: its box (cut to the
 * viewport) minus the controls' box is empty, or the point at the middle of what is left is
 * painted by the controls.
 */
async function focusReport(
  page: Page,
): Promise<{ key: string; name: string; hidden: boolean } | null> {
  return page.evaluate(async () => {
    // What the person sees once the page has settled: a view scrolled near renders (its
    // content-visibility placeholder gives way to its real height) in the frames after focus
    // moved, and scroll anchoring then keeps the focused element in place.
    await new Promise((settled) => requestAnimationFrame(() => requestAnimationFrame(settled)));
    const el = document.activeElement as HTMLElement | null;
    if (el === null || el === document.body || el === document.documentElement) return null;
    // Which element this is, to tell when focus has come back to the first one.
    el.dataset.focusProbe ??= String(Math.random());
    const key = el.dataset.focusProbe;
    const label = el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 40) ?? "";
    const where = el.closest("section[id]")?.id ?? "page";
    const name = `${el.tagName.toLowerCase()} "${label}" in #${where}`;
    const bar = document.querySelector('section[aria-label="Sweep controls"]');
    if (bar === null) throw new Error("no sweep controls");
    if (bar.contains(el)) return { key, name, hidden: false };
    const r = el.getBoundingClientRect();
    const b = bar.getBoundingClientRect();
    const top = Math.max(r.top, 0);
    const bottom = Math.min(r.bottom, window.innerHeight);
    const left = Math.max(r.left, 0);
    const right = Math.min(r.right, window.innerWidth);
    // The part of the element's box in the viewport, less the rows the controls cover.
    const coversRows = b.left < right && b.right > left && b.bottom > top && b.top < bottom;
    const visibleTop = coversRows && b.top <= top ? Math.max(top, b.bottom) : top;
    if (visibleTop >= bottom || left >= right) return { key, name, hidden: true };
    const x = Math.min((left + right) / 2, window.innerWidth - 1);
    const y = Math.min((visibleTop + bottom) / 2, window.innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    return { key, name, hidden: hit !== null && bar.contains(hit) };
  });
}

/**
 * Presses `key` (Tab, or Shift+Tab for backwards from the end) from the top of the page until
 * focus is back where it started; the number of stops and the names of the hidden ones.
 */
async function hiddenTabStops(
  width: number,
  height: number,
  deviceScaleFactor: number,
  key: string,
): Promise<{ stops: number; hidden: string[] }> {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor,
  });
  const page = await context.newPage();
  await page.goto(inject("baseURL"));
  await page
    .getByRole("status")
    .filter({ hasText: /of 900/ })
    .waitFor();
  // Everything that loads in a chunk of its own must be there first: the header's tools, the
  // training panel, the views below and the real-network section (loaded when scrolled
  // near) with its first sweep. Otherwise a part arriving mid-way moves the page under a focus being measured.
  await page.getByRole("heading", { name: "The gradient check" }).waitFor();
  await page.getByRole("button", { name: "Export" }).waitFor();
  await page.getByRole("button", { name: "Train", exact: true }).waitFor();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.getByRole("button", { name: "Train network" }).waitFor();
  // The network's first sweep (after the digits load) fills its maps and batch row.
  await page.locator('[data-quantity="contributing"]').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  const hidden: string[] = [];
  let first: string | null = null;
  let stops = 0;
  for (let i = 0; i < MAX_PRESSES; i++) {
    await page.keyboard.press(key);
    const report = await focusReport(page);
    if (report === null) continue;
    if (first === null) first = report.key;
    else if (report.key === first) break;
    stops++;
    if (report.hidden) hidden.push(report.name);
  }
  await context.close();
  return { stops, hidden };
}

test.each([
  { what: "a 320x240 viewport", width: 320, height: 240, scale: 1, key: "Tab" },
  { what: "a 1280x1024 window at 400% zoom", width: 320, height: 256, scale: 4, key: "Tab" },
  { what: "a 1280x900 window (control)", width: 1280, height: 900, scale: 1, key: "Tab" },
  // Backwards, focus comes from below: the browser scrolls it only just into view, which is
  // under the controls unless the page tells it (scroll-padding) where they end.
  { what: "a 1280x900 window", width: 1280, height: 900, scale: 1, key: "Shift+Tab" },
  { what: "a 390x844 phone", width: 390, height: 844, scale: 3, key: "Shift+Tab" },
])(
  "in $what, no $key stop is hidden behind the sweep controls",
  async ({ width, height, scale, key }) => {
    const { stops, hidden } = await hiddenTabStops(width, height, scale, key);
    // Focus went all the way round: the page's stops were all visited.
    expect(stops).toBeGreaterThan(50);
    expect(stops).toBeLessThan(MAX_PRESSES);
    expect(hidden).toEqual([]);
  },
);
