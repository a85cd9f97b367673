"""Hand-picked PyTorch models for the engine's ONNX tests (pytorch.test.ts), in one run.

Reads {"folder": path} as JSON on stdin and writes, as JSON on stdout:
- models: each hand-picked model, saved by torch.onnx.export (float32, or float64 after
  model.double()) to folder/NAME.onnx, with the weights it saved (float32 ones cast to float64,
  exactly), an input, a label, and PyTorch float64 autograd on those weights: the output, the
  cross-entropy loss (summed, batch of one), every parameter's gradient (a list per parameter,
  PyTorch's order) and the input's gradient. `unsupported` names the operator the engine must
  refuse, where there is one.
- hostile: {name: path} of models made wrong on purpose with the onnx API (a weight whose dims
  or channels disagree with the graph, a Gemm of the wrong width, an opset outside 9-17, a NaN
  or an infinite weight, a kernel_shape that is not the weights', an output shape the layers
  do not give).
- retyped: {name: path} of models of `models` saved again with every tensor in float_data,
  double_data or int64_data instead of raw_data.
"""
import copy
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F
from torch import nn

job = json.load(sys.stdin)
folder = job["folder"]
torch.manual_seed(20240611)


def head(shape, body, classes):
    """body, then Flatten and a Linear to `classes`, its width found by running body."""
    with torch.no_grad():
        width = nn.Sequential(*body)(torch.zeros(1, *shape)).numel()
    return nn.Sequential(*body, nn.Flatten(), nn.Linear(width, classes))


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def colour():
    return head([3, 32, 32], [nn.Conv2d(3, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(8, 8, 3, stride=2), nn.ReLU()], 10)


def batchnorm():
    model = head([1, 16, 16], [nn.Conv2d(1, 4, 3), nn.ReLU(), nn.BatchNorm2d(4)], 3)
    with torch.no_grad():
        model[2].running_mean.uniform_(-0.5, 0.5)
        model[2].running_var.uniform_(0.5, 2)
    return model


# (name, input [C, H, W], dtype, model)
MODELS = [
    ("lenet5", [1, 32, 32], "float32", lenet5),
    ("lenet5-float64", [1, 32, 32], "float64", lenet5),
    ("mnist28", [1, 28, 28], "float32", lambda: head([1, 28, 28], [
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)], 10)),
    ("kernels1to4-strides", [1, 24, 24], "float32", lambda: head([1, 24, 24], [
        nn.Conv2d(1, 4, 1), nn.ReLU(), nn.Conv2d(4, 4, 2, stride=2), nn.ReLU(),
        nn.Conv2d(4, 5, 3, padding=1), nn.ReLU(), nn.Conv2d(5, 5, 4, stride=3, padding=2),
        nn.ReLU()], 6)),
    ("kernels5to7-paddings", [1, 30, 30], "float64", lambda: head([1, 30, 30], [
        nn.Conv2d(1, 3, 5, padding=2), nn.ReLU(), nn.Conv2d(3, 4, 6, stride=2, padding=3),
        nn.ReLU(), nn.Conv2d(4, 4, 7, padding=1), nn.ReLU()], 5)),
    ("dilated-nonsquare", [3, 16, 20], "float32", lambda: head([3, 16, 20], [
        nn.Conv2d(3, 4, (3, 5), dilation=2, padding=1), nn.ReLU(), nn.MaxPool2d(2)], 3)),
    ("avgpool", [1, 20, 20], "float32", lambda: head([1, 20, 20], [
        nn.Conv2d(1, 4, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(4, 6, 3, padding=1),
        nn.ReLU(), nn.AvgPool2d(3, stride=2)], 10)),
    ("avgpool-float64", [1, 12, 12], "float64", lambda: head([1, 12, 12], [
        nn.Conv2d(1, 3, 2), nn.AvgPool2d(2, stride=1), nn.ReLU(), nn.AvgPool2d(3)], 4)),
    ("maxpool-overlapping", [1, 19, 19], "float32", lambda: head([1, 19, 19], [
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, stride=2),
        nn.Conv2d(4, 4, 2), nn.ReLU(), nn.MaxPool2d(2, stride=1)], 4)),
    ("dense-stack", [1, 8, 8], "float32", lambda: nn.Sequential(
        nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))),
    ("dense-stack-float64", [1, 10, 10], "float64", lambda: nn.Sequential(
        nn.Flatten(), nn.Linear(100, 20), nn.ReLU(), nn.Linear(20, 16), nn.ReLU(),
        nn.Linear(16, 3))),
    ("colour", [3, 32, 32], "float32", colour),
    ("colour-float64", [3, 32, 32], "float64", colour),
    ("batchnorm", [1, 16, 16], "float32", batchnorm),
]


def export(model, shape, dtype, path):
    x = torch.zeros(1, *shape, dtype=torch.float64 if dtype == "float64" else torch.float32)
    torch.onnx.export(model, x, path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                      training=torch.onnx.TrainingMode.EVAL)


def autograd(model, x, label):
    """PyTorch float64 autograd of the model as it is (its weights cast to float64, exactly)."""
    m = copy.deepcopy(model).double().eval()
    x = x.clone().requires_grad_()
    out = m(x)
    loss = F.cross_entropy(out, torch.tensor([label]), reduction="sum")
    loss.backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    return {
        "weights": [v for p in m.parameters() for v in flat(p)],
        "output": flat(out),
        "loss": loss.item(),
        "grads": [flat(p.grad) for p in m.parameters()],
        "inputGrad": flat(x.grad),
    }


models = []
for n, (name, shape, dtype, make) in enumerate(MODELS):
    model = make().eval()
    if dtype == "float64":
        # Weights of 53 bits, not float32 ones widened: a float64 file must keep every bit.
        model = model.double()
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.empty_like(p).uniform_(-1e-2, 1e-2))
    path = os.path.join(folder, f"{name}.onnx")
    export(model, shape, dtype, path)
    gen = torch.Generator().manual_seed(n)
    x = torch.rand(1, *shape, dtype=torch.float64, generator=gen)
    classes = list(model.parameters())[-1].numel()
    label = (3 * n + 1) % classes
    case = {"name": name, "file": path, "dtype": dtype, "shape": shape,
            "input": x.reshape(-1).tolist(), "label": label}
    if name == "batchnorm":
        case["unsupported"] = "BatchNormalization"
    else:
        case.update(autograd(model, x, label))
    models.append(case)


def edit(source, name, change):
    model = onnx.load(os.path.join(folder, f"{source}.onnx"))
    change(model)
    path = os.path.join(folder, f"{name}.onnx")
    onnx.save(model, path)
    return path


def initializer(model, op, index, slot=1):
    """The initializer that is input `slot` of the index-th node of type op."""
    node = [n for n in model.graph.node if n.op_type == op][index]
    return next(t for t in model.graph.initializer if t.name == node.input[slot])


def replace(model, tensor, array):
    tensor.CopyFrom(numpy_helper.from_array(array.astype(numpy_helper.to_array(tensor).dtype),
                                            tensor.name))


def dims(tensor, values):
    del tensor.dims[:]
    tensor.dims.extend(values)


def opset(version):
    def change(model):
        model.opset_import[0].version = version
    return change


def poke(op, index, slot, at, value):
    def change(model):
        t = initializer(model, op, index, slot)
        a = numpy_helper.to_array(t).copy()
        a.flat[at] = value
        replace(model, t, a)
    return change


def kernel_shape(model):
    conv = [n for n in model.graph.node if n.op_type == "Conv"][0]
    attr = next(a for a in conv.attribute if a.name == "kernel_shape")
    del attr.ints[:]
    attr.ints.extend([3, 3])


def output_shape(model):
    model.graph.output[0].type.tensor_type.shape.dim[1].dim_value = 12


rng = np.random.default_rng(7)
hostile = {
    # LeNet's first conv weight [6, 1, 5, 5] says [6, 3, 5, 5]; its data is still 150 values.
    "dims-only": edit("lenet5", "dims-only", lambda m: dims(initializer(m, "Conv", 0), [6, 3, 5, 5])),
    # ... and with 450 values: a weight of 3 input channels on a 1-channel input.
    "three-channels": edit("lenet5", "three-channels", lambda m: replace(
        m, initializer(m, "Conv", 0), rng.uniform(-0.2, 0.2, (6, 3, 5, 5)))),
    # The last Gemm's weight [10, 84] made [10, 100].
    "gemm-width": edit("lenet5", "gemm-width", lambda m: replace(
        m, initializer(m, "Gemm", 2), rng.uniform(-0.1, 0.1, (10, 100)))),
    "opset-18": edit("lenet5", "opset-18", opset(18)),
    "opset-8": edit("lenet5", "opset-8", opset(8)),
    "nan-weight": edit("lenet5", "nan-weight", poke("Conv", 1, 1, 7, np.nan)),
    "infinite-bias": edit("lenet5-float64", "infinite-bias", poke("Gemm", 1, 2, 3, -np.inf)),
    "kernel-shape": edit("lenet5", "kernel-shape", kernel_shape),
    "output-shape": edit("lenet5", "output-shape", output_shape),
}



def typed(tensor):
    """The tensor's values in float_data, double_data or int64_data rather than raw_data."""
    a = numpy_helper.to_array(tensor)
    tensor.CopyFrom(onnx.helper.make_tensor(tensor.name, tensor.data_type, a.shape,
                                            a.reshape(-1).tolist(), raw=False))
    assert not tensor.raw_data


def typed_data(model):
    for t in model.graph.initializer:
        typed(t)
    for node in model.graph.node:
        for a in node.attribute:
            if a.name == "value" and a.HasField("t"):
                typed(a.t)


# The same models with every tensor (weights, and the Constant pads of the pools) stored in
# the typed fields instead of raw_data: they must read back the same.
retyped = {name: edit(name, f"{name}-typed", typed_data) for name in ["avgpool", "lenet5-float64"]}

json.dump({"models": models, "hostile": hostile, "retyped": retyped}, sys.stdout)
