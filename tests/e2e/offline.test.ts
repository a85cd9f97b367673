import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { builtServiceWorker, cacheName } from "../../scripts/offlineCache";
import { serveStatic } from "../../scripts/static-server.mjs";
import { launchChromium } from "./browser";

const DIST = process.env.CONVSWEEP_DIST ?? "dist";
const SOURCE = readFileSync("src/app/sw.js", "utf8");
const filesOf = (dir: string): string[] =>
  JSON.parse(readFileSync(join(dir, "precache.json"), "utf8"));

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test("after one visit the app works offline, sweeps included", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(inject("baseURL"));
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  // Wait until the offline cache controls the page and holds what the page loaded.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const keys = await caches.keys();
        const cache = await caches.open(keys[0] ?? "none");
        return (await cache.keys()).map((r) => r.url).filter((u) => /engine\.worker/.test(u))
          .length;
      }),
    )
    .toBeGreaterThan(0);
  await context.setOffline(true);
  await page.reload();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await page.getByRole("button", { name: "Finish sweep" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 900 of 900/);
  expect(errors).toEqual([]);
  await context.close();
});

test("the built worker names its cache after the build's files", () => {
  const files = filesOf(DIST);
  expect(files.length).toBeGreaterThan(10);
  expect(readFileSync(join(DIST, "sw.js"), "utf8")).toBe(builtServiceWorker(SOURCE, files));
  expect(cacheName(files)).toMatch(/^convsweep-[0-9a-f]{16}$/);
  expect(cacheName([...files, "assets/x.js"])).not.toBe(cacheName(files));
});

/** The page's caches, and the files of the build in each. */
function cached(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      out[key] = (await cache.keys())
        .map((r) => new URL(r.url).pathname)
        .filter((p) => p.includes("/assets/"))
        .map((p) => p.slice(p.indexOf("assets/")));
    }
    return out;
  });
}

test("a later build replaces the offline cache: its files are cached, the earlier build's dropped", async () => {
  // A copy of the build, served from a folder of its own, so that it can be "deployed" over.
  const dir = mkdtempSync(join(tmpdir(), "convsweep-update-"));
  cpSync(DIST, dir, { recursive: true });
  const server = await serveStatic(dir);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const first = filesOf(dir);
    await expect.poll(async () => Object.keys(await cached(page))).toEqual([cacheName(first)]);
    await expect
      .poll(async () => (await cached(page))[cacheName(first)]?.length)
      .toBe(first.length);

    // The next build goes up: one more file, and the worker the build writes for its files.
    const added = "assets/next-build-probe.js";
    writeFileSync(join(dir, added), "export const probe = 1;\n");
    const next = [...first, added].sort();
    writeFileSync(join(dir, "precache.json"), JSON.stringify(next));
    writeFileSync(join(dir, "sw.js"), builtServiceWorker(SOURCE, next));
    // What a navigation does for a returning visitor: the browser checks the worker's script.
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
    await expect
      .poll(async () => Object.keys(await cached(page)), { timeout: 30_000 })
      .toEqual([cacheName(next)]);
    await expect.poll(async () => (await cached(page))[cacheName(next)]?.length).toBe(next.length);

    // Offline, the new build's file (never requested by the page) comes from the cache.
    await context.setOffline(true);
    expect(await page.evaluate((url) => fetch(url).then((r) => r.text()), `./${added}`)).toBe(
      "export const probe = 1;\n",
    );
  } finally {
    await context.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
