/**
 * ConvSweep's engine: the mathematics of one shared convolution filter, of the small digits
 * CNN (`cnn/`) and of any small sequential network (`net/`), and nothing else.
 * Pure TypeScript with no DOM, workers or timers; all numbers are float64.
 * The public API is described in docs/engine.md.
 */

export {
  type ConvShape,
  type ConvShapeSpec,
  convForward,
  convShape,
  filterSize,
  MAX_CHANNELS,
} from "./cnn/conv";
export { convBackward } from "./cnn/convBackward";
export {
  type ConvContribution,
  contributingPositions,
  convContributions,
} from "./cnn/convContributions";
export { denseBackward, denseForward } from "./cnn/dense";
export {
  crc32,
  DIGITS_ASSET_NAME,
  DIGITS_HEADER_BYTES,
  DIGITS_MAGIC,
  DIGITS_STORED_SIDE,
  DIGITS_VERSION,
  DigitsAssetError,
  type DigitsAssetProblem,
  type DigitsDataset,
  encodeDigits,
  parseDigits,
} from "./cnn/digits";
export { type Evaluation, evaluate, predict } from "./cnn/evaluate";
export {
  checkLabelledImages,
  classesOfImages,
  DIGITS_SHAPE,
  type ImageShape,
  type LabelledImages,
  loadImage,
  loadShiftedImage,
  shapeOfImages,
  shiftAt,
  UNPADDED_SIDE,
  unpadDigits,
} from "./cnn/images";
export { maxPoolBackward, maxPoolForward, type PoolShape, poolShape } from "./cnn/maxPool";
export {
  CLASSES,
  CNN_CONFIG_RANGES,
  type CnnArchitecture,
  type CnnConfig,
  type CnnParams,
  cnnArchitecture,
  DEFAULT_CNN_CONFIG,
  IMAGE_SIDE,
  initParams,
  type LayerParams,
  type ParamLayout,
  paramViews,
} from "./cnn/network";
export {
  backwardImage,
  type CnnWorkspace,
  type ConvBlockTrace,
  createWorkspace,
  forwardImage,
} from "./cnn/pass";
export { seededRandom } from "./cnn/random";
export { reluBackward, reluBackwardAt, reluForward } from "./cnn/relu";
export { softmaxCrossEntropy } from "./cnn/softmaxCrossEntropy";
export {
  argmax,
  batchGradient,
  type CnnTrainer,
  checkTrainSettings,
  createTrainer,
  DEFAULT_TRAIN_SETTINGS,
  type ImageStream,
  imageAt,
  learningRateAt,
  nextBatch,
  sgdMomentumStep,
  type TrainSettings,
  type TrainStepsResult,
  trainSteps,
} from "./cnn/train";
export { conv2d } from "./conv2d";
export { type ConvGradients, conv2dBackward } from "./conv2dBackward";
export { errorText, loadFailureText } from "./errorText";
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
export { evaluateNetwork, predictNetwork } from "./net/evaluate";
export {
  type BatchStep,
  type NetworkFilterSweep,
  networkBatchStep,
  networkFilterSweep,
  type RouteStage,
  type RunPoint,
} from "./net/filterSweep";
export {
  backwardInto,
  createNetworkWorkspace,
  forwardInto,
  initNetworkParams,
  layerContributions,
  type NetworkGradients,
  type NetworkTrace,
  type NetworkWorkspace,
  networkBackward,
  networkForward,
} from "./net/pass";
export {
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
  type Pool2dShape,
  pool2dShape,
} from "./net/pool";
export { cnnPresetSpec, NETWORK_PRESETS, type NetworkPresetName } from "./net/presets";
export {
  createNetwork,
  inputShapeOf,
  type LayerPlan,
  type LayerShape,
  type LayerSpec,
  layerLabel,
  NETWORK_LIMITS,
  type Network,
  type NetworkSpec,
  sharingSaving,
  sizeOf,
} from "./net/spec";
export {
  applyStep,
  batchShares,
  checkDigitsNetwork,
  checkNetworkImages,
  createNetworkTrainer,
  type NetworkTrainer,
  shareGradient,
  trainNetworkSteps,
  trainStep,
} from "./net/train";
export { exportOnnx } from "./onnx/exportOnnx";
export {
  type ImportedModel,
  importOnnx,
  MAX_ONNX_BYTES,
  OnnxImportError,
} from "./onnx/importOnnx";
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
export { type Problem, type TrainResult, train } from "./train";
export {
  type ConvOptions,
  isFusedCase,
  MAX_KERNEL_SIDE,
  OPTION_RANGES,
  type OutputShape,
  outputShape,
  type ResolvedConvOptions,
  resolveOptions,
} from "./validate";
