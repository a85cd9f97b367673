/**
 * Writes a network and its parameters as an ONNX model (IR version 7, opset 13): Conv, Relu,
 * MaxPool, AveragePool, Flatten and Gemm, the weights stored inside as float32 (by default) or
 * float64, the input "input" [batch, C, H, W] and the output "output". `onnx.checker` accepts
 * it, PyTorch-exported models read back the same, and importOnnx reads it back exactly.
 */
import { checkBuffer } from "../cnn/checks";
import type { Network } from "../net/spec";
import {
  ATTRIBUTE_TYPE,
  DATA_TYPE,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValue,
} from "./onnxModel";
import { encodeModel } from "./wire";

const IR_VERSION = 7;
const OPSET = 13;

const NONE = { f: 0, i: 0, s: "", ints: [], t: null } as const;

function intsAttribute(name: string, ints: readonly number[]): OnnxAttribute {
  return { ...NONE, name, type: ATTRIBUTE_TYPE.ints, ints };
}

function intAttribute(name: string, i: number): OnnxAttribute {
  return { ...NONE, name, type: ATTRIBUTE_TYPE.int, i };
}

function floatAttribute(name: string, f: number): OnnxAttribute {
  return { ...NONE, name, type: ATTRIBUTE_TYPE.float, f };
}

function tensor(
  name: string,
  dims: readonly number[],
  values: Float64Array,
  double: boolean,
): OnnxTensor {
  const dataType = double ? DATA_TYPE.double : DATA_TYPE.float;
  return { name, dims, dataType, values, problem: null, external: false };
}

/**
 * The network as an ONNX model's bytes. `dtype` "float32" (the default: what PyTorch writes)
 * rounds each parameter to the nearest float32; "float64" keeps every bit.
 */
export function exportOnnx(
  net: Network,
  params: Float64Array,
  options: { dtype?: "float32" | "float64" } = {},
): Uint8Array {
  checkBuffer("params", params, net.paramCount);
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64") {
    throw new RangeError(`dtype must be "float32" or "float64"; got ${JSON.stringify(dtype)}`);
  }
  const double = dtype === "float64";
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, OnnxTensor>();
  let current = "input";
  net.plans.forEach((plan, i) => {
    const output = i === net.plans.length - 1 ? "output" : `layer${i + 1}`;
    const inputs = [current];
    const weights = (dims: number[], start: number, end: number, biasEnd: number) => {
      // nn.Sequential's state_dict keys ("0.weight", "0.bias", …): the weights load straight
      // into the same Sequential with load_state_dict.
      const wName = `${i}.weight`;
      const bName = `${i}.bias`;
      initializers.set(wName, tensor(wName, dims, params.subarray(start, end), double));
      initializers.set(
        bName,
        tensor(bName, [dims[0] as number], params.subarray(end, biasEnd), double),
      );
      inputs.push(wName, bName);
    };
    let op: string;
    const attributes: OnnxAttribute[] = [];
    switch (plan.type) {
      case "conv2d": {
        const c = plan.conv;
        op = "Conv";
        weights(
          [c.filters, c.inChannels, c.kernelHeight, c.kernelWidth],
          plan.weights,
          plan.bias,
          plan.bias + c.filters,
        );
        attributes.push(
          intsAttribute("dilations", [c.dilation, c.dilation]),
          intAttribute("group", 1),
          intsAttribute("kernel_shape", [c.kernelHeight, c.kernelWidth]),
          intsAttribute("pads", [c.padding, c.padding, c.padding, c.padding]),
          intsAttribute("strides", [c.stride, c.stride]),
        );
        break;
      }
      case "dense":
        op = "Gemm";
        weights([plan.units, plan.inputs], plan.weights, plan.bias, plan.bias + plan.units);
        attributes.push(
          floatAttribute("alpha", 1),
          floatAttribute("beta", 1),
          intAttribute("transB", 1),
        );
        break;
      case "relu":
        op = "Relu";
        break;
      case "maxpool2d":
      case "avgpool2d": {
        const p = plan.pool;
        op = plan.type === "maxpool2d" ? "MaxPool" : "AveragePool";
        attributes.push(
          intAttribute("ceil_mode", 0),
          intsAttribute("kernel_shape", [p.size, p.size]),
          intsAttribute("pads", [0, 0, 0, 0]),
          intsAttribute("strides", [p.stride, p.stride]),
        );
        break;
      }
      case "flatten":
        op = "Flatten";
        attributes.push(intAttribute("axis", 1));
        break;
    }
    nodes.push({
      name: `/${i + 1}/${op}`,
      opType: op,
      domain: "",
      inputs,
      outputs: [output],
      attributes: new Map(attributes.map((a) => [a.name, a])),
    });
    current = output;
  });
  const elemType = double ? DATA_TYPE.double : DATA_TYPE.float;
  const { channels, height, width } = net.spec.input;
  const input: OnnxValue = { name: "input", elemType, dims: ["batch", channels, height, width] };
  const out = net.shapes[net.shapes.length - 1];
  const flat = net.flat[net.flat.length - 1] === true;
  const outDims =
    out === undefined ? [] : flat ? [out.channels] : [out.channels, out.height, out.width];
  const output: OnnxValue = { name: "output", elemType, dims: ["batch", ...outDims] };
  return encodeModel({
    irVersion: IR_VERSION,
    opset: OPSET,
    producer: "ConvSweep",
    graphName: "ConvSweep",
    nodes,
    initializers,
    inputs: [input],
    outputs: [output],
  });
}
