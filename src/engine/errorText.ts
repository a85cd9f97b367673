/**
 * The message of anything thrown (an engine RangeError, a worker's error, any value), for
 * showing to a person. The one helper every room uses for it: the engine is the room all of
 * them may import.
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a person can do about code that could not be fetched. */
const RETRY_ADVICE =
  "Check the connection and try again; if ConvSweep was updated since this page was opened, reload the page.";

/**
 * The one wording for code that could not be fetched (the connection dropped, or ConvSweep was
 * updated since the page was opened and the old chunk is gone): "<what> could not be loaded
 * (<reason>), <outcome>. Check the connection and try again; …". `outcome` says what did not
 * happen. `again` is for a second failure in a row: some browsers (Firefox) keep a failed module
 * load for the page's life, so then only a reload fetches it anew.
 */
export function loadFailureText(
  what: string,
  error: unknown,
  { outcome, again = false }: { outcome?: string | undefined; again?: boolean } = {},
): string {
  const reason = `(${errorText(error)})${outcome ? `, ${outcome}` : ""}`;
  return again
    ? `${what} could not be loaded again ${reason}. Reload the page to fetch it anew.`
    : `${what} could not be loaded ${reason}. ${RETRY_ADVICE}`;
}
