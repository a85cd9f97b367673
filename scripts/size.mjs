// `npm run size` (and a check of `npm test`): the built JavaScript, chunk by chunk, raw and
// gzip, against the first-load budget. Exits non-zero past the budget.
//
// "First load" is every script the page fetches before it is interactive: the entry chunk
// index.html loads, the chunks it imports statically, and the engine worker the app starts at
// once. Chunks behind a dynamic import() (the "next questions" views, fetched when the browser
// is idle after the first paint or when the section scrolls near) are listed and totalled,
// but not counted in the budget. Sizes are in kB of 1,000 bytes, gzip at zlib's default level
// (what Vite's build report prints).
// Usage: node scripts/size.mjs [dist folder, default $CONVSWEEP_DIST or dist]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The first-load budget: JavaScript, gzip, bytes. */
export const FIRST_LOAD_BUDGET = 110_000;

/**
 * Every JavaScript file of a build with its raw and gzip size and when the page loads it.
 * @param {string} dist the build folder (with Vite's asset-manifest.json)
 * @returns {{ file: string, when: "first load" | "worker" | "after load", raw: number, gzip: number }[]}
 */
export function measureChunks(dist) {
  const manifest = JSON.parse(readFileSync(join(dist, "asset-manifest.json"), "utf8"));
  const entries = Object.entries(manifest);
  const byKey = new Map(entries);
  const when = new Map();
  // The entry and its static imports, transitively: fetched before the app runs.
  const visit = (key) => {
    const chunk = byKey.get(key);
    if (!chunk || when.get(chunk.file) === "first load") return;
    when.set(chunk.file, "first load");
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of entries) if (chunk.isEntry) visit(key);
  for (const [, chunk] of entries) {
    // Scripts emitted as assets of a chunk are its workers (new URL("…worker.ts", import.meta.url)).
    for (const asset of chunk.assets ?? [])
      if (asset.endsWith(".js") && !when.has(asset))
        when.set(asset, when.get(chunk.file) === "first load" ? "worker" : "after load");
    if (chunk.file.endsWith(".js") && !when.has(chunk.file)) when.set(chunk.file, "after load");
  }
  // The worker's own chunks are not in the manifest: follow its static imports (loaded before
  // it runs) and list the rest of the build's scripts as loaded later.
  const importsOf = (file) => {
    const code = readFileSync(join(dist, file), "utf8");
    return [...code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)].map((m) => `assets/${m[1]}`);
  };
  const workerImports = (file) => {
    for (const imported of importsOf(file)) {
      if (when.has(imported)) continue;
      when.set(imported, "worker");
      workerImports(imported);
    }
  };
  for (const [file, loaded] of [...when]) if (loaded === "worker") workerImports(file);
  for (const file of readdirSync(join(dist, "assets")))
    if (file.endsWith(".js") && !when.has(`assets/${file}`))
      when.set(`assets/${file}`, "after load");
  return [...when].map(([file, loaded]) => {
    const bytes = readFileSync(join(dist, file));
    return { file, when: loaded, raw: bytes.length, gzip: gzipSync(bytes).length };
  });
}

const kB = (n) => `${(n / 1000).toFixed(2)} kB`;

/** Prints the table; returns the first-load gzip total and whether it is within budget. */
export function reportSize(dist) {
  const chunks = measureChunks(dist);
  const order = { "first load": 0, worker: 1, "after load": 2 };
  chunks.sort((a, b) => order[a.when] - order[b.when] || b.gzip - a.gzip);
  const first = chunks.filter((c) => c.when !== "after load");
  const sum = (list, key) => list.reduce((s, c) => s + c[key], 0);
  const firstGzip = sum(first, "gzip");
  const rows = [
    ["chunk", "loaded", "raw", "gzip"],
    ...chunks.map((c) => [c.file, c.when, kB(c.raw), kB(c.gzip)]),
    ["first load (entry, its imports, the worker)", "", kB(sum(first, "raw")), kB(firstGzip)],
    ["everything", "", kB(sum(chunks, "raw")), kB(sum(chunks, "gzip"))],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) =>
    `| ${r.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(" | ")} |`;
  console.log(line(rows[0]));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  const ok = firstGzip <= FIRST_LOAD_BUDGET;
  console.log(
    `\nFirst-load JavaScript ${kB(firstGzip)} gzip, budget ${kB(FIRST_LOAD_BUDGET)}: ${ok ? "within" : "OVER"}.`,
  );
  return { firstGzip, ok, chunks };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ok } = reportSize(process.argv[2] ?? process.env.CONVSWEEP_DIST ?? "dist");
  process.exit(ok ? 0 : 1);
}
