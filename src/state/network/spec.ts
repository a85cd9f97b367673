/**
 * The section's network as data: the layers a file or a link carries, read with the file's
 * rules (the first problem refused, naming the field), and the checks that make a spec one
 * the section can train on the digits. A link writes the layers as a short text, one token a
 * layer: `c5x5k6s1p0d1` (conv: kernel, filters, stride, padding, dilation), `r` (ReLU),
 * `m2s2` / `a2s2` (max- / average-pool: size, stride), `f` (flatten), `d120` (dense).
 */
import {
  createNetwork,
  errorText,
  type ImageShape,
  type LayerShape,
  type LayerSpec,
  NETWORK_LIMITS,
  type Network,
  type NetworkSpec,
  sharingSaving,
  sizeOf,
} from "../../engine";
import { checkRecord, StateFileError, shown } from "../stateRules";
import { type DataFit, DIGITS_FIT, DIGITS_INPUT } from "./data";

function fail(message: string): never {
  throw new StateFileError(message);
}

export { type DataFit, DIGITS_FIT, DIGITS_INPUT, DIGITS_INPUT_28 } from "./data";

const shapeText = (s: ImageShape) => `${s.channels}x${s.height}x${s.width}`;

/** The ranges of every layer field the editor, the file and the link accept. */
export const LAYER_RANGES = {
  filters: { min: 1, max: NETWORK_LIMITS.filters },
  kernel: { min: 1, max: 7 },
  stride: { min: 1, max: 4 },
  padding: { min: 0, max: 3 },
  dilation: { min: 1, max: 3 },
  size: { min: 2, max: 4 },
  units: { min: 1, max: NETWORK_LIMITS.units },
} as const;

/** The layer kinds, as the editor names them. */
export const LAYER_TYPES: readonly LayerSpec["type"][] = [
  "conv2d",
  "relu",
  "maxpool2d",
  "avgpool2d",
  "flatten",
  "dense",
];

/** A conv layer's kernel height and width. */
export function kernelOf(layer: { kernelSize: number | [number, number] }): [number, number] {
  const k = layer.kernelSize;
  return Array.isArray(k) ? [k[0], k[1]] : [k, k];
}

/** The indices of the conv layers (the layers whose filters can be swept). */
export function convLayers(spec: NetworkSpec): number[] {
  return spec.layers.flatMap((l, i) => (l.type === "conv2d" ? [i] : []));
}

/**
 * A layer with every field written out (a conv's stride, padding and dilation, a pool's
 * stride), so that equal layers are equal objects and a file or link gives back what it got.
 */
export function normalLayer(l: LayerSpec): LayerSpec {
  switch (l.type) {
    case "conv2d": {
      const [kh, kw] = kernelOf(l);
      return {
        type: l.type,
        filters: l.filters,
        kernelSize: kh === kw ? kh : [kh, kw],
        stride: l.stride ?? 1,
        padding: l.padding ?? 0,
        dilation: l.dilation ?? 1,
      };
    }
    case "maxpool2d":
    case "avgpool2d":
      return { type: l.type, size: l.size, stride: l.stride ?? l.size };
    case "dense":
      return { type: l.type, units: l.units };
    default:
      return { type: l.type };
  }
}

/** A classifier of `input` images with these layers, each written out by normalLayer. */
export function sectionSpec(
  layers: readonly LayerSpec[],
  input: ImageShape = DIGITS_INPUT,
): NetworkSpec {
  const { channels, height, width } = input;
  return {
    input: { channels, height, width },
    layers: layers.map(normalLayer),
    loss: "cross-entropy",
  };
}

/** A spec of the digits (1x32x32) with these layers, each written out by normalLayer. */
export function digitsSpec(layers: readonly LayerSpec[]): NetworkSpec {
  return sectionSpec(layers);
}

/**
 * The layers with the last one made to give one value per class, when it is a dense layer
 * (a preset, or layers made for another data set); any other last layer is kept.
 */
export function layersForClasses(layers: readonly LayerSpec[], classes: number): LayerSpec[] {
  const last = layers.at(-1);
  if (last?.type !== "dense") return [...layers];
  return [...layers.slice(0, -1), { type: "dense", units: classes }];
}

/**
 * The network a spec makes for the section, or the reason it cannot be one: the engine's
 * checks (named at the layer), then the data's (an input shape it can feed, one value per
 * class out) and at least one convolution, whose filters the section sweeps.
 */
export function sectionNetwork(spec: NetworkSpec, fit: DataFit = DIGITS_FIT): Network {
  const net = createNetwork(spec);
  const input = spec.input;
  if (!fit.inputs.some((s) => shapeText(s) === shapeText(input))) {
    throw new RangeError(
      `the network reads ${shapeText(input)} images; ${fit.what} can be read as ${fit.inputs.map(shapeText).join(" or ")}`,
    );
  }
  const out = net.shapes.at(-1);
  const size = out === undefined ? 0 : sizeOf(out);
  if (spec.loss !== "cross-entropy" || size !== fit.classes) {
    throw new RangeError(
      `${fit.what} have ${fit.classes} classes: the network must end in ${fit.classes} values, and it ends in ${size}`,
    );
  }
  if (convLayers(spec).length === 0) {
    throw new RangeError("the network needs a conv layer: the section sweeps a filter of one");
  }
  return net;
}

/** The reason a spec cannot be the section's network (null: it can). */
export function specProblem(spec: NetworkSpec, fit: DataFit = DIGITS_FIT): string | null {
  try {
    sectionNetwork(spec, fit);
    return null;
  } catch (error) {
    return errorText(error);
  }
}

function whole(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    fail(`"${name}" must be a whole number, but it is ${shown(value)}.`);
  }
  if (value < min || value > max)
    fail(`"${name}" must be from ${min} to ${max}, but it is ${value}.`);
  return value;
}

const record = checkRecord;

/** The fields each kind of layer has (any other field is refused). */
const FIELDS: Record<LayerSpec["type"], readonly string[]> = {
  conv2d: ["type", "filters", "kernelSize", "stride", "padding", "dilation"],
  relu: ["type"],
  maxpool2d: ["type", "size", "stride"],
  avgpool2d: ["type", "size", "stride"],
  flatten: ["type"],
  dense: ["type", "units"],
};

/** Reads one layer of a file, every field checked against LAYER_RANGES. */
export function readLayer(value: unknown, name: string): LayerSpec {
  const l = record(value, name);
  const type = l.type as LayerSpec["type"];
  if (!LAYER_TYPES.includes(type)) {
    fail(`"${name}.type" must be one of ${LAYER_TYPES.join(", ")}, but it is ${shown(l.type)}.`);
  }
  const extra = Object.keys(l).find((key) => !FIELDS[type].includes(key));
  if (extra !== undefined) fail(`"${name}" is a ${type} layer, which has no field "${extra}".`);
  const r = LAYER_RANGES;
  const field = (key: string, range: { min: number; max: number }, fallback?: number) =>
    l[key] === undefined && fallback !== undefined
      ? fallback
      : whole(l[key], `${name}.${key}`, range.min, range.max);
  switch (type) {
    case "conv2d": {
      const k = l.kernelSize;
      const kernelSize: number | [number, number] = Array.isArray(k)
        ? k.length === 2
          ? [whole(k[0], `${name}.kernelSize[0]`, 1, 7), whole(k[1], `${name}.kernelSize[1]`, 1, 7)]
          : fail(`"${name}.kernelSize" must be a number or two numbers, but it holds ${k.length}.`)
        : field("kernelSize", r.kernel);
      return {
        type,
        filters: field("filters", r.filters),
        kernelSize,
        stride: field("stride", r.stride, 1),
        padding: field("padding", r.padding, 0),
        dilation: field("dilation", r.dilation, 1),
      };
    }
    case "maxpool2d":
    case "avgpool2d": {
      const size = field("size", r.size);
      return { type, size, stride: field("stride", r.stride, size) };
    }
    case "dense":
      return { type, units: field("units", r.units) };
    default:
      return { type };
  }
}

/**
 * Reads a file's network (`{input, layers, loss}`): an input its data can feed (`fit`: the
 * digits unless the file names other images), the cross-entropy loss, at most
 * NETWORK_LIMITS.layers layers, each read by readLayer, and a network the section can train.
 */
export function readSpec(value: unknown, name = "network", fit: DataFit = DIGITS_FIT): NetworkSpec {
  const n = record(value, name);
  const input = record(n.input, `${name}.input`);
  const shape = fit.inputs.find(
    (s) => input.channels === s.channels && input.height === s.height && input.width === s.width,
  );
  if (shape === undefined) {
    fail(
      `"${name}.input" must be ${fit.inputs.map((s) => JSON.stringify(s).replaceAll(",", ", ").replaceAll(":", ": ")).join(" or ")} (${fit.what}), but it is ${shown(input)}.`,
    );
  }
  if (n.loss !== "cross-entropy") {
    fail(
      `"${name}.loss" must be "cross-entropy" (it classifies ${fit.what}), but it is ${shown(n.loss)}.`,
    );
  }
  if (!Array.isArray(n.layers))
    fail(`"${name}.layers" must be an array, but it is ${shown(n.layers)}.`);
  if (n.layers.length > NETWORK_LIMITS.layers) {
    fail(
      `"${name}.layers" holds ${n.layers.length} layers; a network has at most ${NETWORK_LIMITS.layers}.`,
    );
  }
  const spec = sectionSpec(
    n.layers.map((l, i) => readLayer(l, `${name}.layers[${i}]`)),
    shape,
  );
  const problem = specProblem(spec, fit);
  if (problem !== null) fail(`"${name}" does not make a network the section can train: ${problem}`);
  return spec;
}

/** One layer's token in a link. */
function layerToken(l: LayerSpec): string {
  switch (l.type) {
    case "conv2d": {
      const [kh, kw] = kernelOf(l);
      return `c${kh}x${kw}k${l.filters}s${l.stride ?? 1}p${l.padding ?? 0}d${l.dilation ?? 1}`;
    }
    case "relu":
      return "r";
    case "maxpool2d":
      return `m${l.size}s${l.stride ?? l.size}`;
    case "avgpool2d":
      return `a${l.size}s${l.stride ?? l.size}`;
    case "flatten":
      return "f";
    case "dense":
      return `d${l.units}`;
  }
}

/** The layers of a spec as a link's text: tokens joined by ".". */
export function layersText(spec: NetworkSpec): string {
  return spec.layers.map(layerToken).join(".");
}

/** Tokens: a letter, then its decimal numbers (no signs, no exponents, no hex). */
const TOKENS: Record<string, RegExp> = {
  c: /^c(\d{1,2})x(\d{1,2})k(\d{1,4})s(\d{1,2})p(\d{1,2})d(\d{1,2})$/,
  r: /^r$/,
  m: /^m(\d{1,2})s(\d{1,2})$/,
  a: /^a(\d{1,2})s(\d{1,2})$/,
  f: /^f$/,
  d: /^d(\d{1,5})$/,
};

/** Reads a link's layers text with the file's rules (readSpec); throws naming the layer. */
export function readLayersText(text: string): NetworkSpec {
  const tokens = text.split(".");
  const layers = tokens.map((token, i): unknown => {
    const m = TOKENS[token.charAt(0)]?.exec(token);
    if (!m) fail(`The link's layer ${i + 1} reads "${token.slice(0, 40)}", which is not a layer.`);
    const n = m.slice(1).map(Number);
    switch (token.charAt(0)) {
      case "c": {
        const [kh, kw, filters, stride, padding, dilation] = n;
        return {
          type: "conv2d",
          filters,
          kernelSize: kh === kw ? kh : [kh, kw],
          stride,
          padding,
          dilation,
        };
      }
      case "m":
        return { type: "maxpool2d", size: n[0], stride: n[1] };
      case "a":
        return { type: "avgpool2d", size: n[0], stride: n[1] };
      case "d":
        return { type: "dense", units: n[0] };
      default:
        return { type: token === "r" ? "relu" : "flatten" };
    }
  });
  return readSpec({ input: DIGITS_INPUT, layers, loss: "cross-entropy" }, "layers");
}

/** What the editor shows of one layer: its output, its parameters, what sharing saves. */
export interface LayerRow {
  /** The layer's output shape (null: the layers up to it do not make a network). */
  readonly shape: LayerShape | null;
  readonly flat: boolean;
  /** Its parameters (weights and biases; 0 for a layer without any). */
  readonly params: number | null;
  /** A conv layer's parameters against one filter per output position. */
  readonly saving: { readonly shared: number; readonly untied: number } | null;
}

/**
 * Each layer's row for the editor: for the longest run of layers from the first that makes a
 * network (every layer, when they all do), each layer's output, parameters and sharing; the
 * rows after it have none.
 */
export function layerRows(
  layers: readonly LayerSpec[],
  input: ImageShape = DIGITS_INPUT,
): LayerRow[] {
  let net: Network | null = null;
  for (let n = layers.length; n > 0 && net === null; n--) {
    try {
      net = createNetwork(sectionSpec(layers.slice(0, n), input));
    } catch {
      net = null;
    }
  }
  return layers.map((_, i) => {
    const plan = net?.plans[i];
    if (net === null || plan === undefined) {
      return { shape: null, flat: false, params: null, saving: null };
    }
    const params =
      plan.type === "conv2d" || plan.type === "dense"
        ? plan.bias - plan.weights + (plan.type === "conv2d" ? plan.conv.filters : plan.units)
        : 0;
    return {
      shape: net.shapes[i] ?? null,
      flat: net.flat[i] ?? false,
      params,
      saving: plan.type === "conv2d" ? sharingSaving(net, i) : null,
    };
  });
}

/** A new layer of a kind, with fields a learner would start from. */
export function newLayer(type: LayerSpec["type"]): LayerSpec {
  switch (type) {
    case "conv2d":
      return { type, filters: 8, kernelSize: 3, stride: 1, padding: 1, dilation: 1 };
    case "maxpool2d":
    case "avgpool2d":
      return { type, size: 2, stride: 2 };
    case "dense":
      return { type, units: 32 };
    default:
      return { type };
  }
}

/**
 * Where a new layer of a kind goes: a layer that works on images (conv, ReLU, pools) before
 * the first flatten or dense layer, a dense layer or a flatten just before the output layer.
 */
export function insertAt(layers: readonly LayerSpec[], type: LayerSpec["type"]): number {
  if (type === "dense" || type === "flatten") return Math.max(0, layers.length - 1);
  const flat = layers.findIndex((l) => l.type === "flatten" || l.type === "dense");
  return flat === -1 ? layers.length : flat;
}
