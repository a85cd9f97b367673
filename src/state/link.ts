import {
  type LinkedState,
  readState,
  STATE_FORMAT,
  STATE_VERSION,
  StateFileError,
} from "./stateFile";

/** The fragment key of a shared state: `#state=…`. */
export const LINK_KEY = "state";
/** Links longer than this are refused before decoding (browsers cap URLs near 2 MB). */
export const MAX_LINK_CHARS = 2_000_000;
/** The most a link may inflate to: a state is far smaller; more is refused, not decoded. */
export const MAX_LINK_JSON_BYTES = 5 * 1024 * 1024;

/** A link that cannot be read; the message is for the person. */
export class LinkError extends Error {
  override name = "LinkError";
}

function gridJson(g: { height: number; width: number; data: Float64Array }) {
  return { height: g.height, width: g.width, data: Array.from(g.data) };
}

/** The JSON a link carries: the state file's fields without the sums (and without a target its filter makes). */
export function linkDocument(state: LinkedState): unknown {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    image: gridJson(state.image),
    kernel: gridJson(state.kernel),
    bias: state.bias,
    ...(state.targetKernel === null ? { target: gridJson(state.target) } : {}),
    targetKernel: state.targetKernel === null ? null : gridJson(state.targetKernel),
    ...(state.paintedDelta ? { paintedDelta: gridJson(state.paintedDelta) } : {}),
    options: { ...state.options },
    loss: { reduction: state.reduction },
    learningRate: state.learningRate,
    updates: state.updates,
    position: state.position,
  };
}

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit: number,
): Promise<Uint8Array> {
  const owned = new Uint8Array(bytes.length);
  owned.set(bytes);
  const reader = new Blob([owned]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new LinkError("The link unpacks to more data than a state can hold.");
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text))
    throw new LinkError("The link's state has characters a link never contains.");
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  let binary: string;
  try {
    binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  } catch {
    throw new LinkError("The link's state is cut short or garbled.");
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The URL fragment (without "#") that restores this state exactly: deflated JSON in base64url. */
export async function encodeLink(state: LinkedState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(linkDocument(state)));
  const packed = await pipe(json, new CompressionStream("deflate-raw"), Number.POSITIVE_INFINITY);
  return `${LINK_KEY}=${toBase64Url(packed)}`;
}

/** Reads a link's state; throws LinkError (or StateFileError) naming what is wrong. */
export async function decodeLink(value: string): Promise<LinkedState> {
  if (value.length > MAX_LINK_CHARS)
    throw new LinkError("The link is too long to be a ConvSweep state.");
  let json: string;
  try {
    const bytes = await pipe(
      fromBase64Url(value),
      new DecompressionStream("deflate-raw"),
      MAX_LINK_JSON_BYTES,
    );
    json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    if (error instanceof LinkError) throw error;
    throw new LinkError("The link's state is cut short or garbled.");
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new LinkError("The link's state is not readable.");
  }
  try {
    return readState(doc, "link");
  } catch (error) {
    if (error instanceof StateFileError)
      throw new LinkError(`The link's state is not valid: ${error.message}`);
    throw error;
  }
}
