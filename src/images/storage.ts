/**
 * Browser only: the one image set kept between visits, in IndexedDB ("convsweep-images", one
 * object store keyed by the set's id). Saving replaces what was stored in one transaction, so
 * a failed save (a full disk) leaves the earlier set as it was. Every failure rejects with an
 * Error saying what happened and that the images stay only for this visit; a stored value the
 * rules refuse (check.ts) is never handed back.
 *
 * Hazards: a connection is opened per call and closed after it, so no open connection blocks
 * a later version of the database in another tab. Structured clone stores a Uint8Array's
 * whole buffer, not just its view: check.ts gives views their own copy first.
 */
import { checkImageSet } from "./check";
import type { ImageSet } from "./types";

export const IMAGE_DB = "convsweep-images";
const STORE = "sets";
const VERSION = 1;

/** A stored value read: the set, or null with why it was refused. */
export type StoredImageSet =
  | { readonly set: ImageSet; readonly refused: null }
  | { readonly set: null; readonly refused: string };

const STAYS =
  "ConvSweep's workers read the images from this browser's storage, so they cannot be trained on until it works";

function failure(doing: string, error: unknown): Error {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error ?? "no reason given");
  const detail = message.replace(/\.+$/, "");
  let what = `${detail}${name && !detail.includes(name) ? ` (${name})` : ""}`;
  if (name === "QuotaExceededError") {
    what =
      "the browser's storage for this page is full; free some space, or save the images as a zip";
  }
  return new Error(`${doing}: ${what}. ${STAYS}.`);
}

function openDb(doing: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let factory: IDBFactory | undefined;
    try {
      factory = globalThis.indexedDB;
    } catch (error) {
      // Some browsers throw on touching indexedDB at all (storage blocked for the site).
      reject(failure(doing, error));
      return;
    }
    if (!factory) {
      reject(
        new Error(
          `${doing}: this browser offers no storage here (no IndexedDB, as in some private windows). ${STAYS}.`,
        ),
      );
      return;
    }
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(IMAGE_DB, VERSION);
    } catch (error) {
      reject(failure(doing, error));
      return;
    }
    let settled = false;
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "id" });
    };
    request.onsuccess = () => {
      const db = request.result;
      if (settled) {
        db.close(); // opened after it was reported blocked: nobody is waiting for it
        return;
      }
      settled = true;
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => {
      if (settled) return;
      settled = true;
      reject(failure(doing, request.error));
    };
    request.onblocked = () => {
      if (settled) return;
      settled = true;
      reject(
        new Error(
          `${doing}: another tab of this app holds the image store open; close the other tabs and try again. ${STAYS}.`,
        ),
      );
    };
  });
}

/**
 * Runs one transaction to its end; resolves with what `run`'s request gave once committed. A
 * failing request is left to abort the transaction, so nothing of it is kept.
 */
async function transact<T>(
  doing: string,
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T> | undefined,
): Promise<T | undefined> {
  const db = await openDb(doing);
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      let result: T | undefined;
      let tx: IDBTransaction;
      try {
        tx = db.transaction(STORE, mode);
        const request = run(tx.objectStore(STORE));
        if (request) {
          request.onsuccess = () => {
            result = request.result;
          };
        }
      } catch (error) {
        // A value that cannot be cloned, or a store that is gone, throws here.
        reject(failure(doing, error));
        return;
      }
      tx.oncomplete = () => resolve(result);
      // A full disk surfaces as the transaction's abort (QuotaExceededError), not a request's error.
      tx.onabort = () => reject(failure(doing, tx.error));
    });
  } finally {
    db.close();
  }
}

/** Stores the set in place of any stored before (one set is kept). */
export async function saveImageSet(set: ImageSet): Promise<void> {
  const doing = "The images could not be saved in this browser";
  let checked: ImageSet;
  try {
    checked = checkImageSet(set);
  } catch (error) {
    throw failure(doing, error);
  }
  const value = { ...checked, savedAt: Date.now() };
  await transact(doing, "readwrite", (store) => {
    store.clear();
    return store.put(value);
  });
}

/**
 * The stored set (the one with this id, or the one kept when no id is given), checked by the
 * rules; null when none is stored, and null too for a stored value the rules refuse, whose
 * reason goes to `onRefused`.
 */
export async function loadImageSet(
  id?: string,
  options: { readonly onRefused?: ((why: string) => void) | undefined } = {},
): Promise<ImageSet | null> {
  const doing = "The saved images could not be read";
  const values = await transact<unknown[]>(doing, "readonly", (store) =>
    id === undefined
      ? store.getAll()
      : (store.getAll(IDBKeyRange.only(id)) as IDBRequest<unknown[]>),
  );
  const latest = (values ?? []).reduce<unknown>(
    (best, value) => (savedAt(value) >= savedAt(best) ? value : best),
    undefined,
  );
  if (latest === undefined) return null;
  const read = readStoredImageSet(latest);
  if (read.refused !== null) options.onRefused?.(read.refused);
  return read.set;
}

function savedAt(value: unknown): number {
  if (typeof value !== "object" || value === null) return -Infinity;
  const at = (value as { savedAt?: unknown }).savedAt;
  return typeof at === "number" ? at : -Infinity;
}

/** A stored value as a set, or refused with why (pure: the check storage loads through). */
export function readStoredImageSet(value: unknown): StoredImageSet {
  try {
    return { set: checkImageSet(value, "The saved image set"), refused: null };
  } catch (error) {
    return {
      set: null,
      refused: `${error instanceof Error ? error.message : String(error)} It was not opened.`,
    };
  }
}

/** Forgets every stored set. */
export async function clearImageSets(): Promise<void> {
  await transact("The saved images could not be removed", "readwrite", (store) => {
    store.clear();
    return undefined;
  });
}
