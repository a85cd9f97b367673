// A comparison worker for the stream benchmark: computes one sweep with the engine and sends
// its records back as one transferred buffer, as one message per output row, or as one
// message per position, so the cost of a message can be read off the difference.
import { computeSweep, type Grid, type Reduction } from "../src/engine";

/** How the records travel back. */
export type DeliveryMode = "one" | "rows" | "positions";

export interface DeliveryRequest {
  mode: DeliveryMode;
  runId: number;
  image: Grid;
  kernel: Grid;
  bias: number;
  target: Grid;
  reduction: Reduction;
}

export interface DeliveryChunk {
  runId: number;
  /** How many messages this run sends in all. */
  count: number;
  records: Float64Array;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<DeliveryRequest>) => void) | null;
  postMessage(message: DeliveryChunk, options: { transfer: Transferable[] }): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = ({ data: r }) => {
  const sweep = computeSweep(r.image, r.kernel, r.bias, r.target, {}, r.reduction);
  const { records, recordLength, outHeight, outWidth } = sweep;
  const send = (chunk: Float64Array, count: number) =>
    scope.postMessage(
      { runId: r.runId, count, records: chunk },
      { transfer: [chunk.buffer as ArrayBuffer] },
    );
  if (r.mode === "one") {
    send(records, 1);
  } else {
    const per = r.mode === "rows" ? outWidth * recordLength : recordLength;
    const count = r.mode === "rows" ? outHeight : outHeight * outWidth;
    for (let i = 0; i < count; i++) send(records.slice(i * per, (i + 1) * per), count);
  }
};
