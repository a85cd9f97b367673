import { loadFailureText } from "./errorText";

/** The code whose last load failed, by what the message calls it: a second failure says to reload. */
const failedBefore = new Set<string>();

/**
 * Code loaded on first use (a chunk of its own), by the page or by the worker for a request.
 * When it cannot be fetched (the connection dropped, or ConvSweep was updated since the page was
 * opened), the error is in words a person can act on (loadFailureText; `outcome` says what did
 * not happen), and a second failure in a row says to reload. Nothing keeps the failure, so a
 * later call fetches the code anew.
 */
export async function loadCode<T>(
  what: string,
  load: () => Promise<T>,
  outcome?: string,
): Promise<T> {
  try {
    const code = await load();
    failedBefore.delete(what);
    return code;
  } catch (error) {
    const again = failedBefore.has(what);
    failedBefore.add(what);
    throw new Error(loadFailureText(what, error, { outcome, again }));
  }
}
