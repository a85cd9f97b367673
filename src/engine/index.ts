/**
 * ConvSweep's engine: the mathematics of one shared convolution filter and nothing else.
 * Pure TypeScript with no DOM, workers or timers; all numbers are float64.
 * The public API is described in shared/CONTRACT.md §1.
 */
export { conv2d } from "./conv2d";
export { type ConvGradients, conv2dBackward } from "./conv2dBackward";
export { errorText } from "./errorText";
export { type FusedState, fusedStep3x3 } from "./fusedStep3x3";
export {
  DIFFERENCE_SCHEMES,
  type DifferenceScheme,
  type GradientCheck,
  gradientCheck,
  relativeError,
} from "./gradientCheck";
export { cloneGrid, createGrid, type Grid, gridFromRows, gridToRows } from "./grid";
export {
  type LocalGradients,
  type LocalParams,
  type LocalTrainResult,
  localFilter,
  locallyConnected,
  locallyConnectedBackward,
  shiftGrid,
  trainLocallyConnected,
  untie,
} from "./locallyConnected";
export {
  checkReduction,
  REDUCTIONS,
  type Reduction,
  squaredErrorGrad,
  squaredErrorLoss,
} from "./loss";
export { type PositionContribution, positionContributions } from "./positionContributions";
export {
  MAX_RECURRENT_STEPS,
  type RecurrentProblem,
  type RecurrentResult,
  type RecurrentStep,
  recurrentForward,
  recurrentGradients,
  recurrentLoss,
} from "./recurrent";
export {
  compareReductions,
  type ReductionComparison,
  type ReductionResult,
} from "./reductions";
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
