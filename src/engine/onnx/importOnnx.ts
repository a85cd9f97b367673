/**
 * Reads a model saved by `torch.onnx.export` (or any ONNX file of the same operators) into a
 * NetworkSpec and its parameters. The graph must be one chain: each operator takes the one
 * before it's output. Read: Conv, Relu, MaxPool, AveragePool, Flatten, Gemm; MatMul and the
 * Add of its bias (a dense layer); Reshape to [batch, -1] from a constant shape (a flatten);
 * Pad with zero pads (PyTorch writes one before each AveragePool) and the Constant that holds
 * its pads; Identity and Dropout (inference: pass-through); a last Softmax or LogSoftmax (the
 * cross-entropy loss applies its own; `folded` says so). Anything else is refused with an
 * error that names the operator and the node.
 */
import { createNetwork, type LayerSpec, type NetworkSpec } from "../net/spec";
import {
  biasOf,
  MAX_ONNX_BYTES,
  nodeName,
  OnnxImportError,
  OPSETS,
  padIsZero,
  pool,
  refuseAttribute,
  refuseAutoPad,
  same,
  weights,
} from "./importNodes";
import { OnnxFormatError, type OnnxModel, type OnnxTensor } from "./onnxModel";
import { decodeModel } from "./wire";

export { MAX_ONNX_BYTES, OnnxImportError } from "./importNodes";

/**
 * A model read: its spec and parameters, and the last Softmax or LogSoftmax it ended in, if
 * any (folded into the cross-entropy loss, which applies the softmax itself).
 */
export interface ImportedModel {
  readonly spec: NetworkSpec;
  readonly params: Float64Array;
  readonly folded?: "Softmax" | "LogSoftmax";
}

/** The operators importOnnx reads, as its messages list them. */
const SUPPORTED =
  "ConvSweep reads Conv, Relu, MaxPool, AveragePool, Flatten and Gemm; also MatMul with the Add of its bias, Reshape to [batch, -1], zero Pad with its Constant, Identity, Dropout, and a last Softmax or LogSoftmax";

/**
 * A model's bytes as a spec and its parameters (float64, PyTorch's order). The input must be
 * one image, [batch, channels, height, width]. Cross-entropy when the network ends in a flat
 * vector of at least 2 values, squared error otherwise. Throws OnnxImportError with a message
 * naming what is not supported, and the network's own RangeError for a network past its limits.
 */
export function importOnnx(bytes: Uint8Array): ImportedModel {
  if (!(bytes instanceof Uint8Array)) throw new RangeError("bytes must be a Uint8Array");
  if (bytes.length > MAX_ONNX_BYTES) {
    throw new OnnxImportError(
      `the file is ${bytes.length} bytes; ConvSweep opens models up to ${MAX_ONNX_BYTES}`,
    );
  }
  let model: OnnxModel;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    if (error instanceof OnnxFormatError) {
      throw new OnnxImportError(`the file is not an ONNX model (${error.message})`);
    }
    throw error;
  }
  if (model.opset < OPSETS.min || model.opset > OPSETS.max) {
    throw new OnnxImportError(
      `${model.opset === 0 ? "the model names no opset of the default domain" : `the model's opset is ${model.opset}`}; ConvSweep reads opsets ${OPSETS.min} to ${OPSETS.max} (torch.onnx.export's opset_version)`,
    );
  }
  const dataInputs = model.inputs.filter((v) => !model.initializers.has(v.name));
  if (dataInputs.length !== 1) {
    throw new OnnxImportError(
      `the model has ${dataInputs.length} inputs; ConvSweep reads models of one image input`,
    );
  }
  const input = dataInputs[0] as (typeof dataInputs)[number];
  const [, channels, height, width] = input.dims;
  if (
    input.dims.length !== 4 ||
    typeof channels !== "number" ||
    typeof height !== "number" ||
    typeof width !== "number"
  ) {
    throw new OnnxImportError(
      `the input "${input.name}" has shape [${input.dims.map((d) => d ?? "?").join(", ")}]; ConvSweep reads [batch, channels, height, width] with known sizes`,
    );
  }

  const layers: LayerSpec[] = [];
  const params: Float64Array[] = [];
  /** What each weighted layer's weights say its input is, checked once the shapes are known. */
  const fanIns: { layer: number; inputs: number; where: string }[] = [];
  const constants = new Map<string, OnnxTensor>();
  let current = input.name;
  let softmaxLast = false;
  /** The last operator's type, and the bias slot of a MatMul its Add may fill. */
  let previous = "";
  let matMulBias: { slot: number; units: number } | null = null;
  let folded: "Softmax" | "LogSoftmax" | null = null;
  model.nodes.forEach((node, index) => {
    const where = nodeName(node, index);
    if (node.domain !== "" && node.domain !== "ai.onnx") {
      throw new OnnxImportError(`${where}: operators of domain "${node.domain}" are not supported`);
    }
    if (node.opType === "Constant") {
      const t = node.attributes.get("value")?.t;
      if (t != null && node.outputs[0] !== undefined) constants.set(node.outputs[0], t);
      return;
    }
    if (softmaxLast) {
      throw new OnnxImportError(`${where}: a Softmax is read only as the model's last operator`);
    }
    if (node.inputs[0] !== current) {
      throw new OnnxImportError(
        `${where}: it does not take the previous operator's output; ConvSweep reads a chain of layers, one after another`,
      );
    }
    switch (node.opType) {
      case "Conv": {
        const w = weights(model, node.inputs[1], where);
        const [filters, inChannels, kh, kw] = w.dims;
        if (w.dims.length !== 4 || filters === undefined || kh === undefined || kw === undefined) {
          throw new OnnxImportError(
            `${where}: its weights have shape [${w.dims.join(", ")}], not [filters, channels, height, width]`,
          );
        }
        refuseAttribute(
          node,
          where,
          "group",
          (v) => v === 1,
          "grouped convolutions are not supported",
        );
        refuseAutoPad(node, where);
        const kernel = node.attributes.get("kernel_shape")?.ints;
        if (kernel !== undefined && (kernel[0] !== kh || kernel[1] !== kw || kernel.length !== 2)) {
          throw new OnnxImportError(
            `${where}: its kernel_shape [${kernel.join(", ")}] is not its weights' ${kh}x${kw}`,
          );
        }
        fanIns.push({ layer: layers.length, inputs: inChannels as number, where });
        const bias = biasOf(model, node, where, filters, "filters");
        layers.push({
          type: "conv2d",
          filters,
          kernelSize: kh === kw ? kh : [kh, kw],
          stride: same(node, where, "strides", 1),
          padding: same(node, where, "pads", 0),
          dilation: same(node, where, "dilations", 1),
        });
        params.push(w.values as Float64Array, bias);
        break;
      }
      case "Gemm": {
        const w = weights(model, node.inputs[1], where);
        const transB = node.attributes.get("transB")?.i ?? 0;
        refuseAttribute(node, where, "transA", (v) => v === 0, "transA is not supported");
        refuseAttribute(node, where, "transB", (v) => v === 0 || v === 1, "transB must be 0 or 1");
        const alpha = node.attributes.get("alpha")?.f ?? 1;
        const beta = node.attributes.get("beta")?.f ?? 1;
        if (alpha !== 1 || beta !== 1)
          throw new OnnxImportError(`${where}: alpha and beta other than 1 are not supported`);
        const [rows, cols] = w.dims;
        if (w.dims.length !== 2 || rows === undefined || cols === undefined) {
          throw new OnnxImportError(
            `${where}: its weights have shape [${w.dims.join(", ")}], not a matrix`,
          );
        }
        const units = transB === 1 ? rows : cols;
        const values = w.values as Float64Array;
        fanIns.push({ layer: layers.length, inputs: transB === 1 ? cols : rows, where });
        if (transB === 1) {
          params.push(values);
        } else {
          // ConvSweep's dense weights are [units][inputs], Gemm's with transB = 0 [inputs][units].
          const transposed = new Float64Array(values.length);
          for (let o = 0; o < cols; o++)
            for (let i = 0; i < rows; i++)
              transposed[o * rows + i] = values[i * cols + o] as number;
          params.push(transposed);
        }
        params.push(biasOf(model, node, where, units, "units"));
        layers.push({ type: "dense", units });
        break;
      }
      case "MatMul": {
        // x · W with W [inputs][units] (ONNX's MatMul, e.g. a Linear exported without Gemm);
        // its bias, if any, is the Add that follows.
        const w = weights(model, node.inputs[1], where);
        const [rows, cols] = w.dims;
        if (w.dims.length !== 2 || rows === undefined || cols === undefined) {
          throw new OnnxImportError(
            `${where}: its weights have shape [${w.dims.join(", ")}], not a matrix [inputs, units]`,
          );
        }
        const values = w.values as Float64Array;
        const transposed = new Float64Array(values.length);
        for (let o = 0; o < cols; o++)
          for (let i = 0; i < rows; i++) transposed[o * rows + i] = values[i * cols + o] as number;
        fanIns.push({ layer: layers.length, inputs: rows, where });
        params.push(transposed, new Float64Array(cols));
        matMulBias = { slot: params.length - 1, units: cols };
        layers.push({ type: "dense", units: cols });
        break;
      }
      case "Add": {
        if (previous !== "MatMul" || matMulBias === null) {
          throw new OnnxImportError(
            `${where}: an Add is read only as the bias of the MatMul right before it`,
          );
        }
        const b = weights(model, node.inputs[1], where);
        if (
          b.values?.length !== matMulBias.units ||
          b.dims.some((d, i) => i < b.dims.length - 1 && d !== 1)
        ) {
          throw new OnnxImportError(
            `${where}: its bias has shape [${b.dims.join(", ")}], not the MatMul's ${matMulBias.units} units`,
          );
        }
        params[matMulBias.slot] = b.values as Float64Array;
        matMulBias = null;
        break;
      }
      case "Reshape": {
        // Only x.reshape(N, -1): the same as Flatten.
        const name = node.inputs[1];
        const shape =
          (name === undefined ? undefined : (model.initializers.get(name) ?? constants.get(name)))
            ?.values ?? null;
        const [batch, rest] = shape ?? [];
        if (shape?.length !== 2 || rest !== -1 || !(batch === 0 || batch === 1 || batch === -1)) {
          throw new OnnxImportError(
            `${where}: a Reshape is read only to [batch, -1] (a flatten) from a constant shape`,
          );
        }
        layers.push({ type: "flatten" });
        break;
      }
      case "Relu":
        layers.push({ type: "relu" });
        break;
      case "MaxPool":
        if (node.outputs.length > 1 && node.outputs[1] !== "") {
          throw new OnnxImportError(`${where}: its indices output is not supported`);
        }
        refuseAttribute(
          node,
          where,
          "storage_order",
          (v) => v === 0,
          "storage_order 1 is not supported",
        );
        layers.push(pool(node, where, "maxpool2d"));
        break;
      case "AveragePool":
        layers.push(pool(node, where, "avgpool2d"));
        break;
      case "Flatten":
        refuseAttribute(
          node,
          where,
          "axis",
          (v) => v === 1,
          "only axis 1 (keep the batch) is supported",
        );
        layers.push({ type: "flatten" });
        break;
      case "Pad":
        if (!padIsZero(model, node, constants)) {
          throw new OnnxImportError(`${where}: padding other than zero pads is not supported`);
        }
        break;
      case "Identity":
      case "Dropout":
        break;
      case "Softmax":
      case "LogSoftmax":
        softmaxLast = true;
        folded = node.opType;
        break;
      default:
        throw new OnnxImportError(
          `${where}: the operator ${node.opType} is not supported (${SUPPORTED})${node.opType === "BatchNormalization" ? "; export the model with its batch norm folded into the conv before it (e.g. torch.ao.quantization.fuse_modules, or torch.fx's fuse)" : ""}`,
        );
    }
    previous = node.opType;
    current = node.outputs[0] ?? "";
  });
  if (!model.outputs.some((o) => o.name === current)) {
    throw new OnnxImportError(
      "the model's output is not the last operator's: ConvSweep reads a chain of layers",
    );
  }
  if (layers.length === 0) throw new OnnxImportError("the model has no layer ConvSweep reads");

  const last = createNetwork({ input: { channels, height, width }, layers, loss: "squared-error" });
  const out = last.shapes[last.shapes.length - 1];
  const classes =
    last.flat[last.flat.length - 1] === true && out !== undefined && out.channels >= 2;
  const spec: NetworkSpec = {
    input: { channels, height, width },
    layers,
    loss: classes || softmaxLast ? "cross-entropy" : "squared-error",
  };
  const net = createNetwork(spec);
  for (const { layer, inputs, where } of fanIns) {
    const plan = net.plans[layer];
    const expected =
      plan?.type === "conv2d" ? plan.conv.inChannels : plan?.type === "dense" ? plan.inputs : 0;
    if (inputs !== expected) {
      const what = plan?.type === "conv2d" ? "channels" : "values";
      throw new OnnxImportError(
        `${where}: its weights take ${inputs} input ${what}, but the layer before gives ${expected}`,
      );
    }
  }
  const shape = net.shapes[net.shapes.length - 1];
  const made = net.flat[net.flat.length - 1]
    ? [shape?.channels]
    : [shape?.channels, shape?.height, shape?.width];
  const said = model.outputs.find((o) => o.name === current)?.dims.slice(1) ?? [];
  if (
    said.length > 0 &&
    (said.length !== made.length || said.some((d, i) => typeof d === "number" && d !== made[i]))
  ) {
    throw new OnnxImportError(
      `the model says its output is [batch, ${said.map((d) => d ?? "?").join(", ")}], but its layers give [batch, ${made.join(", ")}]`,
    );
  }
  const all = new Float64Array(net.paramCount);
  let at = 0;
  for (const chunk of params) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return folded === null ? { spec, params: all } : { spec, params: all, folded };
}
