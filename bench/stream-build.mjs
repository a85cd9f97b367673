// Builds the stream benchmark page (bench/stream.html, its script and the engine worker) with
// Vite's build API and an inline config (the app's vite.config.ts is not used), into a folder
// under the system temp dir. A build whose sources have not changed is reused.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = join(repo, "bench");

function sourcesHash() {
  const hash = createHash("sha256");
  const folders = [join(repo, "src/engine"), join(repo, "src/worker")];
  const files = folders.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.endsWith(".ts"))
      .map((name) => join(dir, name)),
  );
  files.push(
    ...readdirSync(benchDir)
      .filter((name) => name.startsWith("stream"))
      .map((name) => join(benchDir, name)),
  );
  for (const file of files.sort()) hash.update(file).update(readFileSync(file));
  return hash.digest("hex");
}

/**
 * Builds the page (or reuses an up-to-date build) and returns the folder to serve;
 * the page is `stream.html` in it.
 * @param {{ force?: boolean, quiet?: boolean }} [options]
 * @returns {Promise<string>}
 */
export async function buildStreamPage({ force = false, quiet = true } = {}) {
  const outDir = join(tmpdir(), "convsweep-bench-stream");
  const stamp = join(outDir, ".sources");
  const hash = sourcesHash();
  if (!force && existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return outDir;
  const { build } = await import("vite");
  await build({
    configFile: false,
    root: benchDir,
    base: "./",
    logLevel: quiet ? "warn" : "info",
    worker: { format: "es" },
    build: {
      outDir,
      emptyOutDir: true,
      target: "es2022",
      sourcemap: false,
      reportCompressedSize: false,
      rolldownOptions: { input: join(benchDir, "stream.html") },
    },
  });
  writeFileSync(stamp, hash);
  return outDir;
}
