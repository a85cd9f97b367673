// The network section's tests run on a small synthetic digits set, served by a stand-in
// fetch, with an in-process engine.
import { afterAll, beforeAll } from "vitest";
import { encodeDigits } from "../../../../src/engine";
import { setEngineClient } from "../../../../src/state/engineClient";

/** `count` digits of seeded noise, the first `train` of them to train on. */
export function syntheticDigits(count: number, train: number, seed: number): Uint8Array {
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  let state = seed;
  const pixels = Uint8Array.from({ length: count * 784 }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 24;
  });
  return encodeDigits(labels, pixels, train);
}

/** Serves those digits to every fetch of the tests in this file, and drops the engine after. */
export function serveSyntheticDigits(count: number, train: number, seed: number): void {
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    const asset = syntheticDigits(count, train, seed);
    globalThis.fetch = (async () => new Response(asset.slice())) as typeof fetch;
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
    setEngineClient(null);
  });
}
