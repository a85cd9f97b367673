import { forwardInto } from "./conv2d";
import { backwardInto } from "./conv2dBackward";
import { type FusedState, fusedStep3x3 } from "./fusedStep3x3";
import { createGrid, type Grid } from "./grid";
import { checkReduction, lossDivisor, type Reduction } from "./loss";
import { checkLearningRate, type Params } from "./sgd";
import {
  allFinite,
  type ConvOptions,
  checkConvArguments,
  checkFinite,
  checkShape,
  isFusedCase,
  type ResolvedConvOptions,
} from "./validate";

/** What a filter is trained on: an input, the output it should produce, and how. */
export interface Problem {
  /** The input image. */
  input: Grid;
  /** The output the filter should produce (the conv2d output's shape). */
  target: Grid;
  /** Stride, padding and dilation; defaults as in conv2d. */
  options?: ConvOptions;
  /** How the squared error is reduced. */
  reduction: Reduction;
}

/** The outcome of `train`. */
export interface TrainResult {
  /** The parameters after the last step that kept every value finite. */
  params: Params;
  /** losses[s] is the loss before step s's update; one entry per completed step. */
  losses: Float64Array;
  /** The gradient of the last completed step (zero when no step completed). */
  kernelGrad: Grid;
  /** The bias gradient of the last completed step (zero when no step completed). */
  biasGrad: number;
  /**
   * True when a step produced a non-finite loss, gradient or parameter: training stopped
   * there and `params` are the last finite ones.
   */
  diverged: boolean;
}

/**
 * `steps` steps of plain SGD on the problem's loss, each one a full sweep (forward, loss
 * gradient, backward over every position) and one update of the shared kernel and bias.
 * Arguments are checked once; the fused path runs when it applies, else the general one.
 */
export function train(
  problem: Problem,
  params: Params,
  learningRate: number,
  steps: number,
): TrainResult {
  const checked = checkConvArguments(problem.input, params.kernel, problem.options);
  checkShape("target", problem.target, checked.out, "the output shape");
  checkFinite("bias", params.bias);
  checkReduction(problem.reduction);
  checkLearningRate(learningRate);
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`steps must be a whole number ≥ 0; got ${steps}`);
  }
  const state: FusedState = {
    kernel: params.kernel.data.slice(),
    bias: params.bias,
    kernelGrad: new Float64Array(params.kernel.data.length),
    biasGrad: 0,
    loss: 0,
  };
  const step = isFusedCase(params.kernel, checked.options)
    ? () =>
        fusedStep3x3(
          problem.input.data,
          problem.input.height,
          problem.input.width,
          problem.target.data,
          state,
          problem.reduction,
          learningRate,
        )
    : generalStep(problem, params.kernel, checked.options, state, learningRate);

  const losses = new Float64Array(steps);
  const lastGood = {
    kernel: state.kernel.slice(),
    bias: state.bias,
    kernelGrad: state.kernelGrad.slice(),
    biasGrad: state.biasGrad,
  };
  let done = 0;
  let diverged = false;
  for (; done < steps; done++) {
    step();
    if (!(allFinite(state.kernel) && Number.isFinite(state.bias) && Number.isFinite(state.loss))) {
      diverged = true;
      break;
    }
    losses[done] = state.loss;
    lastGood.kernel.set(state.kernel);
    lastGood.bias = state.bias;
    lastGood.kernelGrad.set(state.kernelGrad);
    lastGood.biasGrad = state.biasGrad;
  }
  const { height, width } = params.kernel;
  return {
    params: { kernel: createGrid(height, width, lastGood.kernel), bias: lastGood.bias },
    losses: losses.slice(0, done),
    kernelGrad: createGrid(height, width, lastGood.kernelGrad),
    biasGrad: lastGood.biasGrad,
    diverged,
  };
}

/** The same step through the general forward and backward passes, with buffers reused. */
function generalStep(
  problem: Problem,
  kernelShape: Grid,
  options: ResolvedConvOptions,
  state: FusedState,
  learningRate: number,
): () => void {
  const { input, target, reduction } = problem;
  const kernel = createGrid(kernelShape.height, kernelShape.width, state.kernel);
  const out = createGrid(target.height, target.width);
  const outputGrad = createGrid(target.height, target.width);
  const kernelGrad = createGrid(kernel.height, kernel.width, state.kernelGrad);
  const n = out.data.length;
  const div = lossDivisor(reduction, n);
  return () => {
    forwardInto(input, kernel, state.bias, options, out);
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const y = out.data[i] as number;
      const t = target.data[i] as number;
      const e = y - t;
      sq += e * e;
      outputGrad.data[i] = e / div;
    }
    state.loss = reduction === "sum" ? 0.5 * sq : (0.5 * sq) / n;
    kernelGrad.data.fill(0);
    state.biasGrad = backwardInto(input, kernel, outputGrad, options, kernelGrad, null);
    for (let t = 0; t < kernel.data.length; t++) {
      kernel.data[t] = (kernel.data[t] as number) - learningRate * (kernelGrad.data[t] as number);
    }
    state.bias = state.bias - learningRate * state.biasGrad;
  };
}
