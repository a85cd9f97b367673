import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";
import { installRenderCounter } from "./renderCounter";
import { exactValue, exportState, gridValues, ready } from "./views";

// A playing sweep is painted outside React. Frames move the numbers, maps and status
// while no main panel's React component renders; paused, the exact values are back in the
// accessibility tree, and a polite live summary speaks for the numbers while they play.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The panels painted every frame, and the control bar (its status and slider). */
const PANELS = ["input", "forward", "this-position", "running-sum", "input-gradient", "update"];

const status = (page: Page) => page.getByRole("status").textContent();
const shownPosition = async (page: Page) =>
  Number(/Position (\d+)/.exec((await status(page)) ?? "")?.[1]);

/** A hash of the running sum's canvas pixels: changes when a frame is painted into it. */
const sumPixels = (page: Page) =>
  page.locator("#running-sum .live-grid canvas").evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const px = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? [];
    let h = 0;
    for (let i = 0; i < px.length; i += 7) h = (h * 31 + (px[i] as number)) | 0;
    return h;
  });

test("played frames move every view without a React render; paused, the exact values are back", async () => {
  const app = await openApp(browser, { initScript: installRenderCounter });
  const { page } = app;
  await expect.poll(() => status(page)).toMatch(/^Position 0 of 900$/);
  const counts = () =>
    page.evaluate(() => ({
      ...(window as never as { __renderCounts: Record<string, number> }).__renderCounts,
    }));
  // The counter sees the app's renders at all (its first commits mounted every panel).
  const mounted = await counts();
  for (const id of PANELS) expect(mounted[id], id).toBeGreaterThan(0);

  // 60 positions a second: one a frame.
  await page.locator("label.speed select").selectOption("60");
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => shownPosition(page)).toBeGreaterThan(3);
  await page.evaluate(() =>
    (window as never as { __resetRenderCounts: () => void }).__resetRenderCounts(),
  );
  const from = await shownPosition(page);
  const before = await sumPixels(page);
  // Playing: the numbers leave the accessibility tree (no stale titles), the status is not
  // live, and the polite summary says where the sweep is.
  expect(await page.locator("#this-position td[title], #running-sum td[title]").count()).toBe(0);
  expect(await page.getByRole("status").getAttribute("aria-live")).toBe("off");
  const summary = page.locator(".controls [aria-live='polite']:not(output)");
  await expect
    .poll(() => summary.textContent())
    .toMatch(/^Playing: position \d+ of 900, row \d+, col \d+/);
  // A played second at the default speed; however slow the machine, the sweep moves on.
  await expect.poll(() => shownPosition(page)).toBeGreaterThan(from + 20);
  const during = await counts();
  expect(await sumPixels(page)).not.toBe(before);
  for (const id of [...PANELS, "controls"]) expect(during[id] ?? 0, `${id} rendered`).toBe(0);

  await page.getByRole("button", { name: "Pause" }).click();
  const paused = await shownPosition(page);
  expect(await page.getByRole("status").getAttribute("aria-live")).toBe("polite");
  await expect.poll(() => summary.textContent()).toBe(`Sweep paused at position ${paused} of 900.`);
  // Paused: each number's cell has its value as text and its exact value in the title.
  const cells = page.locator("#this-position td[title], #running-sum td[title], #update td[title]");
  await expect.poll(() => cells.count()).toBe(63);
  // The titles are the state's sums, exactly; the text is them rounded.
  const file = await exportState(page);
  expect(file.position).toBe(paused);
  const sum = page.getByRole("table", { name: "Kernel gradient so far" });
  expect(await gridValues(sum)).toEqual(file.sums.kernelGrad.data);
  for (let i = 0; i < 9; i++) {
    const exact = file.sums.kernelGrad.data[i] as number;
    const text = await sum.locator("td .value").nth(i).textContent();
    const shown = Number((text ?? "").replace(/−/g, "-"));
    expect(Math.abs(exact - shown)).toBeLessThanOrEqual(Math.abs(exact) * 1e-3);
  }
  expect(app.errors).toEqual([]);
});

/** One frame and then an idle moment of the page (at most 5 s). */
const frameAndIdle = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<void>((done) =>
        requestAnimationFrame(() => requestIdleCallback(() => done(), { timeout: 5000 })),
      ),
  );

/** Waits until `read` gives the same value twice in a row, a frame and an idle moment apart. */
async function holdsStill(
  page: Page,
  read: () => Promise<unknown>,
  message = "the page kept changing",
): Promise<void> {
  let last: string | undefined;
  await expect
    .poll(
      async () => {
        await frameAndIdle(page);
        const now = JSON.stringify(await read());
        const still = now === last;
        last = now;
        return still;
      },
      { message },
    )
    .toBe(true);
}

/** Plays on, from position 0 when the sweep has ended or is within 150 positions of its end. */
async function keepPlaying(page: Page): Promise<void> {
  const playing = await page.getByRole("button", { name: "Pause" }).isVisible();
  if (playing && (await shownPosition(page)) < 750) return;
  if (playing) await page.getByRole("button", { name: "Pause" }).click();
  // Home on the Position slider: back to position 0.
  await page.getByRole("slider", { name: "Position" }).press("Home");
  await expect.poll(() => shownPosition(page)).toBe(0);
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => shownPosition(page)).toBeGreaterThan(0);
}

/** The views below the main figure that follow the position or could: each on screen in turn. */
const VIEWS = ["formula", "weight-maps", "batch", "network-sweep"];

/** What a view shows: its text and how often each of its canvases was painted (paintGrid). */
const viewShows = (page: Page, id: string) =>
  page.locator(`#${id}`).evaluate((el) => {
    const painted = Array.from(el.querySelectorAll("canvas"), (c) => c.dataset.painted ?? "");
    return `${el.textContent} ${painted.join(",")}`;
  });

test("the views below the main figure, on screen while a sweep plays, render nothing; paused, their numbers are exact", async () => {
  const app = await openApp(browser, { initScript: installRenderCounter });
  const page = await ready(app);
  const counts = () =>
    page.evaluate(() => ({
      ...(window as never as { __renderCounts: Record<string, number> }).__renderCounts,
    }));
  const resetCounts = () =>
    page.evaluate(() =>
      (window as never as { __resetRenderCounts: () => void }).__resetRenderCounts(),
    );
  // The network's section loads when it is near: once loaded and settled, it is watched too.
  await page.locator("#network").scrollIntoViewIfNeeded();
  await page.locator("#network-sweep").waitFor();
  await expect.poll(() => page.locator("#network-sweep").textContent()).toMatch(/Positions summed/);

  await page.locator("label.speed select").selectOption("60");
  // Pressing Play renders no panel: a panel that renders repaints all of itself, and all of
  // them at once made the click and the first frames after it the longest of the sweep.
  // Counted once the page holds still (the batch's sweeps, say, arrive from the worker).
  await holdsStill(page, counts);
  await resetCounts();
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => shownPosition(page)).toBeGreaterThan(3);
  const atPlay = await counts();
  for (const id of [...PANELS, ...VIEWS]) expect(atPlay[id] ?? 0, `${id} rendered at Play`).toBe(0);
  for (const id of VIEWS) {
    const view = page.locator(`#${id}`);
    await view.evaluate((el) => el.scrollIntoView({ block: "start" }));
    // Mounted and visible: its top part is inside the viewport.
    await expect
      .poll(() => view.evaluate((el) => el.getBoundingClientRect().top))
      .toBeLessThan(300);
    expect(await view.isVisible(), id).toBe(true);
    // 900 positions at 60 a second last 15 s; on a busy machine the views before this one
    // may have taken longer: near the end, the sweep starts again from position 0.
    // Scrolled into view, a view may render to catch up: the counting starts once its count
    // holds still over a frame and an idle moment (however slow the machine). A view that
    // renders every frame while playing never holds still, and fails here. 900 positions at
    // 60 a second last 15 s: when the sweep has ended, or is near its end, once the view has
    // settled, it starts again from position 0 and the view settles again.
    for (let attempt = 0; ; attempt++) {
      await keepPlaying(page);
      await holdsStill(
        page,
        async () => (await counts())[id] ?? 0,
        `${id} kept rendering while the sweep played`,
      );
      const playing = await page.getByRole("button", { name: "Pause" }).isVisible();
      if (playing && (await shownPosition(page)) < 800) break;
      if (attempt === 4)
        throw new Error(`${id}: the sweep ended five times before the view settled`);
    }
    await resetCounts();
    const from = await shownPosition(page);
    const shows = await viewShows(page, id);
    await expect
      .poll(() => shownPosition(page), { message: `${id}: the sweep moved on` })
      .toBeGreaterThan(from + 10);
    const during = await counts();
    expect.soft(during[id] ?? 0, `${id} rendered while playing`).toBe(0);
    // The views that follow the position show each frame all the same.
    if (id === "formula" || id === "weight-maps")
      expect(await viewShows(page, id), `${id} painted`).not.toBe(shows);
  }

  // Paused: the formula's and the maps' numbers are the state's, exactly.
  await page.locator("#formula").evaluate((el) => el.scrollIntoView({ block: "start" }));
  await page.getByRole("button", { name: "Pause" }).click();
  const file = await exportState(page);
  const formula = page.locator("#formula");
  await expect.poll(() => formula.textContent()).toMatch(`${file.position} of 900 terms`);
  expect(await exactValue(formula.locator('.formula-table [data-quantity="after"]'))).toBe(
    file.sums.kernelGrad.data[0],
  );
  expect(await exactValue(formula.locator('[data-quantity="bias-after"]'))).toBe(
    file.sums.biasGrad,
  );
  const maps = page.locator("#weight-maps .weight-map-sum .num");
  await expect.poll(() => maps.count()).toBe(9);
  for (let t = 0; t < 9; t++)
    expect(await exactValue(maps.nth(t)), `w tap ${t}`).toBe(file.sums.kernelGrad.data[t]);
  expect(app.errors).toEqual([]);
});
