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
  DATA_TYPE,
  OnnxFormatError,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from "./onnxModel";
import { decodeModel } from "./wire";

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

/** Why a model cannot be opened: a message a person can act on. */
export class OnnxImportError extends Error {
  override name = "OnnxImportError";
}

/** The largest model file read (a network within NETWORK_LIMITS is far smaller). */
export const MAX_ONNX_BYTES = 64 * 1024 * 1024;

/** The opsets of the default domain read: those whose operators above mean what is read here. */
const OPSETS = { min: 9, max: 17 } as const;

function nodeName(node: OnnxNode, index: number): string {
  return `${node.opType} node ${node.name === "" ? `#${index + 1}` : `"${node.name}"`}`;
}

/** The float or double tensor of a name, checked against the dims it should have. */
function weights(model: OnnxModel, name: string | undefined, where: string): OnnxTensor {
  const t = name === undefined ? undefined : model.initializers.get(name);
  if (t === undefined) {
    throw new OnnxImportError(`${where}: its weights ("${name}") are not stored in the file`);
  }
  if (t.external) {
    throw new OnnxImportError(
      `${where}: its weights are in a separate file; save the model with its weights inside`,
    );
  }
  if (t.problem !== null)
    throw new OnnxImportError(`${where}: its weights "${t.name}" ${t.problem}`);
  if (t.values === null || (t.dataType !== DATA_TYPE.float && t.dataType !== DATA_TYPE.double)) {
    throw new OnnxImportError(
      `${where}: its weights are of ONNX type ${t.dataType}; ConvSweep reads float and double`,
    );
  }
  const bad = t.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new OnnxImportError(
      `${where}: its weights "${t.name}" hold ${t.values[bad]} at index ${bad}; ConvSweep reads finite weights`,
    );
  }
  return t;
}

/** The single value of a pair attribute that must be the same along both axes. */
function same(node: OnnxNode, where: string, name: string, fallback: number): number {
  const attr = node.attributes.get(name);
  if (attr === undefined || attr.ints.length === 0) return fallback;
  const [first] = attr.ints;
  if (attr.ints.some((v) => v !== first)) {
    throw new OnnxImportError(
      `${where}: ${name} [${attr.ints.join(", ")}] differ between the axes or sides; ConvSweep uses one value for all`,
    );
  }
  return first as number;
}

function refuseAttribute(
  node: OnnxNode,
  where: string,
  name: string,
  allowed: (v: number) => boolean,
  why: string,
): void {
  const attr = node.attributes.get(name);
  if (attr !== undefined && !allowed(attr.i)) throw new OnnxImportError(`${where}: ${why}`);
}

/** A pool's layer: a square window, one stride, no padding, no ceil mode. */
function pool(node: OnnxNode, where: string, type: "maxpool2d" | "avgpool2d"): LayerSpec {
  const size = same(node, where, "kernel_shape", 0);
  const stride = same(node, where, "strides", 1);
  if (same(node, where, "pads", 0) !== 0) {
    throw new OnnxImportError(`${where}: padded pooling is not supported`);
  }
  refuseAttribute(
    node,
    where,
    "ceil_mode",
    (v) => v === 0,
    "ceil_mode rounds the output up; ConvSweep rounds down",
  );
  if (same(node, where, "dilations", 1) !== 1) {
    throw new OnnxImportError(`${where}: dilated pooling is not supported`);
  }
  refuseAutoPad(node, where);
  return { type, size, stride };
}

/** Refuses padding chosen by the runtime (auto_pad SAME_…): ConvSweep needs it written out. */
function refuseAutoPad(node: OnnxNode, where: string): void {
  const autoPad = node.attributes.get("auto_pad")?.s ?? "NOTSET";
  if (autoPad !== "NOTSET" && autoPad !== "VALID") {
    throw new OnnxImportError(
      `${where}: auto_pad ${autoPad} is not supported; export with explicit padding`,
    );
  }
}

/** A Conv's or Gemm's bias (its third input), or zeros without one; `count` values. */
function biasOf(model: OnnxModel, node: OnnxNode, where: string, count: number, of: string) {
  const name = node.inputs[2];
  if (name === undefined || name === "") return new Float64Array(count);
  const bias = weights(model, name, where).values as Float64Array;
  if (bias.length !== count) {
    throw new OnnxImportError(`${where}: its bias has ${bias.length} values for ${count} ${of}`);
  }
  return bias;
}

/** The zero pads a Pad node carries (in a Constant input or, before opset 11, an attribute). */
function padIsZero(model: OnnxModel, node: OnnxNode, constants: Map<string, OnnxTensor>): boolean {
  const mode = node.attributes.get("mode")?.s ?? "constant";
  const pads =
    node.attributes.get("pads")?.ints ??
    Array.from(
      (constants.get(node.inputs[1] ?? "") ?? model.initializers.get(node.inputs[1] ?? ""))
        ?.values ?? [1],
    );
  return mode === "constant" && pads.every((v) => v === 0);
}

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
