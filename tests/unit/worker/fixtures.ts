// Seeded problems and exact comparisons for the worker tests.
import {
  type ConvOptions,
  conv2d,
  type Grid,
  type LabelledImages,
  outputShape,
  resolveOptions,
} from "../../../src/engine";
import { seededRandom } from "../../../src/engine/index";
import { EngineHandler, type HandlerOptions } from "../../../src/worker/host/handler";
import type { EngineReply, TrainRequestMessage } from "../../../src/worker/protocol";

/** mulberry32, the app's own seeded PRNG: uniform numbers in [0, 1). */
export const mulberry32 = seededRandom;

export function randomGrid(
  rand: () => number,
  height: number,
  width: number,
  lo = -1,
  hi = 1,
): Grid {
  const data = new Float64Array(height * width);
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * rand();
  return { height, width, data };
}

/** An image, a starting filter and a target made by a hidden filter (so training can converge). */
export interface Case {
  image: Grid;
  kernel: Grid;
  bias: number;
  target: Grid;
  options: ConvOptions;
}

export function makeCase(
  seed: number,
  { size = 12, kernelSide = 3, options = {} as ConvOptions } = {},
): Case {
  const rand = mulberry32(seed);
  const image = randomGrid(rand, size, size, 0, 1);
  const hidden = randomGrid(rand, kernelSide, kernelSide);
  const target = conv2d(image, hidden, 0.25, options);
  const kernel = randomGrid(rand, kernelSide, kernelSide, -0.5, 0.5);
  const out = outputShape(image, kernel, resolveOptions(options));
  if (out.height !== target.height || out.width !== target.width) throw new Error("bad case");
  return { image, kernel, bias: rand() - 0.5, target, options };
}

/** Index of the first element whose bits differ (or -2 for different lengths); -1 when identical. */
export function firstBitDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return -2;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** All arrays joined in order. */
export function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Resolves after pending immediates (a fake worker's deliveries) have run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A handler whose replies (and transfer lists) are recorded; `onReply` may react to them. */
export function recorder(options: HandlerOptions = {}, onReply?: (reply: EngineReply) => void) {
  const replies: EngineReply[] = [];
  const transfers: Transferable[][] = [];
  const handler = new EngineHandler((reply, transfer) => {
    replies.push(reply);
    transfers.push(transfer);
    onReply?.(reply);
  }, options);
  return { handler, replies, transfers };
}

/** The replies of one type, typed as such. */
export const of = <T extends EngineReply["type"]>(replies: EngineReply[], type: T) =>
  replies.filter((r): r is Extract<EngineReply, { type: T }> => r.type === type);

/** A train request for a case: 50 steps at η = 0.01, a report every 10; `fields` override. */
export function trainMessage(
  c: Case,
  runId: number,
  fields: Partial<Omit<TrainRequestMessage, "type" | "runId">> = {},
): TrainRequestMessage {
  return {
    type: "train",
    runId,
    problem: { image: c.image, target: c.target, options: c.options, reduction: "sum" },
    params: { kernel: c.kernel, bias: c.bias },
    learningRate: 0.01,
    steps: 50,
    reportEvery: 10,
    ...fields,
  };
}

/** Random "digits": enough to exercise every path (no learning is asked of them). */
export function randomDigits(seed: number, count: number): LabelledImages {
  const rand = mulberry32(seed);
  const pixels = new Uint8Array(count * 1024);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rand() < 0.2 ? Math.floor(rand() * 256) : 0;
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = Math.floor(rand() * 10);
  return { count, pixels, labels };
}
