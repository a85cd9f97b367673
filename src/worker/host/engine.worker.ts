/**
 * The engine's Web Worker: a thin adapter from `message` events to EngineHandler, whose
 * replies go back with their buffers transferred. Once loaded it takes the Web Lock named
 * after it (its `name`), held for as long as it lives, and says `ready`: the client's watchdog
 * asks for that lock to tell a worker that is only busy from one that is gone (client/watchdog.ts).
 */

import type { ShareWorker } from "../network/shares";
import type { WorkerMessage } from "../protocol";
import { EngineHandler } from "./handler";

/** The part of a DedicatedWorkerGlobalScope used here (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  readonly name: string;
  readonly navigator: { readonly locks?: LockManager };
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: WorkerMessage, options: { transfer: Transferable[] }): void;
}

const scope = self as unknown as WorkerScope;
/** A helper of data-parallel training (network/shares.ts), where workers can start workers. */
const shareWorker =
  typeof Worker === "function"
    ? () =>
        new Worker(new URL("../network/share.worker.ts", import.meta.url), {
          type: "module",
          name: "convsweep-share",
        }) as unknown as ShareWorker
    : undefined;
const handler = new EngineHandler((message, transfer) => scope.postMessage(message, { transfer }), {
  ...(shareWorker === undefined ? {} : { shareWorker }),
});

scope.onmessage = (event) => {
  void handler.handle(event.data);
};

const ready = (locked: boolean) => scope.postMessage({ type: "ready", locked }, { transfer: [] });
const locks = scope.navigator.locks;
if (locks !== undefined && scope.name !== "") {
  // The callback's promise never settles: the lock is released only when the worker ends.
  locks
    .request(scope.name, () => {
      ready(true);
      return new Promise<never>(() => {});
    })
    .catch(() => ready(false));
} else {
  ready(false);
}
