import { createGrid, type Grid, outputShape } from "../engine/index";
import type { AppState } from "./store";

/**
 * Keeping a painted δ (Paint δ mode, paintedDelta.ts) the output's shape when the problem
 * changes. Apart from the mode's actions, which load with its panel.
 */

/**
 * The painted δ after the output's shape changes to `height` x `width`: the cells both shapes
 * have keep their values, new cells are 0.
 */
export function resizeDelta(delta: Grid, height: number, width: number): Grid {
  const grid = createGrid(height, width);
  for (let r = 0; r < Math.min(height, delta.height); r++) {
    for (let c = 0; c < Math.min(width, delta.width); c++) {
      grid.data[r * width + c] = delta.data[r * delta.width + c] as number;
    }
  }
  return grid;
}

/**
 * For a change of the problem (`patch`): the painted δ refitted to the new output's shape,
 * when there is one and the shape changes; otherwise nothing.
 */
export function fitPaintedDelta(now: AppState, patch: Partial<AppState>): Partial<AppState> {
  const delta = patch.paintedDelta === undefined ? now.paintedDelta : patch.paintedDelta;
  if (delta === null) return {};
  const out = outputShape(patch.image ?? now.image, patch.kernel ?? now.kernel, {
    ...(patch.options ?? now.options),
  });
  if (out.height === delta.height && out.width === delta.width) return {};
  return { paintedDelta: resizeDelta(delta, out.height, out.width) };
}
