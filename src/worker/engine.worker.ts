/**
 * The engine's Web Worker: a thin adapter from `message` events to EngineHandler, whose
 * replies go back with their buffers transferred.
 */
import { EngineHandler } from "./handler";
import type { EngineReply } from "./protocol";

/** The part of a DedicatedWorkerGlobalScope used here (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: EngineReply, options: { transfer: Transferable[] }): void;
}

const scope = self as unknown as WorkerScope;
const handler = new EngineHandler((message, transfer) => scope.postMessage(message, { transfer }));

scope.onmessage = (event) => {
  void handler.handle(event.data);
};
