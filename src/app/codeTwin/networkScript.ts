import {
  type CnnConfig,
  cnnArchitecture,
  IMAGE_SIDE,
  learningRateAt,
  paramViews,
  type TrainSettings,
} from "../../engine/index";
import type { SweepChoice } from "../../state/networkStore";
import { FLAVOUR_HELPERS, type Flavour, pyInt, pyNumber, pyRows } from "./pythonScript";

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

const HEADER = (flavour: Flavour) => `#!/usr/bin/env python3
"""ConvSweep's code twin of "Inside a real network": one filter's sweep, computed ${flavour === "pytorch" ? "with PyTorch" : "with NumPy alone"}.

The network: the 32x32 digit -> conv 1 (K filters, 3x3) -> ReLU -> 2x2 max-pool
[-> conv 2 (K2 filters, 3x3, on pool 1's K channels) -> ReLU -> 2x2 max-pool]
-> dense (10 classes) -> softmax cross-entropy.

Each filter is shared by every position of its layer. Backpropagation gives each position a
delta (what the layers above send back, routed by the pool, stopped by the ReLU where z <= 0),
and each position ADDS its terms into one buffer: delta * patch into the filter's gradient
(every input channel), delta into its bias, delta * w into the layer below's buffer. This
script runs that loop for the filter chosen on the page, checks the buffers against
${flavour === "pytorch" ? "autograd" : "a vectorised formula"}, prints the filter after one update, and exits with status 1 if they differ.

Generated by ConvSweep. Needs Python 3 and ${flavour === "pytorch" ? "PyTorch" : "NumPy"}. main() is the walk-through;
the network's numbers (the image, every weight) are at the end of the file.
"""
import json
import sys

${FLAVOUR_HELPERS[flavour]}`;

/** The window of a position: the same Python for arrays and tensors. */
const WINDOW = `

def window(grid, i, j):
    """The C x 3 x 3 cells the filter sees at output position (i, j) of a padded grid."""
    return grid[:, i * STRIDE : i * STRIDE + 3, j * STRIDE : j * STRIDE + 3]
`;

/** The hand-written layers of the NumPy flavour (forward, backward, and the vectorised check). */
const NUMPY_LAYERS = `

def pad(x):
    """Zero padding on all four sides of every channel."""
    return np.pad(x, ((0, 0), (PADDING, PADDING), (PADDING, PADDING)))


def taps(a, n_out):
    """Where tap a of every output position falls, along one side of a padded input."""
    return slice(a, a + (n_out - 1) * STRIDE + 1, STRIDE)


def conv_forward(x, w, b):
    """z[k] = b[k] + sum over channels c of (sum over the 3x3 taps of w[k, c] * patch), everywhere."""
    C, H, W = x.shape
    out_h, out_w = (H + 2 * PADDING - 3) // STRIDE + 1, (W + 2 * PADDING - 3) // STRIDE + 1
    xp = pad(x)
    z = b[:, None, None] + ZEROS((len(b), out_h, out_w))
    for c in range(C):
        channel_sum = ZEROS(z.shape)
        for a in range(3):
            for t in range(3):
                channel_sum = channel_sum + w[:, c, a, t, None, None] * xp[c, taps(a, out_h), taps(t, out_w)]
        z = z + channel_sum
    return z


def relu(z):
    return np.maximum(z, 0.0)


def relu_backward(z, grad):
    """The ReLU passes delta where z > 0 and stops it elsewhere (at exactly 0 too)."""
    return np.where(z > 0, grad, 0.0)


def max_pool(y):
    """2x2 max-pool, stride 2 (an odd last row or column is dropped). Also returns, for each
    pooled cell, which of its window's cells won: 0 top-left, 1 top-right, 2 bottom-left,
    3 bottom-right; on a tie the first in that order wins, as on the page."""
    C, H, W = y.shape
    windows = y[:, : H // 2 * 2, : W // 2 * 2].reshape(C, H // 2, 2, W // 2, 2).transpose(0, 1, 3, 2, 4)
    windows = windows.reshape(C, H // 2, W // 2, 4)
    return windows.max(axis=3), windows.argmax(axis=3)


def max_pool_backward(grad, winners, shape):
    """The whole delta of each pooled cell goes to the cell that won its window; the others get 0."""
    C, h, w = grad.shape
    routed = ZEROS((C, h, w, 4))
    np.put_along_axis(routed, winners[..., None], grad[..., None], axis=3)
    out = ZEROS(shape)
    out[:, : 2 * h, : 2 * w] = routed.reshape(C, h, w, 2, 2).transpose(0, 1, 3, 2, 4).reshape(C, 2 * h, 2 * w)
    return out


def conv_input_grad(delta, w, shape):
    """The delta a convolution sends to its input: every filter's delta times its weights, placed
    where each position looked, summed (vectorised: one slice per tap)."""
    C, H, W = shape
    out_h, out_w = delta.shape[1:]
    grad = ZEROS((C, H + 2 * PADDING, W + 2 * PADDING))
    for a in range(3):
        for t in range(3):
            grad[:, taps(a, out_h), taps(t, out_w)] += np.einsum("kij,kc->cij", delta, w[:, :, a, t])
    return grad[:, PADDING : PADDING + H, PADDING : PADDING + W]


def conv_weight_grad(x, delta):
    """One filter's gradient, vectorised: tap (c, a, t) meets delta[i, j] at padded x[c, i*STRIDE + a, j*STRIDE + t]."""
    xp = pad(x)
    out_h, out_w = delta.shape
    return np.array(
        [
            [[(delta * xp[c, taps(a, out_h), taps(t, out_w)]).sum() for t in range(3)] for a in range(3)]
            for c in range(x.shape[0])
        ]
    )
`;

/** The NumPy flavour's forward and backward passes: every layer by hand. */
const NUMPY_PASSES = `
    # The numbers as float64 arrays.
    image = AS_ARRAY(IMAGE).reshape(1, 32, 32)  # one channel
    w1, b1 = AS_ARRAY(CONV1_WEIGHTS).reshape(K, 1, 3, 3), AS_ARRAY(CONV1_BIAS).reshape(K)
    dense_w, dense_b = AS_ARRAY(DENSE_WEIGHTS).reshape(10, -1), AS_ARRAY(DENSE_BIAS).reshape(10)

    # Forward pass: conv 1 -> ReLU -> pool 1 [-> conv 2 -> ReLU -> pool 2] -> dense -> softmax.
    z1 = conv_forward(image, w1, b1)
    pool1, winners1 = max_pool(relu(z1))
    top = pool1
    if K2 > 0:
        w2, b2 = AS_ARRAY(CONV2_WEIGHTS).reshape(K2, K, 3, 3), AS_ARRAY(CONV2_BIAS).reshape(K2)
        z2 = conv_forward(pool1, w2, b2)
        pool2, winners2 = max_pool(relu(z2))
        top = pool2
    logits = dense_w @ top.reshape(-1) + dense_b
    m = logits.max()
    e = np.exp(logits - m)
    probabilities = e / e.sum()  # "Draw a digit"'s ten class probabilities, for this image
    loss = np.log(e.sum()) - (logits[LABEL] - m)  # cross-entropy: -log probabilities[LABEL]

    # Backward pass by hand, from the loss down to the chosen layer. This image's share of the
    # batch loss is SCALE x its loss, so every delta carries SCALE.
    grad_logits = SCALE * (probabilities - np.eye(10)[LABEL])  # softmax cross-entropy: p - onehot
    grad_top = (dense_w.T @ grad_logits).reshape(top.shape)  # the dense layer sends delta * w back
    if K2 > 0:
        grad_z2 = relu_backward(z2, max_pool_backward(grad_top, winners2, z2.shape))
        grad_pool1 = conv_input_grad(grad_z2, w2, pool1.shape)  # conv 2 sends delta * w back
    else:
        grad_pool1 = grad_top
    grad_z1 = relu_backward(z1, max_pool_backward(grad_pool1, winners1, z1.shape))
    if LAYER == 1:
        layer_input, w, b, grad_pool, grad_z = image, w1, b1, grad_pool1, grad_z1
    else:
        layer_input, w, b, grad_pool, grad_z = pool1, w2, b2, grad_top, grad_z2
    delta_above = grad_pool[FILTER]  # "δ from above": what the layers above send to this filter's pool
    delta = grad_z[FILTER]  # "δ at the filter's output": dL/dz, routed by the pool, stopped by the ReLU
    weights, bias = w[FILTER], float(b[FILTER])
`;

/** The PyTorch flavour's forward pass, and its backward pass by autograd. */
const PYTORCH_PASSES = `
    # The numbers as float64 tensors; autograd follows every weight.
    param = lambda values, *shape: AS_ARRAY(values).reshape(shape).requires_grad_(True)  # noqa: E731
    image = AS_ARRAY(IMAGE).reshape(1, 32, 32)  # one channel
    w1, b1 = param(CONV1_WEIGHTS, K, 1, 3, 3), param(CONV1_BIAS, K)
    dense_w, dense_b = param(DENSE_WEIGHTS, 10, -1), param(DENSE_BIAS, 10)

    # Forward pass: conv 1 -> ReLU -> pool 1 [-> conv 2 -> ReLU -> pool 2] -> dense -> softmax.
    z1 = F.conv2d(image[None], w1, b1, stride=STRIDE, padding=PADDING)[0]
    pool1 = F.max_pool2d(F.relu(z1)[None], 2)[0]
    layer_input, w, b, z, pool = image, w1, b1, z1, pool1
    top = pool1
    if K2 > 0:
        w2, b2 = param(CONV2_WEIGHTS, K2, K, 3, 3), param(CONV2_BIAS, K2)
        z2 = F.conv2d(pool1[None], w2, b2, stride=STRIDE, padding=PADDING)[0]
        top = F.max_pool2d(F.relu(z2)[None], 2)[0]
        if LAYER == 2:
            layer_input, w, b, z, pool = pool1, w2, b2, z2, top
    z.retain_grad()
    pool.retain_grad()
    logits = dense_w @ top.reshape(-1) + dense_b
    probabilities = torch.softmax(logits, 0)  # "Draw a digit"'s ten class probabilities, for this image
    loss = F.cross_entropy(logits[None], torch.tensor([LABEL]), reduction="sum")  # -log p[LABEL]

    # Backward pass by autograd. This image's share of the batch loss is SCALE x its loss.
    (SCALE * loss).backward()
    delta_above = pool.grad[FILTER]  # "δ from above": what the layers above send to this filter's pool
    delta = z.grad[FILTER]  # "δ at the filter's output": dL/dz, routed by the pool, stopped by the ReLU
    layer_input = layer_input.detach()
    weights, bias = w.detach()[FILTER], float(b[FILTER])
`;

/** The explicit loop over positions: written once, for numpy arrays and torch tensors alike. */
const SWEEP = `
    above = AS_ARRAY(delta_above).reshape(-1).tolist()
    print("delta from above: %d of the %d cells of this filter's pool" % (sum(v != 0 for v in above), len(above)))

    # "One filter's sweep inside the network": every position of the layer adds its terms into
    # ONE buffer of the filter's shape (C x 3 x 3), one bias sum, and one layer-below buffer.
    C, H, W = layer_input.shape
    out_h, out_w = delta.shape
    x = pad(layer_input)  # zero padding on all four sides of every channel
    kernel_grad = ZEROS((C, 3, 3))  # "The filter's one running sum": sum of delta * patch = dL/dw
    bias_grad = 0.0  # "Bias sum": sum of delta = dL/db
    below_padded = ZEROS(x.shape)  # "The layer-below buffer": sum of delta * w over each patch
    contributing = 0
    for i in range(out_h):  # row-major, as "Next position" steps
        for j in range(out_w):
            d = float(delta[i, j])  # "This position's terms": its delta
            if d == 0.0:
                continue  # "adds nothing": not its pool window's winner, or z <= 0 there
            contributing += 1
            kernel_grad += d * window(x, i, j)  # delta * patch, for every input channel
            bias_grad += d
            window(below_padded, i, j)[:] += d * weights  # delta * w, where this position looked
    below = below_padded[:, PADDING : PADDING + H, PADDING : PADDING + W]
    print("%d of %d positions contribute" % (contributing, out_h * out_w))
`;

/** The NumPy flavour's check: the same sums, vectorised. */
const NUMPY_CHECK = `
    # The same gradients, vectorised (no loop over positions).
    check_kernel_grad = conv_weight_grad(layer_input, delta)
    check_bias_grad = float(delta.sum())
    check_below = conv_input_grad(delta[None], weights[None], layer_input.shape)
`;

/** The PyTorch flavour's check: the conv's .grad, and autograd through this filter alone. */
const PYTORCH_CHECK = `
    # The same gradients from autograd: the conv weight's and bias's .grad for this filter, and
    # the gradient of (this filter's output x its delta) with respect to the layer's input.
    check_kernel_grad = w.grad[FILTER]
    check_bias_grad = float(b.grad[FILTER])
    x_in = layer_input.clone().requires_grad_(True)
    z_filter = F.conv2d(x_in[None], weights[None], stride=STRIDE, padding=PADDING)[0, 0]
    (z_filter * delta).sum().backward()
    check_below = x_in.grad
`;

/** The closing part: print, compare, one update, the result line, exit. */
const closing = (checkName: string) => `
    show("Summed over the %d contributing positions: dL/dw =" % contributing, kernel_grad)
    print("dL/db =", bias_grad)
    print("The same gradient from ${checkName}:")
    show("dL/dw =", check_kernel_grad)
    print("dL/db =", check_bias_grad)
    agree = close(kernel_grad, check_kernel_grad) and close(bias_grad, check_bias_grad)
    agree = agree and close(below, check_below)
    print("The sum of the positions' terms IS the gradient:", "yes" if agree else "NO")

    # One update with this image's gradient ("Take this step" makes it with the batch's sum):
    # SGD with momentum, as torch.optim.SGD: v <- MOMENTUM * v + g, then w <- w - LEARNING_RATE * v.
    # v is the filter's momentum buffer as training left it; before the first step it is 0, so
    # the first step is plain SGD: w <- w - LEARNING_RATE * g.
    velocity = MOMENTUM * AS_ARRAY(FILTER_VELOCITY).reshape(C, 3, 3) + (kernel_grad + WEIGHT_DECAY * weights)
    new_weights = weights - LEARNING_RATE * velocity
    bias_velocity = MOMENTUM * BIAS_VELOCITY + (bias_grad + WEIGHT_DECAY * bias)
    new_bias = bias - LEARNING_RATE * bias_velocity
    show("After one update, w =", new_weights)
    print("b =", new_bias)

    # One line for tools (ConvSweep's tests read it).
    result = {
        "loss": float(loss),
        "probabilities": as_list(probabilities),
        "deltaAbove": as_list(delta_above),
        "delta": as_list(delta),
        "contributing": contributing,
        "positions": out_h * out_w,
        "kernelGrad": as_list(kernel_grad),
        "biasGrad": float(bias_grad),
        "below": as_list(below),
        "newKernel": as_list(new_weights),
        "newBias": float(new_bias),
        "agree": bool(agree),
    }
    print("CONVSWEEP " + json.dumps(result))
    sys.exit(0 if agree else 1)
`;

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
