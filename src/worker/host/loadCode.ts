import { loadFailureText } from "../../engine/errorText";

/**
 * Code that a request loads on first use (a chunk of its own). When it cannot be fetched (the
 * connection dropped, or ConvSweep was updated since the page was opened), the request fails in
 * words a person can act on; nothing keeps the failure, so a later request fetches it anew.
 */
export async function loadCode<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    const code = await load();
    failedBefore.delete(what);
    return code;
  } catch (error) {
    const again = failedBefore.has(what);
    failedBefore.add(what);
    throw new Error(loadFailureText(what, error, { again }));
  }
}

/** The code whose last load failed, by what the message calls it: a second failure says to reload. */
const failedBefore = new Set<string>();
