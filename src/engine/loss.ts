import { createGrid, type Grid } from "./grid";
import { checkGrid, checkShape, checkWithoutScans } from "./validate";

/**
 * How the squared error is reduced over the N output cells:
 * "sum": `L = ½ Σ (out − target)²`; "mean": `L = ½ · (1/N) Σ (out − target)²`.
 */
export type Reduction = "sum" | "mean";

/** Both reductions, for validation and menus. */
export const REDUCTIONS: readonly Reduction[] = ["sum", "mean"];

/** Throws RangeError unless `value` is a Reduction. */
export function checkReduction(value: unknown): Reduction {
  if (value !== "sum" && value !== "mean") {
    throw new RangeError(
      `reduction must be "sum" or "mean"; got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value;
}

/** The squared-error loss of `out` against `target` (same shapes) under a reduction. */
export function squaredErrorLoss(out: Grid, target: Grid, reduction: Reduction): number {
  checkGrid("out", out);
  checkShape("target", target, out, "the output shape");
  checkReduction(reduction);
  const y = out.data;
  const t = target.data;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const e = (y[i] as number) - (t[i] as number);
    sum += e * e;
  }
  return reduction === "sum" ? 0.5 * sum : (0.5 * sum) / y.length;
}

/** `∂L/∂out`: `out − target` for "sum", `(out − target) / N` for "mean". */
export function squaredErrorGrad(out: Grid, target: Grid, reduction: Reduction): Grid {
  checkWithoutScans((scan) => {
    checkGrid("out", out, undefined, scan);
    checkShape("target", target, out, "the output shape", scan);
    checkReduction(reduction);
  });
  const grad = createGrid(out.height, out.width);
  const n = out.data.length;
  const div = lossDivisor(reduction, n);
  const y = out.data;
  const t = target.data;
  const g = grad.data;
  // The sum of the gradient is finite only when every out and target value is (see
  // checkWithoutScans); the values are scanned only when it is not.
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = ((y[i] as number) - (t[i] as number)) / div;
    g[i] = d;
    sum += d;
  }
  if (!Number.isFinite(sum)) {
    checkGrid("out", out);
    checkGrid("target", target);
  }
  return grad;
}

/**
 * What `out − target` is divided by to give `∂L/∂out`: 1 for "sum", N for "mean".
 * Every path computes delta as `(out − target) / lossDivisor(…)` (e / 1 is e exactly),
 * so they all agree to the bit.
 */
export function lossDivisor(reduction: Reduction, n: number): number {
  return reduction === "sum" ? 1 : n;
}
