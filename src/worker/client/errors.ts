/** How the client's promises reject, besides the engine's own messages. */

/** A request replaced by a newer one of the same lane, or cancelled (or the client disposed). */
export class SupersededError extends Error {
  override name = "SupersededError";
}

/** The engine rejected a request (e.g. mismatched shapes or a NaN); the message says why. */
export class EngineRequestError extends Error {
  override name = "EngineRequestError";
}

/** The engine worker failed twice while running a request, or could not be restarted. */
export class EngineWorkerError extends Error {
  override name = "EngineWorkerError";
}
