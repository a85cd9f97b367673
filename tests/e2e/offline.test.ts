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

test("a later build's files are cached; a tab still open on the earlier build finds its parts; the build after drops the earlier cache", async () => {
  // A copy of the build, served from a folder of its own, so that it can be "deployed" over.
  const dir = mkdtempSync(join(tmpdir(), "convsweep-update-"));
  cpSync(DIST, dir, { recursive: true });
  const server = await serveStatic(dir);
  const context = await browser.newContext();
  /** Puts up a build of `files` (the worker the build writes for them) and has the browser check it. */
  const deploy = async (page: Page, files: string[]) => {
    writeFileSync(join(dir, "precache.json"), JSON.stringify(files));
    writeFileSync(join(dir, "sw.js"), builtServiceWorker(SOURCE, files));
    // What a navigation does for a returning visitor: the browser checks the worker's script.
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
  };
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

    // The next build goes up: one more file, and Practice's chunks gone from the server, as a
    // deploy that replaces the folder leaves it.
    const practice = first.filter((f) => /^assets\/PracticeSection-/.test(f));
    expect(practice.length).toBeGreaterThan(0);
    for (const f of practice) rmSync(join(dir, f));
    const added = "assets/next-build-probe.js";
    writeFileSync(join(dir, added), "export const probe = 1;\n");
    const html = readFileSync(join(dir, "index.html"), "utf8");
    expect(html).toContain("</head>");
    writeFileSync(
      join(dir, "index.html"),
      html.replace("</head>", '<meta name="convsweep-build" content="next"></head>'),
    );
    const next = [...first.filter((f) => !practice.includes(f)), added].sort();
    await deploy(page, next);
    await expect
      .poll(async () => Object.keys(await cached(page)), { timeout: 30_000 })
      .toEqual([cacheName(first), cacheName(next)]);
    await expect.poll(async () => (await cached(page))[cacheName(next)]?.length).toBe(next.length);

    // The tab still open on the first build opens Practice, which it had not opened yet: its
    // chunks come from the first build's cache.
    await page.getByRole("button", { name: "Practice", exact: true }).click();
    await page.getByRole("button", { name: "Check answer" }).waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);

    // Offline, the new build's file (never requested by the page) comes from the cache.
    await context.setOffline(true);
    expect(await page.evaluate((url) => fetch(url).then((r) => r.text()), `./${added}`)).toBe(
      "export const probe = 1;\n",
    );
    // And the start page offline is the new build's, not the one before it.
    await page.reload();
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
    expect(
      await page.evaluate(
        () =>
          document.querySelector('meta[name="convsweep-build"]')?.getAttribute("content") ?? null,
      ),
    ).toBe("next");
    await context.setOffline(false);

    // The build after: the first build's cache goes, the one before it stays.
    const third = [...next, "assets/third-build-probe.js"].sort();
    writeFileSync(join(dir, "assets/third-build-probe.js"), "export const probe = 3;\n");
    await deploy(page, third);
    await expect
      .poll(async () => Object.keys(await cached(page)), { timeout: 30_000 })
      .toEqual([cacheName(next), cacheName(third)]);
  } finally {
    await context.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
