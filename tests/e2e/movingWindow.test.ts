// The window that moves over a map (src/viz/MovingWindow.tsx) is drawn into a canvas of its
// own: these tests read that canvas's pixels and check which cells it outlines.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";
import { ready, status } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * The cells of a rows x cols grid whose four edges all carry the outline's stroke: the cells
 * the window in panel `id` outlines. A neighbour of an outlined cell shares at most one edge's
 * stroke, so it does not count.
 */
function outlinedCells(page: Page, id: string, rows: number, cols: number): Promise<string[]> {
  return page
    .locator(`#${id} canvas.moving-window`)
    .first()
    .evaluate(
      (el, { rows, cols }) => {
        const canvas = el as HTMLCanvasElement;
        const ctx = canvas.getContext("2d");
        if (ctx === null) throw new Error("no 2d context");
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const sx = canvas.width / cols;
        const sy = canvas.height / rows;
        const opaque = (x: number, y: number) =>
          (data[(Math.floor(y) * canvas.width + Math.floor(x)) * 4 + 3] as number) > 0;
        const cells: string[] = [];
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) {
            const top = opaque((c + 0.5) * sx, (r + 0.06) * sy);
            const bottom = opaque((c + 0.5) * sx, (r + 0.94) * sy);
            const left = opaque((c + 0.06) * sx, (r + 0.5) * sy);
            const right = opaque((c + 0.94) * sx, (r + 0.5) * sy);
            if (top && bottom && left && right) cells.push(`${r},${c}`);
          }
        return cells;
      },
      { rows, cols },
    );
}

/** The 3x3 window's cells with its top-left at (row, col). */
function window3x3(row: number, col: number): string[] {
  const cells: string[] = [];
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) cells.push(`${row + a},${col + b}`);
  return cells;
}

describe("the moving window", () => {
  test("outlines the cells the filter sees, on the input, the maps and the input gradient", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    // Before any position is added: the input shows the first window, the input gradient none.
    await expect.poll(() => outlinedCells(page, "input", 32, 32)).toEqual(window3x3(0, 0));
    expect(await outlinedCells(page, "input-gradient", 32, 32)).toEqual([]);

    // 40 positions added: the last one is position 39, row 1, col 9 of the 30x30 output.
    await page.getByRole("slider", { name: "Position" }).focus();
    for (let i = 0; i < 40; i++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => status(page)).toBe("Position 40 of 900");
    await expect.poll(() => outlinedCells(page, "input", 32, 32)).toEqual(window3x3(1, 9));
    expect(await outlinedCells(page, "input-gradient", 32, 32)).toEqual(window3x3(1, 9));
    // Each map of the forward pass marks that one output cell.
    const marks = await page
      .locator("#forward canvas.moving-window")
      .evaluateAll((els) => els.length);
    expect(marks).toBe(3);
    expect(await outlinedCells(page, "forward", 30, 30)).toEqual(["1,9"]);

    // Played and paused elsewhere: the window follows.
    await page.keyboard.press("End");
    await expect.poll(() => status(page)).toBe("Position 900 of 900");
    await expect.poll(() => outlinedCells(page, "input", 32, 32)).toEqual(window3x3(29, 29));
    expect(app.errors).toEqual([]);
    await page.context().close();
  });
});
