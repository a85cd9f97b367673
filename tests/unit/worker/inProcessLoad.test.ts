// Without a Worker the engine runs on the page's thread, its code a chunk fetched on first use.
// When that fetch fails, each request fails in words a person can act on, and the next request
// fetches the code anew: before, the failed load was kept for the page's life and every request
// waited for an answer that never came.
import { expect, test, vi } from "vitest";
import { computeSweep } from "../../../src/engine";
import { makeCase } from "./fixtures";

let offline = true;
vi.doMock("../../../src/worker/host/handler", async (importOriginal) => {
  if (offline) {
    throw new TypeError("Failed to fetch dynamically imported module: /assets/handler-x.js");
  }
  return importOriginal();
});

test("the engine's code cannot be fetched: the request fails in words; the next one loads it", async () => {
  const { createEngineClient } = await import("../../../src/worker/client");
  const client = createEngineClient({ inProcess: true });
  const c = makeCase(7, {});
  const request = { ...c, reduction: "sum" as const };
  // (Vitest words the mock's failure its own way: the reason is not checked.)
  await expect(client.lane("sweep").sweep(request)).rejects.toThrow(
    /^The engine's code could not be loaded \(.+\)\. Check the connection and try again; if ConvSweep was updated since this page was opened, reload the page\.$/,
  );
  offline = false;
  const sweep = await client.lane("sweep").sweep(request);
  const expected = computeSweep(c.image, c.kernel, c.bias, c.target, c.options, "sum");
  expect(Array.from(sweep.records)).toEqual(Array.from(expected.records));
});
