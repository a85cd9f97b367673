import type { Grid } from "../../engine/index";
import type { LinkedState } from "../../state/stateFile";

/** The two flavours of the code twin. */
export type Flavour = "pytorch" | "numpy";

/** The file names the scripts download as. */
export const SCRIPT_NAMES: Record<Flavour, string> = {
  pytorch: "convsweep_pytorch.py",
  numpy: "convsweep_numpy.py",
};

/**
 * A number as Python source: JavaScript's shortest round-trip form, which Python's float()
 * reads back to the same double. Only a plain decimal literal can come out: anything else
 * (NaN, Infinity, which the state rules already refuse) throws, so a state can never make
 * the script do anything but compute.
 */
export function pyNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const text = String(value);
  if (!/^-?\d+(\.\d+)?(e[+-]\d+)?$/.test(text)) {
    throw new RangeError(`not a plain decimal literal: ${text}`);
  }
  // "1" would be an int in Python: every value is written as a float.
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * A whole number as Python source (a count, an index, a size): anything else throws, like
 * pyNumber, so no value can put more than digits into a script.
 */
export function pyInt(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a whole number: ${value}`);
  return String(value);
}

/** A grid as a nested Python list, one row per line. */
export function pyRows(grid: Grid, indent: string): string {
  const rows: string[] = [];
  for (let r = 0; r < grid.height; r++) {
    const row = Array.from(grid.data.subarray(r * grid.width, (r + 1) * grid.width), pyNumber);
    rows.push(`${indent}    [${row.join(", ")}],`);
  }
  return `[\n${rows.join("\n")}\n${indent}]`;
}

/** Checks, result and printing: the same Python for arrays and tensors. */
const COMMON_HELPERS = `

def close(a, b):
    """Equal to 1e-12, relative to the larger of 1 and the checked value."""
    a, b = AS_ARRAY(a), AS_ARRAY(b)
    return bool((abs(a - b) <= 1e-12 * ABS_AT_LEAST_1(b)).all())


def as_list(a):
    return AS_ARRAY(a).tolist()


def show(name, value):
    print(name)
    print(value)
`;

/**
 * Each flavour's imports and the helpers every script of it uses: ZEROS (a float64 buffer),
 * close (the check's tolerance), as_list (for the result line), show (a name and a value).
 */
export const FLAVOUR_HELPERS: Record<Flavour, string> = {
  numpy: `import numpy as np

np.set_printoptions(precision=6, suppress=False)
ZEROS = lambda shape: np.zeros(shape, dtype=np.float64)  # noqa: E731
AS_ARRAY = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731
ABS_AT_LEAST_1 = lambda b: np.maximum(1.0, abs(b))  # noqa: E731
${COMMON_HELPERS}`,
  pytorch: `import torch
import torch.nn.functional as F

torch.set_printoptions(precision=6)
ZEROS = lambda shape: torch.zeros(shape, dtype=torch.float64)  # noqa: E731
AS_ARRAY = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
ABS_AT_LEAST_1 = lambda b: torch.clamp(abs(b), min=1.0)  # noqa: E731
${COMMON_HELPERS}`,
};

/** The state's numbers as Python assignments, shared by both flavours. */
function stateLines(state: LinkedState, array: string): string {
  const { stride, padding, dilation } = state.options;
  return `# The state, exactly as the page holds it (every number is the page's float64 value).
# "Input image": ${state.image.height}x${state.image.width}, values from 0 to 1.
image = ${array}(${pyRows(state.image, "")}, dtype=${array === "np.array" ? "np.float64" : "torch.float64"})
# The one shared filter w and its bias b ("Update: w now").
kernel = ${array}(${pyRows(state.kernel, "")}, dtype=${array === "np.array" ? "np.float64" : "torch.float64"})
bias = ${pyNumber(state.bias)}
# The target output map ("Forward pass: Target").
target = ${array}(${pyRows(state.target, "")}, dtype=${array === "np.array" ? "np.float64" : "torch.float64"})
stride, padding, dilation = ${stride}, ${padding}, ${dilation}
reduction = "${state.reduction}"  # "sum": L = 1/2 sum (out - target)^2; "mean": divided by N
learning_rate = ${pyNumber(state.learningRate)}  # eta
${
  state.paintedDelta
    ? `# "Paint delta": delta = dL/dout painted by hand. The loss is then L = sum(delta * out),
# whose derivative with respect to out is exactly that delta (the target is not used).
painted_delta = ${array}(${pyRows(state.paintedDelta, "")}, dtype=${array === "np.array" ? "np.float64" : "torch.float64"})
`
    : "painted_delta = None  # delta comes from the target: out - target\n"
}`;
}

/** The explicit loop over positions: written once, for numpy arrays and torch tensors alike. */
const SWEEP = `
kh, kw = kernel.shape
span_h, span_w = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
H, W = image.shape
out_h = (H + 2 * padding - span_h) // stride + 1
out_w = (W + 2 * padding - span_w) // stride + 1


def window(grid, i, j):
    """The cells the filter sees at output position (i, j) of a padded grid."""
    top, left = i * stride, j * stride
    return grid[top : top + span_h : dilation, left : left + span_w : dilation]


# "Forward pass": the same filter at every position.
out = ZEROS((out_h, out_w))
for i in range(out_h):
    for j in range(out_w):
        out[i, j] = (kernel * window(x, i, j)).sum() + bias
N = out_h * out_w
if painted_delta is None:
    delta = out - target  # "Delta": dL/dout
    if reduction == "mean":
        delta = delta / N
    loss = 0.5 * ((out - target) ** 2).sum()
    if reduction == "mean":
        loss = loss / N
else:
    delta = painted_delta  # painted: dL/dout of L = sum(delta * out)
    loss = (delta * out).sum()

# "Running sum": every position adds its terms into ONE buffer of the filter's shape.
kernel_grad = ZEROS((kh, kw))  # sum of delta * patch = dL/dw
bias_grad = 0.0  # sum of delta = dL/db
input_grad_padded = ZEROS(x.shape)  # sum of delta * w, placed where each position looked
for i in range(out_h):  # row-major, as the page steps
    for j in range(out_w):
        d = delta[i, j]  # "This position": delta
        kernel_grad += d * window(x, i, j)  # this position's delta * x
        bias_grad += float(d)  # this position's delta
        window(input_grad_padded, i, j)[:, :] += d * kernel  # this position's delta * w
input_grad = input_grad_padded[padding : padding + H, padding : padding + W]
`;

/** The closing part: print, compare, update, print the numbers for tools, exit. */
function closing(checkName: string): string {
  return `
show("Summed over all %d positions: dL/dw =" % N, kernel_grad)
print("dL/db =", bias_grad)
print("The same gradient from ${checkName}:")
show("dL/dw =", check_kernel_grad)
print("dL/db =", check_bias_grad)

agree = close(kernel_grad, check_kernel_grad) and close(bias_grad, check_bias_grad) and close(
    input_grad, check_input_grad
)
print("The sum of the positions' terms IS the gradient:", "yes" if agree else "NO")

# "Apply update": one step for the one filter, w <- w - eta * sum.
new_kernel = kernel - learning_rate * kernel_grad
new_bias = bias - learning_rate * bias_grad
show("After one update, w =", new_kernel)
print("b =", new_bias)

# One line for tools (ConvSweep's tests read it).
print(
    "CONVSWEEP "
    + json.dumps(
        {
            "loss": float(loss),
            "kernelGrad": as_list(kernel_grad),
            "biasGrad": float(bias_grad),
            "inputGrad": as_list(input_grad),
            "newKernel": as_list(new_kernel),
            "newBias": float(new_bias),
            "agree": bool(agree),
        }
    )
)
sys.exit(0 if agree else 1)
`;
}

const HEADER = (what: string, needs: string) => `#!/usr/bin/env python3
"""ConvSweep's code twin: the page's current state, computed ${what}.

One shared filter is used at every output position. Backpropagation visits every position,
and each position ADDS its terms (delta * patch for the weights, delta for the bias,
delta * w for the input) into one buffer of the filter's shape: a sum, not an average.
This script does that loop explicitly, then checks the buffer against ${needs}.

Generated by ConvSweep. Needs Python 3 and ${needs.includes("autograd") ? "PyTorch" : "NumPy"}.
"""
import json
import sys
`;

/** The NumPy flavour: the loop, and a vectorised formula (one slice sum per weight) to check it. */
function numpyScript(state: LinkedState): string {
  return `${HEADER("with NumPy alone", "a vectorised formula")}
${FLAVOUR_HELPERS.numpy}
${stateLines(state, "np.array")}
x = np.pad(image, padding)  # zero padding on all four sides
${SWEEP}
# The same gradients, vectorised: weight (a, b) meets delta[i, j] at x[i*stride + a*dilation, j*stride + b*dilation].
rows = lambda a: slice(a * dilation, a * dilation + (out_h - 1) * stride + 1, stride)  # noqa: E731
cols = lambda b: slice(b * dilation, b * dilation + (out_w - 1) * stride + 1, stride)  # noqa: E731
check_kernel_grad = np.array([[(delta * x[rows(a), cols(b)]).sum() for b in range(kw)] for a in range(kh)])
check_bias_grad = float(delta.sum())
check_input_grad_padded = ZEROS(x.shape)
for a in range(kh):
    for b in range(kw):
        check_input_grad_padded[rows(a), cols(b)] += delta * kernel[a, b]
check_input_grad = check_input_grad_padded[padding : padding + H, padding : padding + W]


${closing("a vectorised formula (no loop over positions)")}`;
}

/** The PyTorch flavour: the loop on float64 tensors, checked against autograd through F.conv2d. */
function pytorchScript(state: LinkedState): string {
  return `${HEADER("with PyTorch", "autograd")}
${FLAVOUR_HELPERS.pytorch}
${stateLines(state, "torch.tensor")}
x = F.pad(image, (padding, padding, padding, padding))  # zero padding on all four sides
# (These tensors do not require gradients: the loop below is plain arithmetic.)
${SWEEP}
# The same gradients from autograd: conv2d and the loss, then backward().
w = kernel.clone().requires_grad_(True)
b = torch.tensor([bias], dtype=torch.float64, requires_grad=True)
inp = image.clone().requires_grad_(True)
y = F.conv2d(inp[None, None], w[None, None], b, stride=stride, padding=padding, dilation=dilation)[0, 0]
if painted_delta is None:
    L = 0.5 * ((y - target) ** 2).sum()
    if reduction == "mean":
        L = L / y.numel()
else:
    L = (painted_delta * y).sum()
L.backward()
check_kernel_grad = w.grad
check_bias_grad = float(b.grad[0])
check_input_grad = inp.grad


${closing("autograd (torch.nn.functional.conv2d, then backward)")}`;
}

/** The self-contained script of a flavour for a state. */
export function pythonScript(state: LinkedState, flavour: Flavour): string {
  return flavour === "numpy" ? numpyScript(state) : pytorchScript(state);
}
