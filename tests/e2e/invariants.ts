import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  type Grid,
  squaredErrorGrad,
} from "../../src/engine/index";

/** A grid as a state file holds it. */
export interface GridJson {
  height: number;
  width: number;
  data: number[];
}

/** A state file as the app exports it (docs/state-file.md). */
export interface StateDoc {
  image: GridJson;
  kernel: GridJson;
  bias: number;
  target: GridJson;
  targetKernel: GridJson | null;
  options: { stride: number; padding: number; dilation: number };
  loss: { reduction: "sum" | "mean" };
  learningRate: number;
  updates: number;
  position: number;
  sums: { kernelGrad: GridJson; biasGrad: number; inputGrad: GridJson };
}

export const gridOf = (g: GridJson): Grid =>
  createGrid(g.height, g.width, Float64Array.from(g.data));

/** Clicks Export and parses the downloaded state file. */
export async function exportDoc(page: Page): Promise<StateDoc> {
  const [d] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  return JSON.parse(await readFile(await d.path(), "utf8"));
}

/**
 * The app's invariant: the running sums are exactly the engine's sum of the first `position`
 * contributions (positions from `position` on contribute nothing when their delta is zeroed).
 */
export function expectSumsExact(doc: StateDoc): void {
  const out = conv2d(gridOf(doc.image), gridOf(doc.kernel), doc.bias, doc.options);
  const delta = squaredErrorGrad(out, gridOf(doc.target), doc.loss.reduction);
  for (let p = doc.position; p < delta.data.length; p++) delta.data[p] = 0;
  const g = conv2dBackward(gridOf(doc.image), gridOf(doc.kernel), delta, doc.options);
  expect(doc.sums.kernelGrad.data, "sums.kernelGrad").toEqual(Array.from(g.kernelGrad.data));
  expect(doc.sums.inputGrad.data, "sums.inputGrad").toEqual(Array.from(g.inputGrad.data));
  // biasGrad: the zeroed deltas add +0, which leaves the sum unchanged.
  expect(doc.sums.biasGrad, "sums.biasGrad").toBe(g.biasGrad);
  if (doc.targetKernel !== null) {
    const target = conv2d(gridOf(doc.image), gridOf(doc.targetKernel), 0, doc.options);
    expect(doc.target.data, "target made by the target filter").toEqual(Array.from(target.data));
  }
}
