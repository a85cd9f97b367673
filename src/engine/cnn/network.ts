import { checkInteger } from "./checks";
import { type ConvShape, convShape, filterSize } from "./conv";
import { type PoolShape, poolShape } from "./maxPool";
import { heUniform, seededRandom } from "./random";

/** Side of the network's square input: MNIST's 28x28 digits padded by 2 (as LeNet-5 did). */
export const IMAGE_SIDE = 32;
/** Number of classes: the digits 0–9. */
export const CLASSES = 10;

/** The choices that define the network; every field has a range (see CNN_CONFIG_RANGES). */
export interface CnnConfig {
  /** K: filters of the first 3x3 convolution. */
  readonly filters: number;
  /** K2: filters of the optional second 3x3 convolution (K input channels); 0 = no second layer. */
  readonly filters2: number;
  /** Stride of both convolutions, as in the main view. */
  readonly stride: number;
  /** Zero padding of both convolutions, as in the main view. */
  readonly padding: number;
}

/** The accepted ranges of CnnConfig, inclusive, with the defaults. */
export const CNN_CONFIG_RANGES = {
  filters: { min: 1, max: 16, default: 8 },
  filters2: { min: 0, max: 32, default: 0 },
  stride: { min: 1, max: 4, default: 1 },
  padding: { min: 0, max: 3, default: 0 },
} as const;

/** The default network: 8 filters, one convolution layer, stride 1, no padding. */
export const DEFAULT_CNN_CONFIG: CnnConfig = { filters: 8, filters2: 0, stride: 1, padding: 0 };

/**
 * Every layer's shape, derived from a config:
 * 32x32x1 → conv1 3x3 (K) → ReLU → pool1 2x2 → [conv2 3x3 (K→K2) → ReLU → pool2 2x2] → dense → softmax.
 */
export interface CnnArchitecture {
  /** The checked config. */
  readonly config: CnnConfig;
  /** The first convolution: 1 channel in, K filters. */
  readonly conv1: ConvShape;
  /** The max-pool after conv1's ReLU. */
  readonly pool1: PoolShape;
  /** The second convolution (K channels in, K2 filters), or null. */
  readonly conv2: ConvShape | null;
  /** The max-pool after conv2's ReLU, or null. */
  readonly pool2: PoolShape | null;
  /** Inputs of the dense layer: the last pool's output, flattened `[C][H][W]`. */
  readonly denseInputs: number;
  /** Offsets of each parameter block in the flat parameter buffer, and its total length. */
  readonly layout: ParamLayout;
}

/** Where each block of parameters lives in one flat Float64Array. */
export interface ParamLayout {
  /** Start of conv1's weights `[K][1][3][3]` (always 0). */
  readonly conv1Weights: number;
  /** Start of conv1's K biases. */
  readonly conv1Bias: number;
  /** Start of conv2's weights `[K2][K][3][3]` (an empty block without conv2). */
  readonly conv2Weights: number;
  /** Start of conv2's K2 biases. */
  readonly conv2Bias: number;
  /** Start of the dense weights `[10][denseInputs]`. */
  readonly denseWeights: number;
  /** Start of the dense layer's 10 biases. */
  readonly denseBias: number;
  /** Total number of parameters. */
  readonly length: number;
}

/**
 * Checks a config (missing fields take the defaults) and derives every shape. Throws
 * RangeError naming the field, or when stride and padding shrink a layer below 1x1.
 */
export function cnnArchitecture(config: Partial<CnnConfig> = {}): CnnArchitecture {
  if (typeof config !== "object" || config === null) {
    throw new RangeError(`config must be an object; got ${String(config)}`);
  }
  const r = CNN_CONFIG_RANGES;
  const pick = (key: keyof CnnConfig) =>
    checkInteger(key, config[key] ?? r[key].default, r[key].min, r[key].max);
  const checked: CnnConfig = {
    filters: pick("filters"),
    filters2: pick("filters2"),
    stride: pick("stride"),
    padding: pick("padding"),
  };
  const { filters, filters2, stride, padding } = checked;
  const conv1 = convShape({
    inChannels: 1,
    inHeight: IMAGE_SIDE,
    inWidth: IMAGE_SIDE,
    filters,
    kernelHeight: 3,
    kernelWidth: 3,
    stride,
    padding,
  });
  const pool1 = poolAfter("conv1", conv1);
  let conv2: ConvShape | null = null;
  let pool2: PoolShape | null = null;
  if (filters2 > 0) {
    if (pool1.outHeight + 2 * padding < 3) {
      throw new RangeError(
        `stride ${stride} with padding ${padding} leaves conv2 a ${pool1.outHeight}x${pool1.outWidth} input, too small for 3x3`,
      );
    }
    conv2 = convShape({
      inChannels: filters,
      inHeight: pool1.outHeight,
      inWidth: pool1.outWidth,
      filters: filters2,
      kernelHeight: 3,
      kernelWidth: 3,
      stride,
      padding,
    });
    pool2 = poolAfter("conv2", conv2);
  }
  const last = pool2 ?? pool1;
  const denseInputs = last.channels * last.outHeight * last.outWidth;
  const c1 = filters * filterSize(conv1);
  const c2 = conv2 === null ? 0 : filters2 * filterSize(conv2);
  const layout: ParamLayout = {
    conv1Weights: 0,
    conv1Bias: c1,
    conv2Weights: c1 + filters,
    conv2Bias: c1 + filters + c2,
    denseWeights: c1 + filters + c2 + filters2,
    denseBias: c1 + filters + c2 + filters2 + CLASSES * denseInputs,
    length: c1 + filters + c2 + filters2 + CLASSES * denseInputs + CLASSES,
  };
  return { config: checked, conv1, pool1, conv2, pool2, denseInputs, layout };
}

function poolAfter(name: string, conv: ConvShape): PoolShape {
  if (conv.outHeight < 2 || conv.outWidth < 2) {
    throw new RangeError(
      `stride ${conv.stride} with padding ${conv.padding} leaves ${name} a ${conv.outHeight}x${conv.outWidth} output, too small for 2x2 pooling`,
    );
  }
  return poolShape(conv.filters, conv.outHeight, conv.outWidth);
}

/** A filter bank's weights `[K][C][kh][kw]` and biases `[K]`, views into a flat buffer. */
export interface LayerParams {
  /** The weights, filter (or output) after filter. */
  readonly weights: Float64Array;
  /** One bias per filter (or output). */
  readonly bias: Float64Array;
}

/**
 * The network's parameters (or gradients, or momentum buffers: the same layout) as views
 * into one flat buffer `data`, so an update is a single loop and a copy a single `slice`.
 */
export interface CnnParams {
  /** Every parameter, in the order of the architecture's layout. */
  readonly data: Float64Array;
  /** The first convolution's K filters `[K][1][3][3]` and biases. */
  readonly conv1: LayerParams;
  /** The second convolution's K2 filters `[K2][K][3][3]` and biases, or null. */
  readonly conv2: LayerParams | null;
  /** The dense layer's weights `[10][denseInputs]` and biases `[10]`. */
  readonly dense: LayerParams;
}

/** Views of the given layout over `data` (zeros when omitted); `data` is used, not copied. */
export function paramViews(arch: CnnArchitecture, data?: Float64Array): CnnParams {
  const l = arch.layout;
  const buffer = data ?? new Float64Array(l.length);
  if (!(buffer instanceof Float64Array) || buffer.length !== l.length) {
    throw new RangeError(
      `params must be a Float64Array of ${l.length} values for this network; got ${buffer?.length}`,
    );
  }
  const view = (from: number, to: number) => buffer.subarray(from, to);
  return {
    data: buffer,
    conv1: { weights: view(0, l.conv1Bias), bias: view(l.conv1Bias, l.conv2Weights) },
    conv2:
      arch.conv2 === null
        ? null
        : { weights: view(l.conv2Weights, l.conv2Bias), bias: view(l.conv2Bias, l.denseWeights) },
    dense: { weights: view(l.denseWeights, l.denseBias), bias: view(l.denseBias, l.length) },
  };
}

/**
 * Seeded initial parameters: He-uniform weights (fan-in C·3·3 for a convolution, the input
 * count for the dense layer), zero biases. Same seed, same numbers.
 */
export function initParams(arch: CnnArchitecture, seed: number): CnnParams {
  checkInteger("seed", seed, 0, 0xffffffff);
  const params = paramViews(arch);
  const rand = seededRandom(seed);
  heUniform(params.conv1.weights, filterSize(arch.conv1), rand);
  if (params.conv2 !== null && arch.conv2 !== null) {
    heUniform(params.conv2.weights, filterSize(arch.conv2), rand);
  }
  heUniform(params.dense.weights, arch.denseInputs, rand);
  return params;
}
