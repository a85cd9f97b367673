// The offline cache (src/app/sw.js, issue 26 item 5): run in a stand-in service worker scope,
// it keeps as the start page only the app's own start page, never a 404 or another page, so
// that offline the start page is still the app.
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { beforeEach, describe, expect, test } from "vitest";

const SCRIPT = readFileSync(new URL("../../../src/app/sw.js", import.meta.url), "utf8");
/** Where the app is served; the worker is ./sw.js beside its start page. */
const APP = "https://example.test/convsweep/";

/** A response as fetch gives a service worker: the fields the worker reads. */
interface FakeResponse {
  status: number;
  type: string;
  redirected: boolean;
  url: string;
  headers: Headers;
  body: string;
  clone(): FakeResponse;
}

function response(
  url: string,
  body: string,
  init: Partial<Pick<FakeResponse, "status" | "type" | "redirected">> & { contentType?: string },
): FakeResponse {
  const made: FakeResponse = {
    status: init.status ?? 200,
    type: init.type ?? "basic",
    redirected: init.redirected ?? false,
    url,
    headers: new Headers({ "content-type": init.contentType ?? "text/html; charset=utf-8" }),
    body,
    clone: () => ({ ...made }),
  };
  return made;
}

const APP_PAGE = "<!doctype html><title>ConvSweep</title>";

/** The stand-in worker: its cache, the network it fetches from, and its fetch listener. */
interface Worker {
  /** The cache's entries by absolute URL. */
  cache: Map<string, FakeResponse>;
  /** What the network answers for a URL; null: offline. */
  network: (url: string) => FakeResponse | null;
  /** Navigates to `url` through the worker; what the page gets (null: a network error). */
  navigate(url: string): Promise<FakeResponse | null>;
}

function startWorker(): Worker {
  const listeners = new Map<string, (event: unknown) => void>();
  const cache = new Map<string, FakeResponse>();
  const key = (request: string | { url: string }) =>
    new URL(typeof request === "string" ? request : request.url, APP).href;
  const open = {
    put: async (request: string | { url: string }, value: FakeResponse) => {
      cache.set(key(request), value);
    },
    match: async (request: string | { url: string }) => cache.get(key(request)),
  };
  const worker: Worker = {
    cache,
    network: (url) => (url === APP ? response(url, APP_PAGE, {}) : null),
    async navigate(url) {
      let reply: Promise<FakeResponse> | undefined;
      const waits: Promise<unknown>[] = [];
      listeners.get("fetch")?.({
        request: { url, method: "GET", mode: "navigate" },
        respondWith: (p: Promise<FakeResponse>) => {
          reply = p;
        },
        waitUntil: (p: Promise<unknown>) => waits.push(p),
      });
      const page = await (reply as Promise<FakeResponse>);
      await Promise.all(waits);
      return page.type === "error" ? null : page;
    },
  };
  runInNewContext(SCRIPT, {
    URL,
    self: {
      location: new URL("sw.js", APP),
      addEventListener: (type: string, listener: (event: unknown) => void) =>
        listeners.set(type, listener),
    },
    caches: { open: async () => open, match: open.match },
    fetch: async (request: { url: string }) => {
      const answer = worker.network(request.url);
      if (answer === null) throw new TypeError("Failed to fetch");
      return answer;
    },
    Response: { error: () => response("", "", { status: 0, type: "error" }) },
  });
  return worker;
}

let worker: Worker;
beforeEach(() => {
  worker = startWorker();
});

describe("the offline cache's start page", () => {
  test("the app's start page is kept, and offline the start page is the app", async () => {
    expect((await worker.navigate(APP))?.body).toBe(APP_PAGE);
    expect(worker.cache.get(APP)?.body).toBe(APP_PAGE);
    worker.network = () => null;
    expect((await worker.navigate(APP))?.body).toBe(APP_PAGE);
    expect((await worker.navigate(`${APP}?x=1`))?.body).toBe(APP_PAGE);
  });

  test("a 404 page is shown once but never kept: offline, the start page is still the app", async () => {
    await worker.navigate(APP);
    worker.network = (url) =>
      url === APP ? response(url, APP_PAGE, {}) : response(url, "not found", { status: 404 });
    const missing = await worker.navigate(`${APP}no-such-page`);
    expect(missing?.status).toBe(404);
    expect(worker.cache.get(APP)?.body).toBe(APP_PAGE);
    worker.network = () => null;
    expect((await worker.navigate(APP))?.body).toBe(APP_PAGE);
    // Offline, another page is not the app either.
    expect(await worker.navigate(`${APP}no-such-page`)).toBeNull();
  });

  test.each([
    ["a 404 of the start page", { status: 404 }],
    ["a server error", { status: 500 }],
    ["a page that is not HTML", { contentType: "text/plain" }],
    ["a redirect", { status: 0, type: "opaqueredirect" }],
    ["a page reached by a redirect", { redirected: true }],
    ["another origin's page", { type: "cors" }],
  ])("%s at the start page is not kept", async (_, init) => {
    await worker.navigate(APP);
    worker.network = (url) => response(url, "an error page", init);
    await worker.navigate(APP);
    expect(worker.cache.get(APP)?.body).toBe(APP_PAGE);
  });

  test("another page of the site, even a 200 HTML one, is not kept as the start page", async () => {
    worker.network = (url) => response(url, `page ${url}`, {});
    await worker.navigate(`${APP}other.html`);
    await worker.navigate("https://example.test/");
    expect(worker.cache.has(APP)).toBe(false);
    await worker.navigate(`${APP}index.html?view=practice`);
    expect(worker.cache.get(APP)?.body).toBe(`page ${APP}index.html?view=practice`);
  });
});
