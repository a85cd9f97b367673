// Hand-picked models saved by torch.onnx.export (pytorchModels.py, one run of Debian's Python):
// LeNet-5, a 28x28 digits CNN, kernels 1–7 with strides, paddings and a dilation, both pools,
// dense stacks, colour inputs, float32 and float64 files. Each is read in Node and must give
// PyTorch float64 autograd's output, loss and every gradient on the same weights to 1e-9 of
// the largest entry of each tensor, and each conv layer's filter summed over its positions
// must be its gradient (to the bit against the engine's, to 1e-9 against PyTorch's). A model
// of an operator the engine does not read, and files made wrong on purpose, are refused with
// a message that says what is wrong; import → export → import is exact. Without PyTorch or
// onnx the test fails with the command that installs them; it never skips.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
  createNetwork,
  exportOnnx,
  importOnnx,
  layerContributions,
  MAX_ONNX_BYTES,
  type Network,
  type NetworkSpec,
  networkBackward,
  networkForward,
  OnnxImportError,
} from "../../../../src/engine/index";
import { expectClose, expectSameBits, expectSameNumber } from "../compare";
import { mulberry32 } from "../random";
import { type PyTorchReference, runPytorchModels } from "./pytorchReference";

const TOLERANCE = 1e-9;
const folder = mkdtempSync(join(tmpdir(), "convsweep-pytorch-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let reference: PyTorchReference | undefined;

/** PyTorch's models and hostile files: one run of Python, shared by the tests. */
function pytorch(): PyTorchReference {
  reference ??= runPytorchModels(folder);
  return reference;
}

function bytesOf(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/** The largest |actual − expected| over max(largest |expected| entry, tiny), so far. */
let worst = 0;

/** |actual − expected| ≤ 1e-9 · the largest |expected| entry, element by element. */
function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  let largest = 0;
  for (let i = 0; i < expected.length; i++)
    largest = Math.max(largest, Math.abs(expected[i] as number));
  const floor = largest === 0 ? 1e-300 : largest;
  expectClose(actual, expected, TOLERANCE, what, floor);
  for (let i = 0; i < expected.length; i++) {
    const b = expected[i] as number;
    worst = Math.max(worst, Math.abs((actual[i] as number) - b) / Math.max(floor, Math.abs(b)));
  }
}

/** Each weighted layer's weights and bias: [start, end) in the parameters, PyTorch's order. */
function tensorsOf(net: Network): [number, number][] {
  return net.plans.flatMap((plan): [number, number][] => {
    if (plan.type === "conv2d")
      return [
        [plan.weights, plan.bias],
        [plan.bias, plan.bias + plan.conv.filters],
      ];
    if (plan.type === "dense")
      return [
        [plan.weights, plan.bias],
        [plan.bias, plan.bias + plan.units],
      ];
    return [];
  });
}

const conv = (filters: number, kernelSize: number) => ({
  type: "conv2d" as const,
  filters,
  kernelSize,
  stride: 1,
  padding: 0,
  dilation: 1,
});
const LENET: NetworkSpec = {
  input: { channels: 1, height: 32, width: 32 },
  layers: [
    conv(6, 5),
    { type: "relu" },
    { type: "maxpool2d", size: 2, stride: 2 },
    conv(16, 5),
    { type: "relu" },
    { type: "maxpool2d", size: 2, stride: 2 },
    { type: "flatten" },
    { type: "dense", units: 120 },
    { type: "relu" },
    { type: "dense", units: 84 },
    { type: "relu" },
    { type: "dense", units: 10 },
  ],
  loss: "cross-entropy",
};

describe("hand-picked models saved by torch.onnx.export equal PyTorch float64 autograd", () => {
  test("they cover both dtypes, kernels 1–7, strides, paddings, both pools, dense stacks, colour, LeNet-5 and 28x28", () => {
    const models = pytorch().models.filter((m) => m.unsupported === undefined);
    expect(models.length).toBeGreaterThanOrEqual(8);
    const specs = models.map((m) => importOnnx(bytesOf(m.file)).spec);
    const layers = specs.flatMap((s) => s.layers);
    const kernels = new Set(
      layers.flatMap((l) =>
        l.type === "conv2d" ? (Array.isArray(l.kernelSize) ? l.kernelSize : [l.kernelSize]) : [],
      ),
    );
    expect([...kernels].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const convs = layers.filter((l) => l.type === "conv2d");
    expect(new Set(convs.map((l) => l.stride))).toEqual(new Set([1, 2, 3]));
    expect(new Set(convs.map((l) => l.padding))).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(convs.map((l) => l.dilation))).toEqual(new Set([1, 2]));
    expect(new Set(layers.map((l) => l.type))).toEqual(
      new Set(["conv2d", "relu", "maxpool2d", "avgpool2d", "flatten", "dense"]),
    );
    expect(new Set(models.map((m) => m.dtype))).toEqual(new Set(["float32", "float64"]));
    expect(new Set(specs.map((s) => s.input.channels))).toEqual(new Set([1, 3]));
    expect(specs.some((s) => s.input.height === 28 && s.input.width === 28)).toBe(true);
    const lenets = models.filter((m) => m.name.startsWith("lenet5"));
    expect(lenets.map((m) => m.dtype).sort()).toEqual(["float32", "float64"]);
    for (const m of lenets) expect(importOnnx(bytesOf(m.file)).spec, m.name).toEqual(LENET);
  });

  test("the weights to the bit; output, loss, every gradient and the input's gradient to 1e-9", () => {
    for (const m of pytorch().models) {
      if (m.unsupported !== undefined) continue;
      const { spec, params } = importOnnx(bytesOf(m.file));
      const net = createNetwork(spec);
      expect(spec.input, m.name).toEqual({
        channels: m.shape[0],
        height: m.shape[1],
        width: m.shape[2],
      });
      expect(spec.loss, m.name).toBe("cross-entropy");
      expectSameBits(params, m.weights, `${m.name}: weights`);
      const input = Float64Array.from(m.input);
      const trace = networkForward(net, params, input);
      expectNear(trace.outputs.at(-1) ?? [], m.output, `${m.name}: output`);
      const back = networkBackward(net, params, trace, m.label);
      expectNear([back.loss], [m.loss], `${m.name}: loss`);
      const tensors = tensorsOf(net);
      expect(tensors.length, `${m.name}: parameter tensors`).toBe(m.grads.length);
      tensors.forEach(([start, end], t) => {
        expectNear(back.grads.subarray(start, end), m.grads[t] ?? [], `${m.name}: gradient ${t}`);
      });
      expectNear(back.inputGrad, m.inputGrad, `${m.name}: input's gradient`);
    }
  });

  test("one filter of each conv layer, summed over its positions, is its gradient: the engine's to the bit, PyTorch's to 1e-9", () => {
    let layersSeen = 0;
    for (const m of pytorch().models) {
      if (m.unsupported !== undefined) continue;
      const { spec, params } = importOnnx(bytesOf(m.file));
      const net = createNetwork(spec);
      const trace = networkForward(net, params, Float64Array.from(m.input));
      const back = networkBackward(net, params, trace, m.label);
      const tensors = tensorsOf(net);
      net.plans.forEach((plan, layer) => {
        if (plan.type !== "conv2d") return;
        const c = plan.conv;
        const fsize = c.inChannels * c.kernelHeight * c.kernelWidth;
        const k = (layer * 7 + m.name.length) % c.filters;
        const sum = new Float64Array(fsize);
        let bias = 0;
        let positions = 0;
        for (const entry of layerContributions(net, params, trace, back.deltas, layer, k)) {
          for (let i = 0; i < fsize; i++)
            sum[i] = (sum[i] as number) + (entry.kernelGrad[i] as number);
          bias += entry.biasGrad;
          positions++;
        }
        const what = `${m.name}, layer ${layer + 1}, filter ${k}`;
        expect(positions, what).toBe(c.outHeight * c.outWidth);
        const start = plan.weights + k * fsize;
        expectSameBits(sum, back.grads.subarray(start, start + fsize), `${what}: weights`);
        expectSameNumber(bias, back.grads[plan.bias + k] as number, `${what}: bias`);
        // PyTorch's gradient of this layer's weight and bias (their index among the tensors).
        const t = tensors.findIndex(([s]) => s === plan.weights);
        const torchWeights = m.grads[t] ?? [];
        expectNear(
          sum,
          torchWeights.slice(k * fsize, (k + 1) * fsize),
          `${what}: PyTorch's weights`,
        );
        expectNear([bias], [(m.grads[t + 1] ?? [])[k] as number], `${what}: PyTorch's bias`);
        layersSeen++;
      });
    }
    expect(layersSeen).toBeGreaterThanOrEqual(20);
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  });

  test("a model of an operator ConvSweep does not read names it, its node and what is read", () => {
    const batchnorm = pytorch().models.find((m) => m.unsupported !== undefined);
    expect(batchnorm?.unsupported).toBe("BatchNormalization");
    expect(() => importOnnx(bytesOf(batchnorm?.file ?? ""))).toThrow(
      /^BatchNormalization node "[^"]+": the operator BatchNormalization is not supported \(ConvSweep reads Conv, Relu, MaxPool, AveragePool, Flatten and Gemm; also MatMul with the Add of its bias, Reshape to \[batch, -1\], zero Pad with its Constant, Identity, Dropout, and a last Softmax or LogSoftmax\); export the model with its batch norm folded into the conv before it/,
    );
  });
});

describe("tensor data in either encoding", () => {
  test("float_data, double_data and int64_data read as raw_data does", () => {
    const { models, retyped } = pytorch();
    expect(Object.keys(retyped).sort()).toEqual(["avgpool", "lenet5-float64"]);
    for (const [name, file] of Object.entries(retyped)) {
      const raw = importOnnx(bytesOf(models.find((m) => m.name === name)?.file ?? ""));
      const typed = importOnnx(bytesOf(file));
      expect(typed.spec, name).toEqual(raw.spec);
      expectSameBits(typed.params, raw.params, name);
    }
  });
});

describe("import → export → import is exact", () => {
  test("float64 to the bit; float32 the same on the second round trip, byte for byte", () => {
    for (const m of pytorch().models) {
      if (m.unsupported !== undefined) continue;
      const first = importOnnx(bytesOf(m.file));
      const net = createNetwork(first.spec);
      const double = importOnnx(exportOnnx(net, first.params, { dtype: "float64" }));
      expect(double.spec, m.name).toEqual(first.spec);
      expectSameBits(double.params, first.params, `${m.name}: float64`);
      const bytes = exportOnnx(net, first.params);
      const single = importOnnx(bytes);
      expect(single.spec, m.name).toEqual(first.spec);
      const rounded = first.params.map((v) => Math.fround(v));
      expectSameBits(single.params, rounded, `${m.name}: float32`);
      if (m.dtype === "float32")
        expectSameBits(single.params, first.params, `${m.name}: float32 file`);
      const again = exportOnnx(createNetwork(single.spec), single.params);
      expectSameBits(again, bytes, `${m.name}: float32 bytes, second round trip`);
      expectSameBits(
        importOnnx(again).params,
        single.params,
        `${m.name}: float32, second round trip`,
      );
    }
  });
});

/** importOnnx's OnnxImportError for `bytes`, or a failure that says what happened instead. */
function refusal(bytes: Uint8Array, what: string): string {
  try {
    importOnnx(bytes);
  } catch (error) {
    expect(error, `${what}: ${String(error)}`).toBeInstanceOf(OnnxImportError);
    return (error as OnnxImportError).message;
  }
  return expect.fail(`${what}: read without an error`);
}

describe("hostile files are refused with a message that says what is wrong", () => {
  test("model bytes cut short, at many points", () => {
    const bytes = bytesOf(pytorch().models[0]?.file ?? "");
    const n = bytes.length;
    const cuts = [
      1,
      2,
      3,
      10,
      50,
      200,
      n >> 3,
      n >> 2,
      n >> 1,
      (3 * n) >> 2,
      n - 100,
      n - 4,
      n - 1,
    ];
    for (const cut of cuts) {
      expect(refusal(bytes.subarray(0, cut), `cut at ${cut}`), `cut at ${cut} of ${n}`).toMatch(
        /^the file is not an ONNX model \(.+\)$|^the model names no opset of the default domain; ConvSweep reads opsets 9 to 17/,
      );
    }
    // The last field PyTorch writes is the opset: without it the graph is whole.
    expect(refusal(bytes.subarray(0, n - 4), "cut before the opset")).toMatch(/names no opset/);
  });

  test("bytes that are not a model: a PNG, random bytes, text, an empty file", () => {
    const png = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
      1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
    ]);
    const rand = mulberry32(11);
    const random = Uint8Array.from({ length: 4096 }, () => Math.floor(rand() * 256));
    for (const [what, bytes] of [
      ["png", png],
      ["random", random],
      ["text", new TextEncoder().encode("hello, world")],
      ["ff", Uint8Array.from([0xff, 0xff, 0xff])],
    ] as const) {
      expect(refusal(bytes, what), what).toMatch(/^the file is not an ONNX model \(.+\)$/);
    }
    expect(refusal(new Uint8Array(0), "empty")).toBe("the file is not an ONNX model (it is empty)");
  });

  test(`a file over MAX_ONNX_BYTES (${MAX_ONNX_BYTES}) is refused before it is read`, () => {
    const big = new Uint8Array(MAX_ONNX_BYTES + 1);
    expect(refusal(big, "too big")).toBe(
      `the file is ${MAX_ONNX_BYTES + 1} bytes; ConvSweep opens models up to ${MAX_ONNX_BYTES}`,
    );
  });

  test("weights whose shapes disagree with the graph, an opset outside 9–17, non-finite weights", () => {
    const { hostile } = pytorch();
    const expected: Record<string, RegExp> = {
      "dims-only":
        /^Conv node "[^"]+": its weights "[^"]+" hold 600 bytes of data, not the 1800 of their dims \[6, 3, 5, 5\]$/,
      "three-channels":
        /^Conv node "[^"]+": its weights take 3 input channels, but the layer before gives 1$/,
      "gemm-width":
        /^Gemm node "[^"]+": its weights take 100 input values, but the layer before gives 84$/,
      "opset-18": /^the model's opset is 18; ConvSweep reads opsets 9 to 17/,
      "opset-8": /^the model's opset is 8; ConvSweep reads opsets 9 to 17/,
      "nan-weight":
        /^Conv node "[^"]+": its weights "[^"]+" hold NaN at index 7; ConvSweep reads finite weights$/,
      "infinite-bias":
        /^Gemm node "[^"]+": its weights "[^"]+" hold -Infinity at index 3; ConvSweep reads finite weights$/,
      "kernel-shape": /^Conv node "[^"]+": its kernel_shape \[3, 3\] is not its weights' 5x5$/,
      "output-shape":
        /^the model says its output is \[batch, 12\], but its layers give \[batch, 10\]$/,
    };
    expect(Object.keys(hostile).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, pattern] of Object.entries(expected)) {
      expect(refusal(bytesOf(hostile[name] ?? ""), name), name).toMatch(pattern);
    }
  });
});
