import {
  type CnnConfig,
  cnnArchitecture,
  IMAGE_SIDE,
  learningRateAt,
  paramViews,
  type TrainSettings,
} from "../../engine";
import type { SweepChoice } from "../../state/network/store";
import { type Flavour, pyInt, pyNumber, pyRows } from "../codeTwin/pythonScript";
import {
  closing,
  HEADER,
  NUMPY_CHECK,
  NUMPY_LAYERS,
  NUMPY_PASSES,
  PYTORCH_CHECK,
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
  /** K, K2, stride and padding. */
  readonly config: CnnConfig;
  /** Batch size (the mean's 1/N), η and its half-life, μ, sum or mean. */
  readonly settings: TrainSettings;
  /** Every parameter, in the layout of cnnArchitecture(config). */
  readonly params: Float64Array;
  /** The momentum buffer, same layout. */
  readonly velocity: Float64Array;
  /** Training steps taken (this step's η depends on it). */
  readonly steps: number;
  /** The image swept, 32·32 values in [0, 1], and its label. */
  readonly image: Float64Array;
  readonly label: number;
  /** Where the image comes from (named in the script's comments). */
  readonly choice: SweepChoice;
  /** The layer (1 or 2) and the filter (0..count−1) swept. */
  readonly layer: 1 | 2;
  readonly filter: number;
}

/** A flat buffer as a nested Python list of `width` numbers a line ("[]" when empty). */
function rows(data: Float64Array, width: number): string {
  if (data.length === 0) return "[]";
  return pyRows({ height: data.length / width, width, data }, "");
}

function imageName(choice: SweepChoice, label: number): string {
  if (choice.set === "drawn") return `your drawing, labelled ${pyInt(label)}`;
  const set = choice.set === "train" ? "training" : "test";
  return `${set} digit ${pyInt(choice.index)} (a ${pyInt(label)})`;
}

/** The page's choices as Python constants at the top of the script; checks every one. */
function settingsLines(s: NetworkScriptState): string {
  const arch = cnnArchitecture(s.config);
  const { filters, filters2, stride, padding } = arch.config;
  if (!Number.isInteger(s.label) || s.label < 0 || s.label > 9) {
    throw new RangeError(`label must be a digit 0..9; got ${s.label}`);
  }
  const count = s.layer === 1 ? filters : s.layer === 2 && filters2 > 0 ? filters2 : 0;
  if (count === 0)
    throw new RangeError(`layer must be 1 or 2 (with a second layer); got ${s.layer}`);
  if (!Number.isInteger(s.filter) || s.filter < 0 || s.filter >= count) {
    throw new RangeError(`filter must be 0..${count - 1}; got ${s.filter}`);
  }
  const { batchSize, learningRate, momentum, reduction } = s.settings;
  if (reduction !== "sum" && reduction !== "mean") {
    throw new RangeError(`reduction must be "sum" or "mean"; got ${String(reduction)}`);
  }
  const halfLife = s.settings.learningRateHalfLife ?? 0;
  const rate =
    halfLife === 0
      ? `"η (step size)", constant`
      : `"η (step size)" ${pyNumber(learningRate)} halved every ${pyInt(halfLife)} updates, after ${pyInt(s.steps)}`;
  return `# The page's choices ("Train the network" and "One filter's sweep inside the network").
K, K2 = ${pyInt(filters)}, ${pyInt(filters2)}  # "Filters K" and "Filters K2" (0: no second convolution)
STRIDE, PADDING = ${pyInt(stride)}, ${pyInt(padding)}  # of both convolutions; each pool is 2x2 with stride 2
LABEL = ${pyInt(s.label)}  # the image's label: ${imageName(s.choice, s.label)}
LAYER = ${pyInt(s.layer)}  # "Layer": 1 (on the digit) or 2 (on pool 1's K channels)
FILTER = ${pyInt(s.filter)}  # "Filter": ${pyInt(s.filter + 1)} of ${pyInt(count)} on the page (Python counts from 0)
BATCH_SIZE = ${pyInt(batchSize)}  # "Batch size"
REDUCTION = "${reduction}"  # the batch loss: "sum" of the images' losses, or their "mean"
SCALE = 1.0 / BATCH_SIZE if REDUCTION == "mean" else 1.0  # this image's share of the batch loss
LEARNING_RATE = ${pyNumber(learningRateAt(s.settings, s.steps))}  # this step's η: ${rate}
MOMENTUM = ${pyNumber(momentum)}  # "Momentum μ"
WEIGHT_DECAY = ${pyNumber(s.settings.weightDecay ?? 0)}  # λ (this section trains without it)
`;
}

/** The numbers, as plain Python lists at the end of the script (after main, before its call). */
function dataLines(s: NetworkScriptState): string {
  const arch = cnnArchitecture(s.config);
  const p = paramViews(arch, s.params);
  const v = paramViews(arch, s.velocity);
  if (s.image.length !== IMAGE_SIDE * IMAGE_SIDE) {
    throw new RangeError(
      `image must hold ${IMAGE_SIDE * IMAGE_SIDE} values; got ${s.image.length}`,
    );
  }
  const layer = s.layer === 1 ? v.conv1 : v.conv2;
  if (layer === null) throw new RangeError("layer 2 needs a second convolution");
  const size = layer.weights.length / layer.bias.length;
  const last = arch.pool2 ?? arch.pool1;
  return `# ---------------------------------------------------------------------------------------
# The network's numbers, exactly as the page holds them (float64, each written so that it
# reads back to the same value).

# The image: ${imageName(s.choice, s.label)}; 32x32 values from 0 to 1 ("The digit (layer 1's input)").
IMAGE = ${rows(s.image, IMAGE_SIDE)}
# Conv 1: K filters of 1 channel, 3x3 ("What it has learned"), one filter a line, row by row.
CONV1_WEIGHTS = ${rows(p.conv1.weights, 9)}
CONV1_BIAS = ${rows(p.conv1.bias, p.conv1.bias.length)}
# Conv 2: K2 filters of K channels, 3x3, one channel of one filter a line (empty: no conv 2).
CONV2_WEIGHTS = ${rows(p.conv2?.weights ?? new Float64Array(0), 9)}
CONV2_BIAS = ${rows(p.conv2?.bias ?? new Float64Array(0), p.conv2?.bias.length ?? 0)}
# The dense layer: 10 classes x ${pyInt(arch.denseInputs)} inputs (the last pool's ${pyInt(last.channels)}x${pyInt(last.outHeight)}x${pyInt(last.outWidth)} values,
# flattened channel by channel); a line is one class's weights for one row of one channel.
DENSE_WEIGHTS = ${rows(p.dense.weights, last.outWidth)}
DENSE_BIAS = ${rows(p.dense.bias, p.dense.bias.length)}
# The chosen filter's momentum buffer v (C x 3 x 3) and its bias's, as training left them.
FILTER_VELOCITY = ${rows(layer.weights.subarray(s.filter * size, (s.filter + 1) * size), 9)}
BIAS_VELOCITY = ${pyNumber(layer.bias[s.filter] as number)}
`;
}

/**
 * The self-contained script of a flavour for the network section's state: the forward pass,
 * the chosen filter's δ from the layers above (autograd, or a hand-written backward), the
 * explicit loop over its positions, the check, one update. Every value is written as a number
 * (pyNumber, pyInt): a state that is not finite numbers and whole numbers throws RangeError.
 */
export function networkScript(state: NetworkScriptState, flavour: Flavour): string {
  const numpy = flavour === "numpy";
  return `${HEADER(flavour)}

${settingsLines(state)}${numpy ? NUMPY_LAYERS : "\n\ndef pad(x):\n    return F.pad(x, (PADDING, PADDING, PADDING, PADDING))\n"}${WINDOW}

def main():${numpy ? NUMPY_PASSES : PYTORCH_PASSES}${SWEEP}${numpy ? NUMPY_CHECK : PYTORCH_CHECK}${closing(
    numpy ? "a vectorised formula (no loop over positions)" : "autograd (F.conv2d, then backward)",
  )}

${dataLines(state)}

if __name__ == "__main__":
    main()
`;
}
