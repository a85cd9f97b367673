/**
 * What the browser tests of the "next questions" views share: waiting for the views, exporting
 * the state, reading the exact numbers the views show, and the page-wide promises.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import type { Reduction } from "../../src/engine/index";
import type { AppPage } from "./browser";
import type { GridJson } from "./invariants";

/** The exported state file (docs/state-file.md), as far as these tests read it. */
export interface StateJson {
  image: GridJson;
  kernel: GridJson;
  bias: number;
  target: GridJson;
  targetKernel: GridJson | null;
  options: { stride: number; padding: number; dilation: number };
  loss: { reduction: Reduction };
  learningRate: number;
  updates: number;
  position: number;
  sums: { kernelGrad: GridJson; biasGrad: number; inputGrad: GridJson };
}

/** Waits for the first sweep and for the views, which load once the page is idle after it. */
export async function ready(app: AppPage): Promise<Page> {
  const { page } = app;
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await expect
    .poll(() => page.getByRole("button", { name: "Step", exact: true }).isEnabled())
    .toBe(true);
  // The views load once the page is idle after its first sweep (src/app/LazyViews.tsx).
  await page.locator("#formula").waitFor();
  return page;
}

/** The status line's text ("Position P of N"). */
export async function status(page: Page): Promise<string> {
  return (await page.getByRole("status").textContent()) ?? "";
}

/** Clicks Export and returns the parsed state file. */
export async function exportState(page: Page): Promise<StateJson> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  return JSON.parse(await readFile(await download.path(), "utf8")) as StateJson;
}

/**
 * The exact value a number on the page carries in its title: a Num's, or a NumberGrid cell's
 * ("[i][j] = v"); "−" is the display minus. Throws for a missing or non-finite value.
 */
export async function exactValue(el: Locator): Promise<number> {
  const title = await el.getAttribute("title");
  if (title === null) throw new Error("number without a title");
  const value = Number(title.replace(/−/g, "-").replace(/^\[\d+\]\[\d+\] = /, ""));
  if (!Number.isFinite(value)) throw new Error(`not a number: ${title}`);
  return value;
}

/** The exact values of a NumberGrid, row-major, from its cells' titles. */
export async function gridValues(table: Locator): Promise<number[]> {
  const cells = table.locator("td");
  const values: number[] = [];
  for (let i = 0; i < (await cells.count()); i++) values.push(await exactValue(cells.nth(i)));
  return values;
}

/** Moves the pointer to the centre of cell (row, col) of a map's canvas. */
export async function pointAt(
  canvas: Locator,
  rows: number,
  cols: number,
  row: number,
  col: number,
) {
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (box === null) throw new Error("map not on screen");
  const page = canvas.page();
  await page.mouse.move(
    box.x + ((col + 0.5) / cols) * box.width,
    box.y + ((row + 0.5) / rows) * box.height,
  );
}

/** The page-wide promises every view keeps: one status, no NaN, no errors. */
export async function expectCleanPage(app: AppPage) {
  expect(await app.page.getByRole("status").count()).toBe(1);
  expect(await app.page.locator("body").textContent()).not.toMatch(/NaN/);
  expect(app.errors).toEqual([]);
}

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** axe-core's WCAG 2.1 A/AA and best-practice violations inside the views with these ids. */
export async function axeViolations(page: Page, ids: readonly string[]): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const include = ids.map((id) => [`#${id}`]);
  const result = (await page.evaluate(
    (include) =>
      (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<unknown> } }).axe.run(
        { include },
        {
          runOnly: {
            type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
          },
        },
      ),
    include,
  )) as { violations: { id: string; nodes: { target: string[] }[] }[] };
  return result.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}
