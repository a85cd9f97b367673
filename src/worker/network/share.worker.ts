/**
 * A helper of data-parallel training (shares.ts): started by the training worker, it sums
 * the gradient of the share of each step's batch it is given and answers with it.
 */
import { errorText } from "../../engine";
import { dataCache, fetchDigits, storedImages } from "./data";
import { computeShare, type ShareReply, type ShareRequest } from "./shares";

/** The part of a DedicatedWorkerGlobalScope used here (the project's lib is DOM, not WebWorker). */
interface HelperScope {
  onmessage: ((event: MessageEvent<ShareRequest>) => void) | null;
  postMessage(message: ShareReply, options: { transfer: Transferable[] }): void;
}

const scope = self as unknown as HelperScope;
const data = dataCache(fetchDigits, storedImages);

scope.onmessage = (event) => {
  const request = event.data;
  computeShare(request, data).then(
    (reply) => {
      const transfer = reply.type === "share" ? [reply.grads.buffer as ArrayBuffer] : [];
      scope.postMessage(reply, { transfer });
    },
    (error: unknown) => {
      scope.postMessage(
        { type: "shareError", id: request.id, message: errorText(error) },
        { transfer: [] },
      );
    },
  );
};
