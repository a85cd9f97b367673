// `npm run size` counts what the page requests before it is interactive, not what the manifest
// says the entry imports: a tiny built app (an entry, a static import, a chunk behind import()
// awaited before the app is ready, a module worker with a chunk of its own, a chunk imported
// after the app is ready, one never imported), measured in headless Chromium. A large chunk
// breaks the budget only when it is requested before interactive.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const scratch = mkdtempSync(join(tmpdir(), "convsweep-size-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Over 110 kB once gzipped: random bytes, base64 (about 6 bits a character). */
const LARGE = `export const blob = "${randomBytes(150_000).toString("base64")}";\n`;
const SMALL = "export const blob = 1;\n";

/** Writes the app into a folder of its own; `large` is the chunk made too big. */
function app(large: "panel" | "later"): string {
  const dist = join(scratch, large);
  mkdirSync(join(dist, "assets"), { recursive: true });
  const files: Record<string, string> = {
    "index.html": `<!doctype html><html><head><meta charset="utf-8">
<script type="module" src="./assets/entry.js"></script></head>
<body><div class="controls"><button disabled>Step</button></div>
<output class="status">Loading</output></body></html>`,
    "assets/entry.js": `import { total } from "./shared.js";
await import("./panel.js");
const worker = new Worker(new URL("./engine.worker.js", import.meta.url), { type: "module" });
worker.onmessage = () => {
  document.querySelector("output.status").textContent = \`Position 0 of \${total}\`;
  document.querySelector(".controls button").disabled = false;
  setTimeout(() => import("./later.js"), 200);
};`,
    "assets/shared.js": "export const total = 9;\n",
    "assets/engine.worker.js": 'import { ready } from "./worker-part.js";\npostMessage(ready);\n',
    "assets/worker-part.js": "export const ready = true;\n",
    "assets/panel.js": large === "panel" ? LARGE : SMALL,
    "assets/later.js": large === "later" ? LARGE : SMALL,
    "assets/unused.js": "export const unused = 1;\n",
    "asset-manifest.json": JSON.stringify({
      "index.html": {
        file: "assets/entry.js",
        isEntry: true,
        imports: ["_shared.js"],
        dynamicImports: ["panel.js", "later.js"],
        assets: ["assets/engine.worker.js"],
      },
      "_shared.js": { file: "assets/shared.js" },
      "panel.js": { file: "assets/panel.js", isDynamicEntry: true },
      "later.js": { file: "assets/later.js", isDynamicEntry: true },
      "unused.js": { file: "assets/unused.js", isDynamicEntry: true },
    }),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dist, name), text);
  return dist;
}

/** Runs the script; returns its exit code and, per part of its report, script → kind. */
function size(dist: string) {
  const run = spawnSync(process.execPath, ["scripts/size.mjs", dist], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 170_000,
  });
  const parts = new Map<string, Map<string, string>>();
  let part = new Map<string, string>();
  for (const line of run.stdout.split("\n")) {
    const title = /^(Counted|Not counted: requested after|Not counted: never)/.exec(line);
    if (title) {
      part = new Map();
      parts.set(title[1] as string, part);
    }
    const row = /^\| assets\/(\S+) +\| ([a-z ]+?) +\|(?: +(\d\/\d) \|)?/.exec(line);
    if (row) part.set(row[1] as string, row[3] ? `${row[2]} ${row[3]}` : (row[2] as string));
  }
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, parts };
}

describe("npm run size", () => {
  test("counts every script requested before interactive, the workers' too", () => {
    const r = size(app("panel"));
    expect(r.stderr).toBe("");
    expect(Object.fromEntries(r.parts.get("Counted") ?? [])).toEqual({
      "panel.js": "dynamic import 3/3",
      "engine.worker.js": "worker 3/3",
      "entry.js": "entry 3/3",
      "shared.js": "static import 3/3",
      "worker-part.js": "worker 3/3",
    });
    expect([...(r.parts.get("Not counted: requested after") ?? []).keys()]).toEqual(["later.js"]);
    expect([...(r.parts.get("Not counted: never") ?? []).keys()]).toEqual(["unused.js"]);
    expect(r.stdout).toMatch(/First-load JavaScript [\d.]+ kB gzip \(union of 3 loads\).*OVER by/);
    expect(r.status).toBe(1);
  }, 180_000);

  test("lists what is requested after interactive without counting it", () => {
    const r = size(app("later"));
    expect(r.stderr).toBe("");
    expect([...(r.parts.get("Not counted: requested after") ?? []).keys()]).toEqual(["later.js"]);
    expect(r.stdout).toMatch(/budget 110\.00 kB: within\./);
    expect(r.status).toBe(0);
  }, 180_000);
});
