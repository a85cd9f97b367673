"""PyTorch float64 autograd for the general engine's exactness test (general.torch.test.ts).

Reads a JSON list of cases on stdin, each {spec, params, input, target, scale}; for each,
builds the network of the spec from torch.nn.functional with the given parameters (PyTorch's
order and layout), runs it on the input (a batch of one), takes the loss times scale and
backpropagates. Writes a JSON list: every layer's output and its gradient (delta), the
loss, the parameters' gradient and the input's gradient, all flattened row-major.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def run(case):
    spec = case["spec"]
    flat_params = torch.tensor(case["params"], dtype=torch.float64)
    c, h, w = spec["input"]["channels"], spec["input"]["height"], spec["input"]["width"]
    x = torch.tensor(case["input"], dtype=torch.float64).reshape(1, c, h, w).requires_grad_()
    leaves, outputs = [], []
    offset = 0
    shape_c = c

    def take(*shape):
        nonlocal offset
        n = 1
        for s in shape:
            n *= s
        t = flat_params[offset:offset + n].reshape(*shape).clone().requires_grad_()
        offset += n
        leaves.append(t)
        return t

    y = x
    for layer in spec["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            k = layer["kernelSize"]
            kh, kw = (k, k) if isinstance(k, int) else (k[0], k[1])
            weight = take(layer["filters"], shape_c, kh, kw)
            bias = take(layer["filters"])
            y = F.conv2d(y, weight, bias, stride=layer.get("stride", 1),
                         padding=layer.get("padding", 0), dilation=layer.get("dilation", 1))
            shape_c = layer["filters"]
        elif kind == "relu":
            y = F.relu(y)
        elif kind == "maxpool2d":
            y = F.max_pool2d(y, layer["size"], layer.get("stride", layer["size"]))
        elif kind == "avgpool2d":
            y = F.avg_pool2d(y, layer["size"], layer.get("stride", layer["size"]))
        elif kind == "flatten":
            y = torch.flatten(y, 1)
            shape_c = y.shape[1]
        elif kind == "dense":
            weight = take(layer["units"], y.shape[1])
            bias = take(layer["units"])
            y = F.linear(y, weight, bias)
        else:
            raise ValueError(kind)
        y.retain_grad()
        outputs.append(y)
    assert offset == flat_params.numel(), (offset, flat_params.numel())
    out = y.reshape(-1)
    if spec["loss"] == "cross-entropy":
        loss = F.cross_entropy(out.reshape(1, -1), torch.tensor([case["target"]]), reduction="sum")
    else:
        target = torch.tensor(case["target"], dtype=torch.float64)
        loss = 0.5 * ((out - target) ** 2).sum()
    loss = loss * case["scale"]
    loss.backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    return {
        "loss": loss.item(),
        "outputs": [flat(o) for o in outputs],
        "deltas": [flat(o.grad) for o in outputs],
        "grads": [v for t in leaves for v in flat(t.grad)],
        "inputGrad": flat(x.grad),
    }


json.dump([run(case) for case in json.load(sys.stdin)], sys.stdout)
