/**
 * Writes a network and its parameters as an ONNX model (IR version 7, opset 13): Conv, Relu,
 * MaxPool, AveragePool, Flatten and Gemm, the weights stored inside as float32 (by default) or
 * float64, the input "input" [batch, C, H, W] and the output "output". `onnx.checker` accepts
 * it, PyTorch-exported models read back the same, and importOnnx reads it back exactly.
 */
import { checkBuffer } from "../cnn/checks";
import type { Network } from "../net/spec";
import { ATTRIBUTE_TYPE, DATA_TYPE } from "./onnxModel";
import { Writer } from "./protobuf";

const IR_VERSION = 7;
const OPSET = 13;

function intsAttribute(name: string, values: readonly number[]): Writer {
  const w = new Writer().bytes(1, name).int(20, ATTRIBUTE_TYPE.ints);
  for (const v of values) w.int(8, v);
  return w;
}

function intAttribute(name: string, value: number): Writer {
  return new Writer().bytes(1, name).int(20, ATTRIBUTE_TYPE.int).int(3, value);
}

function floatAttribute(name: string, value: number): Writer {
  return new Writer().bytes(1, name).int(20, ATTRIBUTE_TYPE.float).float(2, value);
}

function tensor(
  name: string,
  dims: readonly number[],
  values: Float64Array,
  double: boolean,
): Writer {
  const width = double ? 8 : 4;
  const raw = new Uint8Array(values.length * width);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) {
    if (double) view.setFloat64(i * 8, values[i] as number, true);
    else view.setFloat32(i * 4, values[i] as number, true);
  }
  const w = new Writer();
  for (const d of dims) w.int(1, d);
  return w
    .int(2, double ? DATA_TYPE.double : DATA_TYPE.float)
    .bytes(8, name)
    .bytes(9, raw);
}

function valueInfo(name: string, elemType: number, dims: readonly number[]): Writer {
  const shape = new Writer().bytes(1, new Writer().bytes(2, "batch"));
  for (const d of dims) shape.bytes(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, elemType).bytes(2, shape);
  return new Writer().bytes(1, name).bytes(2, new Writer().bytes(1, tensorType));
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
  const graph = new Writer();
  const initializers: Writer[] = [];
  let current = "input";
  net.plans.forEach((plan, i) => {
    const output = i === net.plans.length - 1 ? "output" : `layer${i + 1}`;
    const node = new Writer().bytes(1, current);
    const weights = (dims: number[], start: number, end: number, biasEnd: number) => {
      const wName = `layer${i + 1}.weight`;
      const bName = `layer${i + 1}.bias`;
      initializers.push(tensor(wName, dims, params.subarray(start, end), double));
      initializers.push(tensor(bName, [dims[0] as number], params.subarray(end, biasEnd), double));
      node.bytes(1, wName).bytes(1, bName);
    };
    let op: string;
    const attributes: Writer[] = [];
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
    node
      .bytes(2, output)
      .bytes(3, `/${i + 1}/${op}`)
      .bytes(4, op);
    for (const a of attributes) node.bytes(5, a);
    graph.bytes(1, node);
    current = output;
  });
  graph.bytes(2, "ConvSweep");
  for (const t of initializers) graph.bytes(5, t);
  const elemType = double ? DATA_TYPE.double : DATA_TYPE.float;
  const { channels, height, width } = net.spec.input;
  graph.bytes(11, valueInfo("input", elemType, [channels, height, width]));
  const out = net.shapes[net.shapes.length - 1];
  const flat = net.flat[net.flat.length - 1] === true;
  const outDims =
    out === undefined ? [] : flat ? [out.channels] : [out.channels, out.height, out.width];
  graph.bytes(12, valueInfo("output", elemType, outDims));
  return new Writer()
    .int(1, IR_VERSION)
    .bytes(2, "ConvSweep")
    .bytes(7, graph)
    .bytes(8, new Writer().bytes(1, "").int(2, OPSET))
    .finish();
}
