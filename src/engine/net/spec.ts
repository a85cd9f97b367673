import { checkInteger } from "../cnn/checks";
import { type ConvShape, convShape } from "../cnn/conv";
import { type Pool2dShape, pool2dShape } from "./pool";

/** One layer of a sequential network (docs/engine.md, "Any network"). */
export type LayerSpec =
  | {
      type: "conv2d";
      filters: number;
      kernelSize: number | [number, number];
      /** Defaults to 1. */
      stride?: number;
      /** Zero padding on all four sides; defaults to 0. */
      padding?: number;
      /** Defaults to 1. */
      dilation?: number;
    }
  | { type: "relu" }
  /** Stride defaults to the size. */
  | { type: "maxpool2d"; size: number; stride?: number }
  | { type: "avgpool2d"; size: number; stride?: number }
  /** `[C][H][W]` → C·H·W values, in that order (as torch.flatten). */
  | { type: "flatten" }
  | { type: "dense"; units: number };

/** A sequential network: its input, its layers in order, its loss. */
export interface NetworkSpec {
  /** 1 channel = grayscale, 3 = colour (RGB); sides 8–128. */
  input: { channels: number; height: number; width: number };
  layers: LayerSpec[];
  /**
   * cross-entropy: softmax of the last layer's outputs against a class index;
   * squared-error: ½ Σ (out − target)² against a target of the last layer's size.
   */
  loss: "cross-entropy" | "squared-error";
}

/** A layer's output: C x H x W values, or a flat vector of C values (H = W = 1, flat). */
export interface LayerShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** What the engine derives for each layer: its shape, and where its parameters live. */
export type LayerPlan =
  | {
      readonly type: "conv2d";
      readonly conv: ConvShape;
      /** Start of the weights `[K][C][kh][kw]` in the parameters, then the K biases. */
      readonly weights: number;
      readonly bias: number;
    }
  | { readonly type: "relu" }
  | { readonly type: "maxpool2d" | "avgpool2d"; readonly pool: Pool2dShape }
  | { readonly type: "flatten" }
  | {
      readonly type: "dense";
      readonly inputs: number;
      readonly units: number;
      /** Start of the weights `[units][inputs]` in the parameters, then the biases. */
      readonly weights: number;
      readonly bias: number;
    };

/** A checked network: its spec, every layer's output shape, its parameter layout. */
export interface Network {
  readonly spec: NetworkSpec;
  /** The output shape of every layer, in order. */
  readonly shapes: readonly LayerShape[];
  /** Whether each layer's output is flat (after a flatten or a dense layer). */
  readonly flat: readonly boolean[];
  /**
   * Parameters in PyTorch's order: for each layer that has them, its weight
   * (conv2d: [out][in][kh][kw]; dense: [out][in]) and then its bias.
   */
  readonly paramCount: number;
  /** Multiply-adds of one forward pass (convolutions and dense layers). */
  readonly multiplyAdds: number;
  /** The derived plan of every layer, in order. */
  readonly plans: readonly LayerPlan[];
}

/** The limits that keep a network trainable in the page (docs/engine.md). */
export const NETWORK_LIMITS = {
  /** Most layers in one network. */
  layers: 32,
  /** Most parameters (16 MB as float64; training keeps three copies per worker). */
  params: 2_000_000,
  /** Most multiply-adds of one image's forward pass (the backward pass costs about twice). */
  multiplyAdds: 25_000_000,
  /** Input sides. */
  side: { min: 8, max: 128 },
  /** Filters of a convolution, units of a dense layer. */
  filters: 64,
  units: 1024,
} as const;

/** How a layer is named in messages: "conv 5x5", "max-pool 2x2", "dense 120". */
export function layerLabel(layer: LayerSpec): string {
  switch (layer.type) {
    case "conv2d": {
      const [kh, kw] = kernelOf(layer.kernelSize);
      return `conv ${kh}x${kw}`;
    }
    case "relu":
      return "ReLU";
    case "maxpool2d":
      return `max-pool ${layer.size}x${layer.size}`;
    case "avgpool2d":
      return `average-pool ${layer.size}x${layer.size}`;
    case "flatten":
      return "flatten";
    case "dense":
      return `dense ${layer.units}`;
  }
}

function kernelOf(size: number | [number, number]): [number, number] {
  return Array.isArray(size) ? [size[0], size[1]] : [size, size];
}

/** The numbers a message shows: 72000 → "72,000". */
function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Checks a spec and derives every layer's shape and the parameter layout. Throws a RangeError
 * naming the layer (numbered from 1, as the page shows them), the field and the value, for a
 * field out of range, a layer that does not fit its input, or a network past NETWORK_LIMITS.
 */
export function createNetwork(spec: NetworkSpec): Network {
  if (spec === null || typeof spec !== "object") throw new RangeError("spec must be an object");
  const input = spec.input;
  if (input === null || typeof input !== "object") {
    throw new RangeError("spec.input must be an object");
  }
  const channels = checkInteger("input.channels", input.channels, 1, 3);
  if (channels === 2)
    throw new RangeError("input.channels must be 1 (grayscale) or 3 (colour); got 2");
  const { min, max } = NETWORK_LIMITS.side;
  const height = checkInteger("input.height", input.height, min, max);
  const width = checkInteger("input.width", input.width, min, max);
  if (spec.loss !== "cross-entropy" && spec.loss !== "squared-error") {
    throw new RangeError(
      `loss must be "cross-entropy" or "squared-error"; got ${JSON.stringify(spec.loss)}`,
    );
  }
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw new RangeError("layers must be a list of at least one layer");
  }
  checkInteger("the number of layers", spec.layers.length, 1, NETWORK_LIMITS.layers);

  const shapes: LayerShape[] = [];
  const flats: boolean[] = [];
  const plans: LayerPlan[] = [];
  let shape: LayerShape = { channels, height, width };
  let flat = false;
  let params = 0;
  let multiplyAdds = 0;
  spec.layers.forEach((layer, index) => {
    const at = `layer ${index + 1}`;
    if (layer === null || typeof layer !== "object")
      throw new RangeError(`${at} must be an object`);
    checkType(layer, at);
    const named = `${at}, ${layerLabel(layer)}`;
    const field = (name: string, value: unknown, lo: number, hi: number) =>
      checkInteger(`${at} (${layer.type}) ${name}`, value, lo, hi);
    const spatial = () => {
      if (flat) {
        throw new RangeError(
          `${named}: its input is already flat (${shape.channels} values); put it before the flatten`,
        );
      }
    };
    let plan: LayerPlan;
    switch (layer.type) {
      case "conv2d": {
        spatial();
        const filters = field("filters", layer.filters, 1, NETWORK_LIMITS.filters);
        const [kh, kw] = kernelOf(layer.kernelSize);
        const stride = field("stride", layer.stride ?? 1, 1, 4);
        const padding = field("padding", layer.padding ?? 0, 0, 3);
        const dilation = field("dilation", layer.dilation ?? 1, 1, 3);
        const spanH = dilation * (kh - 1) + 1;
        const spanW = dilation * (kw - 1) + 1;
        const paddedH = shape.height + 2 * padding;
        const paddedW = shape.width + 2 * padding;
        if (spanH > paddedH || spanW > paddedW) {
          const input = padding === 0 ? "its input" : `its input padded by ${padding}`;
          const kernel = dilation === 1 ? "the kernel" : `the dilated kernel (${spanH}x${spanW})`;
          throw new RangeError(
            `${named}: ${input} is ${paddedH}x${paddedW}, smaller than ${kernel}`,
          );
        }
        const conv = convShape({
          inChannels: shape.channels,
          inHeight: shape.height,
          inWidth: shape.width,
          filters,
          kernelHeight: kh,
          kernelWidth: kw,
          stride,
          padding,
          dilation,
        });
        plan = {
          type: "conv2d",
          conv,
          weights: params,
          bias: params + filters * shape.channels * kh * kw,
        };
        params += filters * (shape.channels * kh * kw + 1);
        multiplyAdds += conv.outHeight * conv.outWidth * filters * shape.channels * kh * kw;
        shape = { channels: filters, height: conv.outHeight, width: conv.outWidth };
        break;
      }
      case "relu":
        plan = { type: "relu" };
        break;
      case "maxpool2d":
      case "avgpool2d": {
        spatial();
        const size = field("size", layer.size, 2, 4);
        const stride = field("stride", layer.stride ?? size, 1, 4);
        if (size > shape.height || size > shape.width) {
          throw new RangeError(
            `${named}: its input is ${shape.height}x${shape.width}, smaller than the window`,
          );
        }
        const pool = pool2dShape(shape.channels, shape.height, shape.width, size, stride);
        plan = { type: layer.type, pool };
        shape = { channels: shape.channels, height: pool.outHeight, width: pool.outWidth };
        break;
      }
      case "flatten":
        spatial();
        plan = { type: "flatten" };
        shape = { channels: shape.channels * shape.height * shape.width, height: 1, width: 1 };
        flat = true;
        break;
      case "dense": {
        const units = field("units", layer.units, 1, NETWORK_LIMITS.units);
        if (!flat) {
          throw new RangeError(
            `${named}: its input is ${shape.channels}x${shape.height}x${shape.width}, not flat; add a flatten before it`,
          );
        }
        const inputs = shape.channels;
        plan = { type: "dense", inputs, units, weights: params, bias: params + units * inputs };
        params += units * (inputs + 1);
        multiplyAdds += units * inputs;
        shape = { channels: units, height: 1, width: 1 };
        break;
      }
    }
    plans.push(plan);
    shapes.push(shape);
    flats.push(flat);
  });
  if (spec.loss === "cross-entropy" && (!flat || shape.channels < 2)) {
    throw new RangeError(
      flat
        ? `the network ends in ${shape.channels} value: cross-entropy needs at least 2 classes`
        : `the network ends in ${shape.channels}x${shape.height}x${shape.width} values, not flat: cross-entropy needs a flatten or a dense layer last`,
    );
  }
  if (params > NETWORK_LIMITS.params) {
    throw new RangeError(
      `the network has ${count(params)} parameters, more than the ${count(NETWORK_LIMITS.params)} the page trains`,
    );
  }
  if (multiplyAdds > NETWORK_LIMITS.multiplyAdds) {
    throw new RangeError(
      `the network needs ${count(multiplyAdds)} multiply-adds per image, more than the ${count(NETWORK_LIMITS.multiplyAdds)} the page trains`,
    );
  }
  return { spec, shapes, flat: flats, paramCount: params, multiplyAdds, plans };
}

const LAYER_TYPES: readonly LayerSpec["type"][] = [
  "conv2d",
  "relu",
  "maxpool2d",
  "avgpool2d",
  "flatten",
  "dense",
];

/** Checks a layer's type, and a convolution's kernel size (1–7, or [height, width] each 1–7). */
function checkType(layer: LayerSpec, at: string): void {
  if (!LAYER_TYPES.includes(layer.type)) {
    throw new RangeError(
      `${at} type must be one of ${LAYER_TYPES.join(", ")}; got ${JSON.stringify(layer.type)}`,
    );
  }
  if (layer.type !== "conv2d") return;
  const size: unknown = layer.kernelSize;
  const [kh, kw] = Array.isArray(size) && size.length === 2 ? size : [size, size];
  checkInteger(`${at} (conv2d) kernel height`, kh, 1, 7);
  checkInteger(`${at} (conv2d) kernel width`, kw, 1, 7);
}

/** The shape a layer's input has: the network's input for layer 0. */
export function inputShapeOf(net: Network, layer: number): LayerShape {
  return layer === 0 ? net.spec.input : (net.shapes[layer - 1] as LayerShape);
}

/** Values in a shape. */
export function sizeOf(shape: LayerShape): number {
  return shape.channels * shape.height * shape.width;
}

/**
 * "shared: 80 parameters; untied, one filter per position, it would be 72,000": what weight
 * sharing saves in one convolution layer (its filters' weights and biases, against a filter
 * and a bias of its own at every output position).
 */
export function sharingSaving(net: Network, layer: number): { shared: number; untied: number } {
  const plan = net.plans[layer];
  if (plan === undefined || plan.type !== "conv2d") {
    throw new RangeError(`layer ${layer + 1} is not a convolution`);
  }
  const { conv } = plan;
  const perFilter = conv.inChannels * conv.kernelHeight * conv.kernelWidth + 1;
  const shared = conv.filters * perFilter;
  return { shared, untied: shared * conv.outHeight * conv.outWidth };
}
