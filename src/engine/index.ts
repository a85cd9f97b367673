/**
 * ConvSweep's engine: the mathematics of one shared convolution filter and nothing else.
 * Pure TypeScript with no DOM, workers or timers; all numbers are float64.
 * The public API is described in shared/CONTRACT.md §1.
 */
export { conv2d } from "./conv2d";
export { type ConvGradients, conv2dBackward } from "./conv2dBackward";
export { type FusedState, fusedStep3x3 } from "./fusedStep3x3";
export { cloneGrid, createGrid, type Grid, gridFromRows, gridToRows } from "./grid";
export {
  checkReduction,
  REDUCTIONS,
  type Reduction,
  squaredErrorGrad,
  squaredErrorLoss,
} from "./loss";
export { type PositionContribution, positionContributions } from "./positionContributions";
export { checkLearningRate, type Params, sgdUpdate } from "./sgd";
export {
  computeSweep,
  emptySums,
  RECORD_DELTA,
  RECORD_KERNEL_GRAD,
  RECORD_OUT,
  recordInputGradOffset,
  recordLengthFor,
  type Sweep,
  type SweepSums,
  sumsAt,
} from "./sweep";
export { isFusedCase, type Problem, type TrainResult, train } from "./train";
export {
  type ConvOptions,
  MAX_KERNEL_SIDE,
  OPTION_RANGES,
  type OutputShape,
  outputShape,
  type ResolvedConvOptions,
  resolveOptions,
} from "./validate";
