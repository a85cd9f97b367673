/**
 * The protocol-buffer wire format, as much of it as ONNX files need: a reader that walks a
 * message's fields and a writer that builds one. Field numbers and types are the callers'
 * (onnxModel.ts); this file knows only varints, 32- and 64-bit words and length-delimited
 * bytes. Integers beyond 2^53 are refused rather than rounded.
 */

/** The wire types of a field's key. */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/** One field of a message: its number, wire type and where its value is. */
export interface Field {
  readonly number: number;
  readonly wire: number;
  /** The value of a varint field. */
  readonly int: number;
  /** The bytes of a length-delimited field, or the 4 or 8 bytes of a fixed one. */
  readonly bytes: Uint8Array;
}

/** A malformed file: what was wrong and where (the byte offset). */
export class ProtobufError extends Error {
  override name = "ProtobufError";
}

/** A varint as a signed 64-bit integer (negative int64 values take ten bytes). */
function readVarint(buf: Uint8Array, at: { pos: number }): number {
  let result = 0n;
  for (let i = 0; i < 10; i++) {
    if (at.pos >= buf.length) {
      throw new ProtobufError(`the file ends inside a number (byte ${at.pos})`);
    }
    const byte = buf[at.pos++] as number;
    result |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if (byte < 0x80) {
      const signed = BigInt.asIntN(64, result);
      if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new ProtobufError(`a number past 2^53 at byte ${at.pos}`);
      }
      return Number(signed);
    }
  }
  throw new ProtobufError(`a number longer than ten bytes at byte ${at.pos}`);
}

/** Every field of one message, in file order. */
export function readFields(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const key = readVarint(buf, at);
    const number = Math.floor(key / 8);
    const wire = key % 8;
    if (number === 0) throw new ProtobufError(`a field numbered 0 at byte ${at.pos}`);
    let int = 0;
    empty ??= new Uint8Array(0);
    let bytes = empty;
    if (wire === WIRE.varint) {
      int = readVarint(buf, at);
    } else if (wire === WIRE.bytes || wire === WIRE.fixed32 || wire === WIRE.fixed64) {
      const length = wire === WIRE.bytes ? readVarint(buf, at) : wire === WIRE.fixed32 ? 4 : 8;
      if (at.pos + length > buf.length) {
        throw new ProtobufError(`a field runs past the end of the file (byte ${at.pos})`);
      }
      bytes = buf.subarray(at.pos, at.pos + length);
      at.pos += length;
    } else {
      throw new ProtobufError(`an unknown wire type ${wire} at byte ${at.pos}`);
    }
    fields.push({ number, wire, int, bytes });
  }
  return fields;
}

// Made on first use: a module with nothing to run when it loads is one a bundle can leave out
// of every chunk that does not call it (the page's first load imports the engine's index).
let empty: Uint8Array | null = null;
let decoder: TextDecoder | null = null;

/** A string field's text. */
export function text(field: Field): string {
  decoder ??= new TextDecoder("utf-8", { fatal: false });
  return decoder.decode(field.bytes);
}

/** The values of a repeated integer field, packed (one bytes field) or not (one per field). */
export function ints(fields: readonly Field[], number: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.number !== number) continue;
    if (f.wire === WIRE.varint) out.push(f.int);
    else if (f.wire === WIRE.bytes) {
      const at = { pos: 0 };
      while (at.pos < f.bytes.length) out.push(readVarint(f.bytes, at));
    }
  }
  return out;
}

/** A fixed32 field as a float32. */
export function float32(field: Field): number {
  return new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getFloat32(0, true);
}

/** Builds one message, field by field. */
export class Writer {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`a protobuf varint must be a safe integer ≥ 0; got ${value}`);
    }
    const bytes: number[] = [];
    let v = value;
    while (v >= 0x80) {
      bytes.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.push(Uint8Array.from(bytes));
  }

  /** An integer field (int32, int64 or enum). */
  int(number: number, value: number): this {
    this.varint(number * 8 + WIRE.varint);
    this.varint(value);
    return this;
  }

  /** A float field (fixed32). */
  float(number: number, value: number): this {
    this.varint(number * 8 + WIRE.fixed32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  /** A bytes, string or message field. */
  bytes(number: number, value: Uint8Array | string | Writer): this {
    const bytes =
      typeof value === "string"
        ? new TextEncoder().encode(value)
        : value instanceof Writer
          ? value.finish()
          : value;
    this.varint(number * 8 + WIRE.bytes);
    this.varint(bytes.length);
    this.push(bytes);
    return this;
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
