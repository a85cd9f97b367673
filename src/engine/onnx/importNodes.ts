/**
 * The checks importOnnx makes of one node: its name in messages, its weights, attributes that
 * must hold one value, pools, pads and biases. Each refusal is an OnnxImportError that names
 * the node and says what is read instead.
 */
import type { LayerSpec } from "../net/spec";
import { DATA_TYPE, type OnnxModel, type OnnxNode, type OnnxTensor } from "./onnxModel";

/** Why a model cannot be opened: a message a person can act on. */
export class OnnxImportError extends Error {
  override name = "OnnxImportError";
}

/** The largest model file read (a network within NETWORK_LIMITS is far smaller). */
export const MAX_ONNX_BYTES = 64 * 1024 * 1024;

/** The opsets of the default domain read: those whose operators above mean what is read here. */
export const OPSETS = { min: 9, max: 17 } as const;

export function nodeName(node: OnnxNode, index: number): string {
  return `${node.opType} node ${node.name === "" ? `#${index + 1}` : `"${node.name}"`}`;
}

/** The float or double tensor of a name, checked against the dims it should have. */
export function weights(model: OnnxModel, name: string | undefined, where: string): OnnxTensor {
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
export function same(node: OnnxNode, where: string, name: string, fallback: number): number {
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

export function refuseAttribute(
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
export function pool(node: OnnxNode, where: string, type: "maxpool2d" | "avgpool2d"): LayerSpec {
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
export function refuseAutoPad(node: OnnxNode, where: string): void {
  const autoPad = node.attributes.get("auto_pad")?.s ?? "NOTSET";
  if (autoPad !== "NOTSET" && autoPad !== "VALID") {
    throw new OnnxImportError(
      `${where}: auto_pad ${autoPad} is not supported; export with explicit padding`,
    );
  }
}

/** A Conv's or Gemm's bias (its third input), or zeros without one; `count` values. */
export function biasOf(model: OnnxModel, node: OnnxNode, where: string, count: number, of: string) {
  const name = node.inputs[2];
  if (name === undefined || name === "") return new Float64Array(count);
  const bias = weights(model, name, where).values as Float64Array;
  if (bias.length !== count) {
    throw new OnnxImportError(`${where}: its bias has ${bias.length} values for ${count} ${of}`);
  }
  return bias;
}

/** The zero pads a Pad node carries (in a Constant input or, before opset 11, an attribute). */
export function padIsZero(
  model: OnnxModel,
  node: OnnxNode,
  constants: Map<string, OnnxTensor>,
): boolean {
  const mode = node.attributes.get("mode")?.s ?? "constant";
  const pads =
    node.attributes.get("pads")?.ints ??
    Array.from(
      (constants.get(node.inputs[1] ?? "") ?? model.initializers.get(node.inputs[1] ?? ""))
        ?.values ?? [1],
    );
  return mode === "constant" && pads.every((v) => v === 0);
}
