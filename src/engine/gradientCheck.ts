import { forwardInto } from "./conv2d";
import { createGrid, type Grid } from "./grid";
import { lossDivisor } from "./loss";
import type { Params } from "./sgd";
import { computeSweep, emptySums, sumsAt } from "./sweep";
import type { Problem } from "./train";

/**
 * How a derivative is estimated from loss values:
 * "central": `(L(θ + ε) − L(θ − ε)) / 2ε`, error O(ε²) — and none at all for a loss that is
 * quadratic in θ, as the squared error of a convolution is in each weight;
 * "forward": `(L(θ + ε) − L(θ)) / ε`, error O(ε) (exactly ε/2 · ∂²L/∂θ² here).
 */
export type DifferenceScheme = "central" | "forward";

/** Both schemes, for validation and menus. */
export const DIFFERENCE_SCHEMES: readonly DifferenceScheme[] = ["central", "forward"];

/** The summed gradient of the shared filter beside finite differences of the loss. */
export interface GradientCheck {
  /** The step each parameter was moved by. */
  epsilon: number;
  scheme: DifferenceScheme;
  /** The loss at the unperturbed parameters. */
  loss: number;
  /** How many positions' contributions were added (outH · outW). */
  positions: number;
  /** Σ over every position of its kernel-gradient terms, in position order (the full sweep). */
  kernelGrad: Grid;
  /** Σ over every position of its delta. */
  biasGrad: number;
  /** The finite-difference estimate of ∂L/∂kernel, entry by entry. */
  numericKernelGrad: Grid;
  /** The finite-difference estimate of ∂L/∂bias. */
  numericBiasGrad: number;
  /** `relativeError(kernelGrad, numericKernelGrad)` entry by entry. */
  kernelRelativeError: Grid;
  biasRelativeError: number;
  /** The largest of every relative error above. */
  maxRelativeError: number;
}

/**
 * `|a − b| / max(|a|, |b|)`: 0 when both are 0, 1 when exactly one is, and tiny when they
 * agree to many digits whatever their size.
 */
export function relativeError(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/**
 * Checks the summed gradient against the loss itself: moves each kernel weight and the bias
 * by ±ε (or +ε for "forward"), recomputes the loss with conv2d, and compares the difference
 * quotients with the sum of every position's contribution (what a full sweep accumulates,
 * equal to conv2dBackward's kernelGrad and biasGrad). Arguments are checked as by `train`;
 * `epsilon` must be a finite number > 0. The parameters are not changed.
 *
 * With `outputGrad` (a given δ, see computeSweep) the loss checked is `L = Σ δ·out`, whose
 * ∂L/∂out is δ exactly; it is linear in each parameter, so central differences are exact but
 * for rounding.
 */
export function gradientCheck(
  problem: Problem,
  params: Params,
  epsilon: number,
  scheme: DifferenceScheme = "central",
  outputGrad: Grid | null = null,
): GradientCheck {
  if (typeof problem !== "object" || problem === null) {
    throw new RangeError(
      `problem must be an object {input, target, options, reduction}; got ${problem === null ? "null" : typeof problem}`,
    );
  }
  if (typeof params !== "object" || params === null) {
    throw new RangeError(
      `params must be an object {kernel, bias}; got ${params === null ? "null" : typeof params}`,
    );
  }
  // computeSweep checks input, kernel, bias, target, options and reduction.
  const sweep = computeSweep(
    problem.input,
    params.kernel,
    params.bias,
    problem.target,
    problem.options,
    problem.reduction,
    outputGrad,
  );
  if (typeof epsilon !== "number" || !Number.isFinite(epsilon) || epsilon <= 0) {
    throw new RangeError(`epsilon must be a finite number > 0; got ${String(epsilon)}`);
  }
  if (scheme !== "central" && scheme !== "forward") {
    throw new RangeError(
      `scheme must be "central" or "forward"; got ${JSON.stringify(scheme) ?? String(scheme)}`,
    );
  }
  const positions = sweep.outHeight * sweep.outWidth;
  const sums = sumsAt(sweep, emptySums(sweep), positions);

  const { height: kH, width: kW } = params.kernel;
  const kernel = createGrid(kH, kW, params.kernel.data.slice());
  const out = createGrid(sweep.outHeight, sweep.outWidth);
  const div = lossDivisor(problem.reduction, positions);
  const target = problem.target.data;
  const given = outputGrad?.data ?? null;
  const lossAt = (bias: number): number => {
    forwardInto(problem.input, kernel, bias, sweep.options, out);
    if (given !== null) {
      let dot = 0;
      for (let i = 0; i < positions; i++) dot += (given[i] as number) * (out.data[i] as number);
      return dot;
    }
    let sq = 0;
    for (let i = 0; i < positions; i++) {
      const e = (out.data[i] as number) - (target[i] as number);
      sq += e * e;
    }
    return (0.5 * sq) / div;
  };
  const base = lossAt(params.bias);
  // The step actually taken is (θ + ε) − θ, which rounding makes differ from ε by ~1e-16 · |θ|.
  const estimate = (at: number, loss: (value: number) => number): number => {
    const up = at + epsilon;
    if (scheme === "forward") return (loss(up) - base) / (up - at);
    const down = at - epsilon;
    return (loss(up) - loss(down)) / (up - down);
  };

  const numericKernelGrad = createGrid(kH, kW);
  for (let t = 0; t < kernel.data.length; t++) {
    const saved = kernel.data[t] as number;
    numericKernelGrad.data[t] = estimate(saved, (value) => {
      kernel.data[t] = value;
      return lossAt(params.bias);
    });
    kernel.data[t] = saved;
  }
  const numericBiasGrad = estimate(params.bias, lossAt);

  const kernelRelativeError = createGrid(kH, kW);
  const biasRelativeError = relativeError(sums.biasGrad, numericBiasGrad);
  let maxRelativeError = biasRelativeError;
  for (let t = 0; t < kernel.data.length; t++) {
    const e = relativeError(sums.kernelGrad.data[t] as number, numericKernelGrad.data[t] as number);
    kernelRelativeError.data[t] = e;
    maxRelativeError = Math.max(maxRelativeError, e); // NaN (an overflowed loss) stays NaN
  }
  return {
    epsilon,
    scheme,
    loss: sweep.loss,
    positions,
    kernelGrad: sums.kernelGrad,
    biasGrad: sums.biasGrad,
    numericKernelGrad,
    numericBiasGrad,
    kernelRelativeError,
    biasRelativeError,
    maxRelativeError,
  };
}
