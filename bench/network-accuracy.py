"""PyTorch side of bench/network-accuracy.ts: one preset, trained as ConvSweep trains it.

Reads one JSON object on stdin:
  {spec, data: {dir, train, test}, batchSize, learningRate, momentum, updates, seeds}
where spec is a ConvSweep NetworkSpec (src/engine/net/spec.ts), data.dir holds the digits
as raw bytes written by the TS side (train-pixels.u8, train-labels.u8, test-pixels.u8,
test-labels.u8; pixels are 32x32 bytes per image, value = byte / 255, the same split and
the same zero border as ConvSweep's parser), and train / test are the image counts.

For each seed: torch.manual_seed(seed), then the network of the spec built from torch.nn
modules with PyTorch's default initialisation (not ConvSweep's seeded He init), then
`updates` steps of torch.optim.SGD (lr, momentum, no dampening, no weight decay) on the mean
cross-entropy of batches of batchSize images, the images taken from an endless stream in
which every epoch is a fresh permutation of the training set drawn from a generator seeded by
the seed (as ConvSweep's stream: a batch may straddle an epoch boundary). Then the held-out
accuracy and mean cross-entropy on the test set. float32, one thread.

Writes one JSON object to stdout: {torch, runs: [{seed, accuracy, loss, seconds}]}.
Progress goes to stderr.
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass  # already set in this process

SIDE = 32


def load(directory, name, count):
    pixels = np.fromfile(os.path.join(directory, f"{name}-pixels.u8"), dtype=np.uint8)
    labels = np.fromfile(os.path.join(directory, f"{name}-labels.u8"), dtype=np.uint8)
    assert pixels.size == count * SIDE * SIDE, (name, pixels.size)
    assert labels.size == count, (name, labels.size)
    x = torch.from_numpy(pixels.astype(np.float32) / 255.0).reshape(count, 1, SIDE, SIDE)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def build(spec):
    """The spec's layers as torch.nn modules, in order (PyTorch's default init)."""
    modules = []
    size = spec["input"]
    probe = torch.zeros(1, size["channels"], size["height"], size["width"])
    for layer in spec["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            k = layer["kernelSize"]
            kernel = (k, k) if isinstance(k, int) else (k[0], k[1])
            module = nn.Conv2d(probe.shape[1], layer["filters"], kernel,
                               stride=layer.get("stride", 1), padding=layer.get("padding", 0),
                               dilation=layer.get("dilation", 1))
        elif kind == "relu":
            module = nn.ReLU()
        elif kind == "maxpool2d":
            module = nn.MaxPool2d(layer["size"], layer.get("stride", layer["size"]))
        elif kind == "avgpool2d":
            module = nn.AvgPool2d(layer["size"], layer.get("stride", layer["size"]))
        elif kind == "flatten":
            module = nn.Flatten()
        elif kind == "dense":
            module = nn.Linear(probe.shape[1], layer["units"])
        else:
            raise ValueError(f"unknown layer type {kind}")
        modules.append(module)
        with torch.no_grad():
            probe = module(probe)
    if spec["loss"] != "cross-entropy":
        raise ValueError("the digits need a cross-entropy network")
    return nn.Sequential(*modules)


def batches(count, batch_size, updates, generator):
    """The stream's batches: epoch after epoch of fresh permutations, cut every batch_size."""
    needed = updates * batch_size
    epochs = -(-needed // count)
    stream = torch.cat([torch.randperm(count, generator=generator) for _ in range(epochs)])
    return stream[:needed].reshape(updates, batch_size)


def run(config, x, y, test_x, test_y, seed):
    torch.manual_seed(seed)
    model = build(config["spec"])
    generator = torch.Generator().manual_seed(seed)
    order = batches(x.shape[0], config["batchSize"], config["updates"], generator)
    optimizer = torch.optim.SGD(model.parameters(), lr=config["learningRate"],
                                momentum=config["momentum"])
    loss_fn = nn.CrossEntropyLoss(reduction="mean")
    model.train()
    started = time.perf_counter()
    for step in range(config["updates"]):
        index = order[step]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - started
    model.eval()
    with torch.no_grad():
        logits = model(test_x)
        accuracy = (logits.argmax(1) == test_y).float().mean().item()
        test_loss = nn.functional.cross_entropy(logits, test_y).item()
    return {"seed": seed, "accuracy": accuracy, "loss": test_loss, "seconds": seconds}


def main():
    config = json.load(sys.stdin)
    data = config["data"]
    x, y = load(data["dir"], "train", data["train"])
    test_x, test_y = load(data["dir"], "test", data["test"])
    runs = []
    for seed in config["seeds"]:
        result = run(config, x, y, test_x, test_y, seed)
        print(f"    PyTorch seed {seed}: {result['accuracy'] * 100:.2f}% "
              f"({result['seconds']:.1f} s of training)", file=sys.stderr, flush=True)
        runs.append(result)
    json.dump({"torch": torch.__version__, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()
