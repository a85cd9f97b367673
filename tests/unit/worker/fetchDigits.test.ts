// A digits download that fails says what could not be downloaded, why in the browser's words,
// and what to do — not only "Failed to fetch".
import { afterEach, expect, test, vi } from "vitest";
import { fetchDigits } from "../../../src/worker/network/handler";

afterEach(() => {
  vi.unstubAllGlobals();
});

const URL = "https://example.test/app/digits-v1.bin";

test("a blocked download names the asset, its size and what to do", async () => {
  vi.stubGlobal("fetch", async () => {
    throw new TypeError("Failed to fetch");
  });
  await expect(fetchDigits(URL)).rejects.toThrow(
    "The digits (digits-v1.bin, 7.9 MB) could not be downloaded: Failed to fetch. Check the connection and press Train network or Show the sweep again.",
  );
});

test("an HTTP error says its status the same way", async () => {
  vi.stubGlobal(
    "fetch",
    async () => new Response("gone", { status: 404, statusText: "Not Found" }),
  );
  await expect(fetchDigits(URL)).rejects.toThrow(
    "The digits (digits-v1.bin, 7.9 MB) could not be downloaded: HTTP 404 Not Found. Check the connection",
  );
});

test("a download cut short says so", async () => {
  vi.stubGlobal("fetch", async () => {
    const response = new Response("x");
    vi.spyOn(response, "arrayBuffer").mockRejectedValue(new TypeError("network error"));
    return response;
  });
  await expect(fetchDigits(URL)).rejects.toThrow(
    /^The digits \(digits-v1\.bin, 7\.9 MB\) could not be downloaded: network error\. Check/,
  );
});

test("a file that is not the digits keeps the parser's own message", async () => {
  vi.stubGlobal("fetch", async () => new Response(new Uint8Array(8)));
  await expect(fetchDigits(URL)).rejects.toThrow(/^(?!The digits \()/);
});
