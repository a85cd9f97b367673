import {
  createNetwork,
  type LayerPlan,
  type LayerShape,
  learningRateAt,
  type Network,
  type NetworkSpec,
  type TrainSettings,
} from "../../engine";
import type { SweepChoice } from "../../state/network/store";
import { type Flavour, pyInt, pyNumber, pyRows } from "../codeTwin/pythonScript";
import { NUMPY_LAYERS, NUMPY_PASSES } from "./networkScriptNumpy";
import {
  closing,
  HEADER,
  NUMPY_CHECK,
  PYTORCH_CHECK,
  PYTORCH_LAYERS,
  PYTORCH_PASSES,
  SWEEP,
  WINDOW,
} from "./networkScriptPython";

/** The file names the network's scripts download as. */
export const NETWORK_SCRIPT_NAMES: Record<Flavour, string> = {
  pytorch: "convsweep_network_pytorch.py",
  numpy: "convsweep_network_numpy.py",
};

/** What a script of "Inside a real network" reproduces: the network, one image, one filter. */
export interface NetworkScriptState {
  /** The network: its input, its layers in order, its loss (cross-entropy here). */
  readonly spec: NetworkSpec;
  /** Batch size (the mean's 1/N), η and its half-life, μ, sum or mean. */
  readonly settings: TrainSettings;
  /** Every parameter, in the layout of createNetwork(spec) (PyTorch's order and layout). */
  readonly params: Float64Array;
  /** The momentum buffer, same layout. */
  readonly velocity: Float64Array;
  /** Training steps taken (this step's η depends on it). */
  readonly steps: number;
  /** The image swept, spec.input's C·H·W values (the digits: 1x32x32 in [0, 1]), and its label. */
  readonly image: Float64Array;
  readonly label: number;
  /** Where the image comes from (named in the script's comments). */
  readonly choice: SweepChoice;
  /** The conv2d layer swept (its index in spec.layers, from 0) and its filter (from 0). */
  readonly layer: number;
  readonly filter: number;
  /** A person's images: their classes' names (absent: the digits). */
  readonly classNames?: readonly string[];
}

/** The checked network and the swept layer's plan: every number a script prints comes from here. */
interface Checked {
  readonly net: Network;
  readonly conv: Extract<LayerPlan, { type: "conv2d" }>["conv"];
  /** The top of the filter's block: the last of the ReLUs and pools right above the conv. */
  readonly above: number;
}

/** A flat buffer as a nested Python list of `width` numbers a line ("[]" when empty). */
function rows(data: Float64Array, width: number): string {
  if (data.length === 0) return "[]";
  return pyRows({ height: data.length / width, width, data }, "");
}

function imageName(choice: SweepChoice, label: number, classNames?: readonly string[]): string {
  if (choice.set === "drawn") return `your drawing, labelled ${pyInt(label)}`;
  const set = choice.set === "train" ? "training" : "test";
  if (classNames !== undefined) {
    // A folder's name, written as a JSON string so that no character of it breaks the comment.
    const name = JSON.stringify(classNames[label] ?? "").replace(/[\r\n]/g, " ");
    return `${set} image ${pyInt(choice.index)} (class ${pyInt(label)}, ${name})`;
  }
  return `${set} digit ${pyInt(choice.index)} (a ${pyInt(label)})`;
}

/** The shape of layer `index`'s input. */
function inputOf(net: Network, index: number): LayerShape | undefined {
  return index === 0 ? net.spec.input : net.shapes[index - 1];
}

/** "8x30x30", or "1352" for a flat output. */
function shapeText(net: Network, index: number): string {
  const s: LayerShape = index < 0 ? net.spec.input : (net.shapes[index] as LayerShape);
  if (index >= 0 && net.flat[index]) return pyInt(s.channels);
  return `${pyInt(s.channels)}x${pyInt(s.height)}x${pyInt(s.width)}`;
}

/** What a layer is, in words: "conv 3x3, 8 filters, stride 2, padding 1". */
function layerText(plan: LayerPlan): string {
  switch (plan.type) {
    case "conv2d": {
      const c = plan.conv;
      const extra = [
        c.stride === 1 ? "" : `, stride ${pyInt(c.stride)}`,
        c.padding === 0 ? "" : `, padding ${pyInt(c.padding)}`,
        c.dilation === 1 ? "" : `, dilation ${pyInt(c.dilation)}`,
      ].join("");
      return `conv ${pyInt(c.kernelHeight)}x${pyInt(c.kernelWidth)}, ${pyInt(c.filters)} filters${extra}`;
    }
    case "relu":
      return "ReLU";
    case "maxpool2d":
    case "avgpool2d": {
      const { size, stride } = plan.pool;
      const name = plan.type === "maxpool2d" ? "max-pool" : "average-pool";
      return `${name} ${pyInt(size)}x${pyInt(size)}, stride ${pyInt(stride)}`;
    }
    case "flatten":
      return "flatten";
    case "dense":
      return `dense, ${pyInt(plan.units)} units`;
  }
}

/** The network in words, one layer a line, for the script's docstring. */
function networkText(net: Network, layer: number): string {
  const lines = net.plans.map((plan, i) => {
    const from = shapeText(net, i - 1);
    const mark = i === layer ? "   <- the layer swept" : "";
    return `  ${pyInt(i)}: ${layerText(plan)}: ${from} -> ${shapeText(net, i)}${mark}`;
  });
  return `The network, layer by layer (numbered from 0 here; the page counts from 1):\n${lines.join("\n")}\n  then softmax cross-entropy against the label.`;
}

/** Checks the state; a state that is not finite numbers and whole numbers throws RangeError. */
function check(s: NetworkScriptState): Checked {
  const net = createNetwork(s.spec);
  if (net.spec.loss !== "cross-entropy") {
    throw new RangeError(`the network's loss must be cross-entropy; got ${String(s.spec.loss)}`);
  }
  const classes = (net.shapes[net.shapes.length - 1] as LayerShape).channels;
  if (!Number.isInteger(s.label) || s.label < 0 || s.label >= classes) {
    throw new RangeError(`label must be a class 0..${classes - 1}; got ${s.label}`);
  }
  const plan = Number.isInteger(s.layer) ? net.plans[s.layer] : undefined;
  if (plan === undefined || plan.type !== "conv2d") {
    throw new RangeError(`layer must be the index of a conv2d layer; got ${s.layer}`);
  }
  const count = plan.conv.filters;
  if (!Number.isInteger(s.filter) || s.filter < 0 || s.filter >= count) {
    throw new RangeError(`filter must be 0..${count - 1}; got ${s.filter}`);
  }
  const { channels, height, width } = net.spec.input;
  const want = { image: channels * height * width, params: net.paramCount };
  for (const [name, buffer, length] of [
    ["image", s.image, want.image],
    ["params", s.params, want.params],
    ["velocity", s.velocity, want.params],
  ] as const) {
    if (!(buffer instanceof Float64Array) || buffer.length !== length) {
      throw new RangeError(`${name} must hold ${length} values; got ${buffer?.length}`);
    }
  }
  let above = s.layer;
  while (["relu", "maxpool2d", "avgpool2d"].includes(net.plans[above + 1]?.type ?? "")) above++;
  return { net, conv: plan.conv, above };
}

/** The page's choices as Python constants at the top of the script; checks every one. */
function settingsLines(s: NetworkScriptState, { net, conv, above }: Checked): string {
  const { batchSize, learningRate, momentum, reduction } = s.settings;
  if (reduction !== "sum" && reduction !== "mean") {
    throw new RangeError(`reduction must be "sum" or "mean"; got ${String(reduction)}`);
  }
  const halfLife = s.settings.learningRateHalfLife ?? 0;
  const rate =
    halfLife === 0
      ? `"η (step size)", constant`
      : `"η (step size)" ${pyNumber(learningRate)} halved every ${pyInt(halfLife)} updates, after ${pyInt(s.steps)}`;
  const { channels, height, width } = net.spec.input;
  const aboveText =
    above === s.layer
      ? "no ReLU or pool right above it: its own output"
      : `the last ReLU or pool right above it, layer ${pyInt(above + 1)} on the page, ${layerText(net.plans[above] as LayerPlan)}`;
  return `# The page's choices ("Train the network" and "One filter's sweep inside the network").
CHANNELS, HEIGHT, WIDTH = ${pyInt(channels)}, ${pyInt(height)}, ${pyInt(width)}  # the network's input
LABEL = ${pyInt(s.label)}  # the image's label: ${imageName(s.choice, s.label, s.classNames)}
LAYER = ${pyInt(s.layer)}  # "Layer": the convolution swept, layer ${pyInt(s.layer + 1)} on the page (Python counts from 0)
FILTER = ${pyInt(s.filter)}  # "Filter": ${pyInt(s.filter + 1)} of ${pyInt(conv.filters)} on the page
ABOVE = ${pyInt(above)}  # where "δ from above" is read: the top of the filter's block (${aboveText})
# The swept layer's kernel (KH x KW taps, on every one of its ${pyInt(conv.inChannels)} input channels) and how it moves.
KH, KW = ${pyInt(conv.kernelHeight)}, ${pyInt(conv.kernelWidth)}
STRIDE, PADDING, DILATION = ${pyInt(conv.stride)}, ${pyInt(conv.padding)}, ${pyInt(conv.dilation)}
SPAN_H, SPAN_W = (KH - 1) * DILATION + 1, (KW - 1) * DILATION + 1  # the rows and columns a patch spans
BATCH_SIZE = ${pyInt(batchSize)}  # "Batch size"
REDUCTION = "${reduction}"  # the batch loss: "sum" of the images' losses, or their "mean"
SCALE = 1.0 / BATCH_SIZE if REDUCTION == "mean" else 1.0  # this image's share of the batch loss
LEARNING_RATE = ${pyNumber(learningRateAt(s.settings, s.steps))}  # this step's η: ${rate}
MOMENTUM = ${pyNumber(momentum)}  # "Momentum μ"
WEIGHT_DECAY = ${pyNumber(s.settings.weightDecay ?? 0)}  # λ (this section trains without it)
`;
}

/** The NumPy flavour's table of the layers (the weights' shapes are PyTorch's). */
function numpyTable(net: Network): string {
  const entries = net.plans.map((plan, i) => {
    let entry: string;
    switch (plan.type) {
      case "conv2d": {
        const c = plan.conv;
        const shape = [c.filters, c.inChannels, c.kernelHeight, c.kernelWidth].map(pyInt);
        entry = `{"type": "conv2d", "shape": (${shape.join(", ")}), "stride": ${pyInt(c.stride)}, "padding": ${pyInt(c.padding)}, "dilation": ${pyInt(c.dilation)}}`;
        break;
      }
      case "maxpool2d":
      case "avgpool2d":
        entry = `{"type": "${plan.type}", "size": ${pyInt(plan.pool.size)}, "stride": ${pyInt(plan.pool.stride)}}`;
        break;
      case "dense":
        entry = `{"type": "dense", "shape": (${pyInt(plan.units)}, ${pyInt(plan.inputs)})}`;
        break;
      default:
        entry = `{"type": "${plan.type}"}`;
    }
    return `    ${entry},  # ${pyInt(i)}: ${layerText(plan)}: ${shapeText(net, i - 1)} -> ${shapeText(net, i)}`;
  });
  return `

# The network, layer by layer (the weights' shapes: a conv's (out, in, kernel height, kernel width),
# a dense layer's (out, in)).
LAYERS = [
${entries.join("\n")}
]
`;
}

/** The PyTorch flavour's network: the same layers as one nn.Sequential, float64. */
function torchNetwork(net: Network): string {
  const modules = net.plans.map((plan, i) => {
    let module: string;
    switch (plan.type) {
      case "conv2d": {
        const c = plan.conv;
        module = `nn.Conv2d(${pyInt(c.inChannels)}, ${pyInt(c.filters)}, (${pyInt(c.kernelHeight)}, ${pyInt(c.kernelWidth)}), stride=${pyInt(c.stride)}, padding=${pyInt(c.padding)}, dilation=${pyInt(c.dilation)})`;
        break;
      }
      case "relu":
        module = "nn.ReLU()";
        break;
      case "maxpool2d":
      case "avgpool2d": {
        const name = plan.type === "maxpool2d" ? "MaxPool2d" : "AvgPool2d";
        module = `nn.${name}(${pyInt(plan.pool.size)}, stride=${pyInt(plan.pool.stride)})`;
        break;
      }
      case "flatten":
        module = "nn.Flatten()";
        break;
      case "dense":
        module = `nn.Linear(${pyInt(plan.inputs)}, ${pyInt(plan.units)})`;
        break;
    }
    return `        ${module},  # ${pyInt(i)}: ${shapeText(net, i - 1)} -> ${shapeText(net, i)}`;
  });
  return `

def build_network():
    """The page's network as PyTorch layers, in order, in float64, holding the page's weights."""
    network = nn.Sequential(
${modules.join("\n")}
    ).double()
    with torch.no_grad():
        for index, (weight, bias) in PARAMETERS.items():
            network[index].weight.copy_(AS_ARRAY(weight).reshape(network[index].weight.shape))
            network[index].bias.copy_(AS_ARRAY(bias))
    return network
${PYTORCH_LAYERS}`;
}

/**
 * How many numbers a line of a dense layer's weights holds: after a flatten, one channel of the
 * flattened map (or one row of it, when a channel is more than 32 values); else up to 12.
 */
function denseWidth(net: Network, index: number): number {
  const plan = net.plans[index];
  if (plan === undefined || plan.type !== "dense") return 1;
  const map = net.plans[index - 1]?.type === "flatten" ? inputOf(net, index - 1) : undefined;
  if (map !== undefined && map.width > 1) {
    return map.height * map.width <= 32 ? map.height * map.width : map.width;
  }
  let width = Math.min(12, plan.inputs);
  while (plan.inputs % width !== 0) width--;
  return width;
}

/** The numbers, as plain Python lists at the end of the script (after main, before its call). */
function dataLines(s: NetworkScriptState, { net, conv }: Checked): string {
  const parts: string[] = [];
  const entries: string[] = [];
  net.plans.forEach((plan, i) => {
    if (plan.type !== "conv2d" && plan.type !== "dense") return;
    const units = plan.type === "conv2d" ? plan.conv.filters : plan.units;
    const width =
      plan.type === "conv2d" ? plan.conv.kernelHeight * plan.conv.kernelWidth : denseWidth(net, i);
    const what =
      plan.type === "conv2d"
        ? "one input channel of one filter a line, row by row"
        : `a line holds ${pyInt(width)} of one unit's ${pyInt(plan.inputs)} weights`;
    parts.push(`# Layer ${pyInt(i)} (the page's ${pyInt(i + 1)}), ${layerText(plan)} (${what}), and its biases.
LAYER_${pyInt(i)}_WEIGHT = ${rows(s.params.subarray(plan.weights, plan.bias), width)}
LAYER_${pyInt(i)}_BIAS = [${Array.from(s.params.subarray(plan.bias, plan.bias + units), pyNumber).join(", ")}]`);
    entries.push(`${pyInt(i)}: (LAYER_${pyInt(i)}_WEIGHT, LAYER_${pyInt(i)}_BIAS)`);
  });
  const plan = net.plans[s.layer] as Extract<LayerPlan, { type: "conv2d" }>;
  const size = conv.inChannels * conv.kernelHeight * conv.kernelWidth;
  const from = plan.weights + s.filter * size;
  const { channels, height, width } = net.spec.input;
  return `# ---------------------------------------------------------------------------------------
# The network's numbers, exactly as the page holds them (float64, each written so that it
# reads back to the same value), in PyTorch's layout.

# The image: ${imageName(s.choice, s.label, s.classNames)}; ${pyInt(channels)}x${pyInt(height)}x${pyInt(width)} values, one row a line.
IMAGE = ${rows(s.image, width)}
${parts.join("\n")}
# Every layer with weights, by its index.
PARAMETERS = {${entries.join(", ")}}
# The chosen filter's momentum buffer v (C x KH x KW, one channel a line) and its bias's,
# as training left them.
FILTER_VELOCITY = ${rows(s.velocity.subarray(from, from + size), conv.kernelHeight * conv.kernelWidth)}
BIAS_VELOCITY = ${pyNumber(s.velocity[plan.bias + s.filter] as number)}
`;
}

/**
 * The self-contained script of a flavour for the network section's state: the forward pass,
 * the chosen filter's δ from the layers above (autograd, or a hand-written backward), the
 * explicit loop over its positions, the check, one update. Every value is written as a number
 * (pyNumber, pyInt): a state that is not finite numbers and whole numbers throws RangeError.
 */
export function networkScript(state: NetworkScriptState, flavour: Flavour): string {
  const checked = check(state);
  const numpy = flavour === "numpy";
  return `${HEADER(flavour, networkText(checked.net, state.layer))}

${settingsLines(state, checked)}${numpy ? `${numpyTable(checked.net)}${NUMPY_LAYERS}` : torchNetwork(checked.net)}${WINDOW}

def main():${numpy ? NUMPY_PASSES : PYTORCH_PASSES}${SWEEP}${numpy ? NUMPY_CHECK : PYTORCH_CHECK}${closing(
    numpy
      ? "the backward pass's vectorised formula (no loop over positions)"
      : "autograd (the network's backward())",
  )}

${dataLines(state, checked)}

if __name__ == "__main__":
    main()
`;
}
