"""Models of the operators torch.onnx.export rarely writes, built with the onnx API: MatMul with
the Add of its bias, Reshape to [batch, -1] from a Constant, and a last LogSoftmax. Reads
{"folder": path} on stdin; writes {name: {file, input, output}} with NumPy's forward pass in
float64 (before the softmax, which the engine folds into the loss), and one model per refusal."""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

folder = json.load(sys.stdin)["folder"]
rng = np.random.default_rng(5)
C, H, W, K, U = 3, 9, 8, 3, 4
conv_w = rng.normal(size=(K, C, 3, 3))
conv_b = rng.normal(size=K)
dense_w = rng.normal(size=(K * (H - 2) * (W - 2), U))  # MatMul's [inputs, units]
dense_b = rng.normal(size=U)
x = rng.uniform(size=(1, C, H, W))


def forward(x):
    out = np.zeros((K, H - 2, W - 2))
    for k in range(K):
        for r in range(H - 2):
            for c in range(W - 2):
                out[k, r, c] = (conv_w[k] * x[0, :, r:r + 3, c:c + 3]).sum() + conv_b[k]
    return np.maximum(out, 0).reshape(1, -1) @ dense_w + dense_b


def model(name, nodes, extra=(), out_dims=U):
    inits = [numpy_helper.from_array(a, n) for n, a in [
        ("cw", conv_w), ("cb", conv_b), ("dw", dense_w), ("db", dense_b), *extra]]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["N", C, H, W])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, ["N", out_dims])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    path = f"{folder}/{name}.onnx"
    onnx.save(m, path)
    return path


shape = helper.make_node("Constant", [], ["s"], value=numpy_helper.from_array(np.array([0, -1], dtype=np.int64)))
conv = [helper.make_node("Conv", ["x", "cw", "cb"], ["c"]), helper.make_node("Relu", ["c"], ["r"]), shape,
        helper.make_node("Reshape", ["r", "s"], ["f"])]
ok = model("matmul", conv + [helper.make_node("MatMul", ["f", "dw"], ["m"]),
                             helper.make_node("Add", ["m", "db"], ["a"]),
                             helper.make_node("LogSoftmax", ["a"], ["y"], axis=1)])
no_bias = model("matmul-no-bias", conv + [helper.make_node("MatMul", ["f", "dw"], ["y"])])
lone_add = model("lone-add", conv + [helper.make_node("Gemm", ["f", "dw", "db"], ["g"]),
                                     helper.make_node("Add", ["g", "db"], ["y"])])
bad_shape = helper.make_node("Constant", [], ["s"], value=numpy_helper.from_array(np.array([1, 12, 3], dtype=np.int64)))
bad_reshape = model("bad-reshape", conv[:2] + [bad_shape, helper.make_node("Reshape", ["r", "s"], ["y"])],
                    out_dims=12)
batchnorm = model("batchnorm", [helper.make_node("Conv", ["x", "cw", "cb"], ["c"]),
                                helper.make_node("BatchNormalization", ["c", "g", "b", "m", "v"], ["y"])],
                  extra=[(n, np.ones(K)) for n in "gbmv"], out_dims=K)
print(json.dumps({
    "matmul": {"file": ok, "input": x.ravel().tolist(), "output": forward(x).ravel().tolist()},
    "noBias": {"file": no_bias, "input": x.ravel().tolist(),
               "output": (forward(x) - dense_b).ravel().tolist()},
    "refused": {"lone-add": lone_add, "bad-reshape": bad_reshape, "batchnorm": batchnorm},
}))
