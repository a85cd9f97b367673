/**
 * ONNX's wire format, read and written by @bufbuild/protobuf with the code it generated from
 * onnx.proto (onnx_pb.ts; `npm run gen:onnx` makes it again): decodeModel turns a file's bytes
 * into onnxModel.ts's plain objects, encodeModel turns them into a file. The one file of the
 * engine that imports a package (biome.json's carve-out); nothing else here knows protobuf.
 *
 * int64 fields arrive as bigint: sizes (dims, versions) must be safe integers or the file is
 * refused; attribute integers and int64 tensor values become the nearest number, exact up to
 * 2^53 (they are pads, strides and flags: one past 2^53 is refused by whatever reads it).
 */
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import {
  type AttributeProto,
  type AttributeProtoSchema,
  type ModelProto,
  ModelProtoSchema,
  type NodeProto,
  type NodeProtoSchema,
  type TensorProto,
  type TensorProtoSchema,
  type ValueInfoProto,
  type ValueInfoProtoSchema,
} from "./onnx_pb";
import {
  ATTRIBUTE_TYPE,
  DATA_TYPE,
  type OnnxAttribute,
  OnnxFormatError,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValue,
  widthOf,
} from "./onnxModel";

// Made on first use: a module with nothing to run when it loads is one a bundle can leave out
// of every chunk that does not call it (the page's first load imports the engine's index).
let decoder: TextDecoder | null = null;
let encoder: TextEncoder | null = null;

/** An int64 that must be a count or a version: exact, or the file is refused. */
function exact(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new OnnxFormatError(`${what} is ${value}, past 2^53`);
  }
  return Number(value);
}

/** A float, double or int64 tensor's values, or what is wrong with its data. */
function tensorValues(t: TensorProto, count: number): Float64Array | string {
  const raw = t.rawData;
  const width = widthOf(t.dataType);
  const dims = `[${t.dims.join(", ")}]`;
  if (raw.length > 0) {
    if (raw.length !== count * width) {
      return `hold ${raw.length} bytes of data, not the ${count * width} of their dims ${dims}`;
    }
    // Little-endian, whatever the machine's order (onnx.proto's raw_data).
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      out[i] =
        t.dataType === DATA_TYPE.float
          ? view.getFloat32(i * 4, true)
          : t.dataType === DATA_TYPE.double
            ? view.getFloat64(i * 8, true)
            : Number(view.getBigInt64(i * 8, true));
    }
    return out;
  }
  const typed =
    t.dataType === DATA_TYPE.float
      ? t.floatData
      : t.dataType === DATA_TYPE.double
        ? t.doubleData
        : t.int64Data;
  if (typed.length !== count) {
    return `hold ${typed.length} values, not the ${count} of their dims ${dims}`;
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Number(typed[i]);
  return out;
}

function tensor(t: TensorProto): OnnxTensor {
  const label = `the tensor "${t.name}"`;
  const dims = t.dims.map((d) => exact(d, `a dimension of ${label}`));
  if (dims.some((d) => d < 0)) {
    throw new OnnxFormatError(`${label} has a negative dimension: [${dims.join(", ")}]`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  // data_location EXTERNAL (1): the values are in a file beside the model.
  const external = t.dataLocation === 1;
  const values = external || widthOf(t.dataType) === 0 ? null : tensorValues(t, count);
  return {
    name: t.name,
    dims,
    dataType: t.dataType,
    values: typeof values === "string" ? null : values,
    problem: typeof values === "string" ? values : null,
    external,
  };
}

function attribute(a: AttributeProto): OnnxAttribute {
  decoder ??= new TextDecoder("utf-8", { fatal: false });
  return {
    name: a.name,
    type: a.type,
    f: a.f,
    i: Number(a.i),
    s: decoder.decode(a.s),
    ints: a.ints.map(Number),
    t: a.t === undefined ? null : tensor(a.t),
  };
}

function node(n: NodeProto): OnnxNode {
  return {
    name: n.name,
    opType: n.opType,
    domain: n.domain,
    inputs: n.input,
    outputs: n.output,
    attributes: new Map(n.attribute.map((a) => [a.name, attribute(a)])),
  };
}

function value(v: ValueInfoProto): OnnxValue {
  const type = v.type?.value.case === "tensorType" ? v.type.value.value : undefined;
  const dims = (type?.shape?.dim ?? []).map((d) =>
    d.value.case === "dimValue"
      ? exact(d.value.value, `a dimension of "${v.name}"`)
      : d.value.case === "dimParam"
        ? d.value.value
        : null,
  );
  return { name: v.name, elemType: type?.elemType ?? 0, dims };
}

/**
 * An ONNX model's bytes as plain objects. Throws OnnxFormatError, saying what is wrong, for
 * bytes that are not an onnx.proto ModelProto (the library's own error is its detail) and for
 * a model without a graph. A tensor whose data disagrees with its dims has values null and
 * says so in its `problem`, for whoever reads it to refuse.
 */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  if (bytes.length === 0) throw new OnnxFormatError("it is empty");
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: false });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new OnnxFormatError(`its bytes are not a protocol-buffer ModelProto: ${detail}`);
  }
  const graph = model.graph;
  if (graph === undefined) throw new OnnxFormatError("it holds no graph");
  const opset = model.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx");
  return {
    irVersion: exact(model.irVersion, "its IR version"),
    opset: opset === undefined ? 0 : exact(opset.version, "its opset"),
    producer: model.producerName,
    graphName: graph.name,
    nodes: graph.node.map(node),
    initializers: new Map(graph.initializer.map((t) => [t.name, tensor(t)])),
    inputs: graph.input.map(value),
    outputs: graph.output.map(value),
  };
}

function encodeTensor(t: OnnxTensor): MessageInitShape<typeof TensorProtoSchema> {
  const width = widthOf(t.dataType);
  if (t.values === null || width === 0) {
    throw new RangeError(`tensor "${t.name}": only float, double and int64 values are written`);
  }
  const raw = new Uint8Array(t.values.length * width);
  const view = new DataView(raw.buffer);
  t.values.forEach((v, i) => {
    if (t.dataType === DATA_TYPE.float) view.setFloat32(i * 4, v, true);
    else if (t.dataType === DATA_TYPE.double) view.setFloat64(i * 8, v, true);
    else view.setBigInt64(i * 8, BigInt(v), true);
  });
  return { name: t.name, dims: t.dims.map(BigInt), dataType: t.dataType, rawData: raw };
}

function encodeAttribute(a: OnnxAttribute): MessageInitShape<typeof AttributeProtoSchema> {
  const base = { name: a.name, type: a.type };
  switch (a.type) {
    case ATTRIBUTE_TYPE.float:
      return { ...base, f: a.f };
    case ATTRIBUTE_TYPE.int:
      return { ...base, i: BigInt(a.i) };
    case ATTRIBUTE_TYPE.string:
      encoder ??= new TextEncoder();
      return { ...base, s: encoder.encode(a.s) };
    case ATTRIBUTE_TYPE.ints:
      return { ...base, ints: a.ints.map(BigInt) };
    case ATTRIBUTE_TYPE.tensor:
      if (a.t !== null) return { ...base, t: encodeTensor(a.t) };
      break;
  }
  throw new RangeError(`attribute "${a.name}": type ${a.type} is not written`);
}

function encodeNode(n: OnnxNode): MessageInitShape<typeof NodeProtoSchema> {
  return {
    input: [...n.inputs],
    output: [...n.outputs],
    name: n.name,
    opType: n.opType,
    ...(n.domain === "" ? {} : { domain: n.domain }),
    attribute: [...n.attributes.values()].map(encodeAttribute),
  };
}

function encodeValue(v: OnnxValue): MessageInitShape<typeof ValueInfoProtoSchema> {
  const dim = v.dims.map((d) => ({
    value:
      typeof d === "number"
        ? { case: "dimValue" as const, value: BigInt(d) }
        : typeof d === "string"
          ? { case: "dimParam" as const, value: d }
          : { case: undefined },
  }));
  return {
    name: v.name,
    type: { value: { case: "tensorType", value: { elemType: v.elemType, shape: { dim } } } },
  };
}

/** A model's bytes: every tensor's values as little-endian raw data. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const message = create(ModelProtoSchema, {
    irVersion: BigInt(model.irVersion),
    producerName: model.producer,
    graph: {
      node: model.nodes.map(encodeNode),
      name: model.graphName,
      initializer: [...model.initializers.values()].map(encodeTensor),
      input: model.inputs.map(encodeValue),
      output: model.outputs.map(encodeValue),
    },
    opsetImport: [{ domain: "", version: BigInt(model.opset) }],
  });
  return toBinary(ModelProtoSchema, message);
}
