/**
 * The part of ONNX's model format (onnx.proto, IR version 3 and later) that a sequential CNN
 * uses, decoded into plain objects: the graph's nodes, attributes, initializers (weights) and
 * its inputs' and outputs' shapes. Field numbers are onnx.proto's.
 */
import { type Field, float32, ints, ProtobufError, readFields, text } from "./protobuf";

/** TensorProto.DataType values ConvSweep reads or writes. */
export const DATA_TYPE = { float: 1, int64: 7, double: 11 } as const;
/** AttributeProto.AttributeType values. */
export const ATTRIBUTE_TYPE = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  floats: 6,
  ints: 7,
} as const;

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  /** The values of a float, double or int64 tensor, row-major; null for any other type. */
  readonly values: Float64Array | null;
  /** True when the values live in a file beside the model (external data). */
  readonly external: boolean;
}

export interface OnnxAttribute {
  readonly name: string;
  readonly type: number;
  readonly f: number;
  readonly i: number;
  readonly s: string;
  readonly ints: readonly number[];
  readonly t: OnnxTensor | null;
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

/** A graph input or output: its name and its dimensions (null where symbolic, e.g. "batch"). */
export interface OnnxValue {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly (number | null)[];
}

export interface OnnxModel {
  readonly irVersion: number;
  /** The default domain's opset version (0 when absent). */
  readonly opset: number;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
}

function sub(fields: readonly Field[], number: number): Field[][] {
  return fields.filter((f) => f.number === number).map((f) => readFields(f.bytes));
}

function str(fields: readonly Field[], number: number): string {
  const f = fields.find((g) => g.number === number);
  return f === undefined ? "" : text(f);
}

function int(fields: readonly Field[], number: number): number {
  return fields.find((g) => g.number === number)?.int ?? 0;
}

/** Little-endian words of a raw_data field, or a packed/unpacked repeated field, as numbers. */
function tensorValues(
  fields: readonly Field[],
  dataType: number,
  count: number,
): Float64Array | null {
  const raw = fields.find((f) => f.number === 9)?.bytes;
  const width =
    dataType === DATA_TYPE.float
      ? 4
      : dataType === DATA_TYPE.double || dataType === DATA_TYPE.int64
        ? 8
        : 0;
  if (width === 0) return null;
  const out = new Float64Array(count);
  if (raw !== undefined && raw.length > 0) {
    if (raw.length !== count * width) {
      throw new ProtobufError(
        `a tensor's raw data holds ${raw.length} bytes, not ${count * width}`,
      );
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    for (let i = 0; i < count; i++) {
      out[i] =
        dataType === DATA_TYPE.float
          ? view.getFloat32(i * 4, true)
          : dataType === DATA_TYPE.double
            ? view.getFloat64(i * 8, true)
            : Number(view.getBigInt64(i * 8, true));
    }
    return out;
  }
  // int64_data (7): varints, packed or not; float_data (4) and double_data (10): words,
  // packed in one field or one field each.
  let values: number[];
  if (dataType === DATA_TYPE.int64) {
    values = ints(fields, 7);
  } else {
    values = [];
    const number = dataType === DATA_TYPE.float ? 4 : 10;
    for (const f of fields) {
      if (f.number !== number) continue;
      const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length);
      for (let at = 0; at + width <= f.bytes.length; at += width) {
        values.push(width === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true));
      }
    }
  }
  if (values.length !== count) {
    throw new ProtobufError(`a tensor holds ${values.length} values, not the ${count} of its dims`);
  }
  out.set(values);
  return out;
}

function tensor(fields: readonly Field[]): OnnxTensor {
  const dims = ints(fields, 1);
  const dataType = int(fields, 2);
  const count = dims.reduce((a, b) => a * b, 1);
  const external = int(fields, 14) === 1;
  return {
    name: str(fields, 8),
    dims,
    dataType,
    values: external ? null : tensorValues(fields, dataType, count),
    external,
  };
}

function attribute(fields: readonly Field[]): OnnxAttribute {
  const f = fields.find((g) => g.number === 2);
  const t = sub(fields, 5)[0];
  return {
    name: str(fields, 1),
    type: int(fields, 20),
    f: f === undefined ? 0 : float32(f),
    i: int(fields, 3),
    s: str(fields, 4),
    ints: ints(fields, 8),
    t: t === undefined ? null : tensor(t),
  };
}

function node(fields: readonly Field[]): OnnxNode {
  const names = (number: number) => fields.filter((f) => f.number === number).map(text);
  return {
    name: str(fields, 3),
    opType: str(fields, 4),
    domain: str(fields, 7),
    inputs: names(1),
    outputs: names(2),
    attributes: new Map(sub(fields, 5).map((a) => [str(a, 1), attribute(a)])),
  };
}

function value(fields: readonly Field[]): OnnxValue {
  const tensorType = sub(sub(fields, 2)[0] ?? [], 1)[0] ?? [];
  const shape = sub(tensorType, 2)[0] ?? [];
  const dims = sub(shape, 1).map((d) => {
    const v = d.find((f) => f.number === 1);
    return v === undefined ? null : v.int;
  });
  return { name: str(fields, 1), elemType: int(tensorType, 1), dims };
}

/** Decodes an ONNX model's bytes. Throws ProtobufError for bytes that are not one. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const model = readFields(bytes);
  const graph = sub(model, 7)[0];
  if (graph === undefined)
    throw new ProtobufError("the file has no graph: it is not an ONNX model");
  const opset = sub(model, 8).find((o) => str(o, 1) === "" || str(o, 1) === "ai.onnx");
  return {
    irVersion: int(model, 1),
    opset: opset === undefined ? 0 : int(opset, 2),
    nodes: sub(graph, 1).map(node),
    initializers: new Map(sub(graph, 5).map((t) => [str(t, 8), tensor(t)])),
    inputs: sub(graph, 11).map(value),
    outputs: sub(graph, 12).map(value),
  };
}
