/**
 * The part of ONNX's model format (onnx.proto, IR version 3 and later) that a sequential CNN
 * uses, as plain objects: the graph's nodes, attributes, initializers (weights) and its inputs'
 * and outputs' shapes. wire.ts decodes a file into them and encodes them into one; importOnnx
 * reads them and exportOnnx writes them.
 */

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

/** A file that is not a well-formed ONNX model: what is wrong with it. */
export class OnnxFormatError extends Error {
  override name = "OnnxFormatError";
}

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  /** The values of a float, double or int64 tensor, row-major; null for any other type. */
  readonly values: Float64Array | null;
  /** What is wrong with a float, double or int64 tensor's data (values then null), or null. */
  readonly problem: string | null;
  /** True when the values live in a file beside the model (external data). */
  readonly external: boolean;
}

/** An attribute: its name, its type (ATTRIBUTE_TYPE) and the field of that type. */
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

/**
 * A graph input or output: its name, element type and dimensions: a number where known, the
 * name of a symbolic one (e.g. "batch"), null where the file says neither.
 */
export interface OnnxValue {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly (number | string | null)[];
}

export interface OnnxModel {
  readonly irVersion: number;
  /** The default domain's opset version (0 when absent). */
  readonly opset: number;
  /** The program that wrote the file (producer_name), and the graph's name. */
  readonly producer: string;
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
}

/** The bytes per value of a tensor ConvSweep reads (float, double, int64), or 0 for others. */
export function widthOf(dataType: number): number {
  return dataType === DATA_TYPE.float
    ? 4
    : dataType === DATA_TYPE.double || dataType === DATA_TYPE.int64
      ? 8
      : 0;
}
