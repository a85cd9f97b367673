import { conv2d } from "./conv2d";
import { conv2dBackward } from "./conv2dBackward";
import type { Grid } from "./grid";
import { type Reduction, squaredErrorGrad, squaredErrorLoss } from "./loss";
import { checkLearningRate, type Params, sgdUpdate } from "./sgd";
import type { Problem } from "./train";

/** The loss, gradient and one SGD update under one reduction. */
export interface ReductionResult {
  /** The loss under this reduction. */
  readonly loss: number;
  /** ∂L/∂kernel: conv2dBackward's, for this reduction's outputGrad. */
  readonly kernelGrad: Grid;
  /** ∂L/∂bias. */
  readonly biasGrad: number;
  /** The learning rate of the update below. */
  readonly learningRate: number;
  /** kernel − learningRate · kernelGrad. */
  readonly kernelAfter: Grid;
  /** bias − learningRate · biasGrad. */
  readonly biasAfter: number;
}

/** The same problem under both reductions. */
export interface ReductionComparison {
  /** N: the number of output positions the mean divides by. */
  readonly positions: number;
  /** With the sum's update taken at learningRate / N. */
  readonly sum: ReductionResult;
  /** With the mean's update taken at learningRate. */
  readonly mean: ReductionResult;
}

/**
 * The gradient under the sum and the mean, and one update with each: the sum's at
 * learningRate / N, the mean's at learningRate, so both updates land on the same parameters
 * (up to rounding). The problem's own reduction, if it has one, is not used.
 */
export function compareReductions(
  problem: Omit<Problem, "reduction">,
  params: Params,
  learningRate: number,
): ReductionComparison {
  const { input, target, options } = problem;
  const { kernel, bias } = params;
  // conv2d checks input, kernel, bias and options; squaredErrorGrad checks the target.
  const out = conv2d(input, kernel, bias, options);
  checkLearningRate(learningRate);
  const positions = out.height * out.width;
  const under = (reduction: Reduction, rate: number): ReductionResult => {
    const outputGrad = squaredErrorGrad(out, target, reduction);
    const { kernelGrad, biasGrad } = conv2dBackward(input, kernel, outputGrad, options);
    const after = sgdUpdate(params, kernelGrad, biasGrad, rate);
    return {
      loss: squaredErrorLoss(out, target, reduction),
      kernelGrad,
      biasGrad,
      learningRate: rate,
      kernelAfter: after.kernel,
      biasAfter: after.bias,
    };
  };
  return {
    positions,
    sum: under("sum", learningRate / positions),
    mean: under("mean", learningRate),
  };
}
