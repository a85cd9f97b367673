import { checkFinite } from "./validate";

/**
 * A one-unit recurrent net with one shared recurrent weight, unrolled over T time steps:
 *
 *   a_t = w · h_{t−1} + u · x_t,   h_t = tanh(a_t),   t = 1 … T,
 *   L = ½ (h_T − target)²          (the loss is on the last state only).
 *
 * The same w (and the same u) is used at every step, as one filter is used at every position
 * of a convolution, so ∂L/∂w is the sum over the steps of what each use contributes.
 */
export interface RecurrentProblem {
  /** The inputs x_1 … x_T (1 ≤ T ≤ MAX_RECURRENT_STEPS). */
  readonly xs: readonly number[];
  /** The shared recurrent weight (h_{t−1} → h_t). */
  readonly w: number;
  /** The shared input weight (x_t → h_t). */
  readonly u: number;
  /** The initial state h_0. */
  readonly h0: number;
  /** What the last state h_T should be. */
  readonly target: number;
}

/** The most time steps a problem may have. */
export const MAX_RECURRENT_STEPS = 16;

/** One time step of the unrolled net, forward and backward. */
export interface RecurrentStep {
  /** The step, 1 … T. */
  readonly t: number;
  /** The input x_t. */
  readonly x: number;
  /** The state coming in, h_{t−1}. */
  readonly hPrev: number;
  /** The pre-activation a_t = w · h_{t−1} + u · x_t. */
  readonly pre: number;
  /** The state going out, h_t = tanh(a_t). */
  readonly h: number;
  /** ∂L/∂h_t: what reaches this step from the loss, through all later steps. */
  readonly hGrad: number;
  /** ∂L/∂a_t = ∂L/∂h_t · (1 − h_t²): this step's delta. */
  readonly delta: number;
  /** This use of w contributes delta · h_{t−1} to ∂L/∂w. */
  readonly wGrad: number;
  /** This use of u contributes delta · x_t to ∂L/∂u. */
  readonly uGrad: number;
  /** Σ of the w contributions of steps 1 … t, added in that order. */
  readonly wGradSum: number;
  /** Σ of the u contributions of steps 1 … t, added in that order. */
  readonly uGradSum: number;
}

/** Forward pass, loss and backpropagation through time of a RecurrentProblem. */
export interface RecurrentResult {
  /** Steps 1 … T, in time order. */
  readonly steps: readonly RecurrentStep[];
  /** h_T. */
  readonly output: number;
  /** L = ½ (h_T − target)². */
  readonly loss: number;
  /** ∂L/∂w: the w contributions of steps 1 … T, added in that order (= the last wGradSum). */
  readonly wGrad: number;
  /** ∂L/∂u: the u contributions of steps 1 … T, added in that order (= the last uGradSum). */
  readonly uGrad: number;
  /** ∂L/∂h_0. */
  readonly h0Grad: number;
}

/** Checks every field of a problem; throws a RangeError naming the first bad one. */
function checkProblem(problem: RecurrentProblem): void {
  if (typeof problem !== "object" || problem === null) {
    throw new RangeError(`problem must be an object; got ${String(problem)}`);
  }
  const { xs } = problem;
  if (!Array.isArray(xs)) {
    throw new RangeError(`xs must be an array of numbers; got ${typeof xs}`);
  }
  if (xs.length < 1 || xs.length > MAX_RECURRENT_STEPS) {
    throw new RangeError(
      `xs must have 1 to ${MAX_RECURRENT_STEPS} entries (one per time step); got ${xs.length}`,
    );
  }
  xs.forEach((x, i) => {
    checkFinite(`xs[${i}]`, x);
  });
  checkFinite("w", problem.w);
  checkFinite("u", problem.u);
  checkFinite("h0", problem.h0);
  checkFinite("target", problem.target);
}

/** The states h_0 … h_T of the forward pass (h_0 first). */
export function recurrentForward(problem: RecurrentProblem): number[] {
  checkProblem(problem);
  const { xs, w, u } = problem;
  const hs = [problem.h0];
  let h = problem.h0;
  for (const x of xs) {
    h = Math.tanh(w * h + u * x);
    hs.push(h);
  }
  return hs;
}

/** L = ½ (h_T − target)² for the problem's parameters. */
export function recurrentLoss(problem: RecurrentProblem): number {
  const hs = recurrentForward(problem);
  const e = (hs[hs.length - 1] as number) - problem.target;
  return 0.5 * e * e;
}

/**
 * Forward pass, then backpropagation through time: ∂L/∂h flows from h_T back to h_0, each
 * step turns it into its delta and its contributions to ∂L/∂w and ∂L/∂u, and the shared
 * gradients are those contributions summed in time order.
 */
export function recurrentGradients(problem: RecurrentProblem): RecurrentResult {
  const hs = recurrentForward(problem);
  const { xs, w, u, target } = problem;
  const T = xs.length;
  const output = hs[T] as number;
  const error = output - target;
  const hGrads = new Float64Array(T + 1);
  const deltas = new Float64Array(T + 1);
  hGrads[T] = error;
  for (let t = T; t >= 1; t--) {
    const h = hs[t] as number;
    const delta = (hGrads[t] as number) * (1 - h * h);
    deltas[t] = delta;
    hGrads[t - 1] = delta * w;
  }
  const steps: RecurrentStep[] = [];
  let wGradSum = 0;
  let uGradSum = 0;
  for (let t = 1; t <= T; t++) {
    const hPrev = hs[t - 1] as number;
    const x = xs[t - 1] as number;
    const delta = deltas[t] as number;
    const wGrad = delta * hPrev;
    const uGrad = delta * x;
    wGradSum += wGrad;
    uGradSum += uGrad;
    steps.push({
      t,
      x,
      hPrev,
      pre: w * hPrev + u * x,
      h: hs[t] as number,
      hGrad: hGrads[t] as number,
      delta,
      wGrad,
      uGrad,
      wGradSum,
      uGradSum,
    });
  }
  return {
    steps,
    output,
    loss: 0.5 * error * error,
    wGrad: wGradSum,
    uGrad: uGradSum,
    h0Grad: hGrads[0] as number,
  };
}
