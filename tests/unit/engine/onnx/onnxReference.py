"""PyTorch and onnx for the engine's ONNX tests (onnx.test.ts).

Reads {"export": [...], "check": [...], "folder": path} as JSON on stdin.
- export: {spec, params} cases. Each becomes a float32 torch.nn.Sequential with those weights,
  saved by torch.onnx.export to folder/export-N.onnx.
- check: {file, input} cases: ONNX files the engine wrote. Each must pass
  onnx.checker.check_model; its weights are read with onnx.numpy_helper, and the graph is run
  by a small float64 interpreter written here on torch.nn.functional (Conv, Relu, MaxPool,
  AveragePool, Flatten, Gemm, read from the file's own attributes) on the given input.
Also saves a model with a Tanh (an operator the engine does not read) to folder/tanh.onnx.
Writes {"exported": [paths], "checked": [{weights: [...], output: [...]}], "unsupported": path}
as JSON.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F

job = json.load(sys.stdin)


def sequential(spec, params):
    layers, c = [], spec["input"]["channels"]
    h, w = spec["input"]["height"], spec["input"]["width"]
    for layer in spec["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            k = layer["kernelSize"]
            conv = torch.nn.Conv2d(c, layer["filters"], k if isinstance(k, int) else tuple(k),
                                   stride=layer.get("stride", 1), padding=layer.get("padding", 0),
                                   dilation=layer.get("dilation", 1))
            layers.append(conv)
            c = layer["filters"]
        elif kind == "relu":
            layers.append(torch.nn.ReLU())
        elif kind == "maxpool2d":
            layers.append(torch.nn.MaxPool2d(layer["size"], layer.get("stride", layer["size"])))
        elif kind == "avgpool2d":
            layers.append(torch.nn.AvgPool2d(layer["size"], layer.get("stride", layer["size"])))
        elif kind == "flatten":
            layers.append(torch.nn.Flatten())
        elif kind == "dense":
            probe = torch.nn.Sequential(*layers)(torch.zeros(1, spec["input"]["channels"], h, w))
            layers.append(torch.nn.Linear(probe.shape[1], layer["units"]))
    model = torch.nn.Sequential(*layers)
    flat = torch.tensor(params, dtype=torch.float32)
    at = 0
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(flat[at:at + p.numel()].reshape(p.shape))
            at += p.numel()
    assert at == flat.numel()
    return model.eval()


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def run(model, x):
    weights = {t.name: torch.tensor(numpy_helper.to_array(t).astype(np.float64)) for t in model.graph.initializer}
    y = x
    for node in model.graph.node:
        op, ins = node.op_type, list(node.input)
        if op == "Conv":
            pads = attr(node, "pads", [0, 0, 0, 0])
            y = F.conv2d(y, weights[ins[1]], weights[ins[2]], stride=tuple(attr(node, "strides", [1, 1])),
                         padding=(pads[0], pads[1]), dilation=tuple(attr(node, "dilations", [1, 1])))
        elif op == "Relu":
            y = F.relu(y)
        elif op == "MaxPool":
            y = F.max_pool2d(y, tuple(attr(node, "kernel_shape", None)), tuple(attr(node, "strides", None)))
        elif op == "AveragePool":
            y = F.avg_pool2d(y, tuple(attr(node, "kernel_shape", None)), tuple(attr(node, "strides", None)))
        elif op == "Flatten":
            y = torch.flatten(y, attr(node, "axis", 1))
        elif op == "Gemm":
            w = weights[ins[1]]
            y = y @ (w.T if attr(node, "transB", 0) == 1 else w) + weights[ins[2]]
        else:
            raise ValueError(op)
    return y


exported = []
for n, case in enumerate(job["export"]):
    spec = case["spec"]
    model = sequential(spec, case["params"])
    x = torch.zeros(1, spec["input"]["channels"], spec["input"]["height"], spec["input"]["width"])
    path = os.path.join(job["folder"], f"export-{n}.onnx")
    torch.onnx.export(model, x, path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    exported.append(path)

checked = []
for case in job["check"]:
    model = onnx.load(case["file"])
    onnx.checker.check_model(model)
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim][1:]
    x = torch.tensor(case["input"], dtype=torch.float64).reshape(1, *shape)
    checked.append({
        "weights": [float(v) for t in model.graph.initializer for v in numpy_helper.to_array(t).reshape(-1)],
        "output": run(model, x).reshape(-1).tolist(),
    })

tanh = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.Tanh(), torch.nn.Flatten(),
                           torch.nn.Linear(2 * 8 * 8, 3))
unsupported = os.path.join(job["folder"], "tanh.onnx")
torch.onnx.export(tanh, torch.zeros(1, 1, 10, 10), unsupported)

json.dump({"exported": exported, "checked": checked, "unsupported": unsupported}, sys.stdout)
