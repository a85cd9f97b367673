/**
 * The message of anything thrown (an engine RangeError, a worker's error, any value), for
 * showing to a person. The one helper every room uses for it: the engine is the room all of
 * them may import.
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
