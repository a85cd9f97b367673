// The build bench/page.mjs measures: dist (or CONVSWEEP_DIST), rebuilt when a source is newer.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DIST } from "./config.mjs";

/** The newest modification time under `path` (a file or a folder), in ms. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let t = stat.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/**
 * Builds DIST unless it is newer than every input of the build; returns whether it built. A
 * folder given by CONVSWEEP_DIST that holds a build is used as it is (it may be another
 * commit's build, for an A/B run): only --rebuild builds it from this tree.
 */
export function ensureBuild(force) {
  if (!force && process.env.CONVSWEEP_DIST && existsSync(join(DIST, "asset-manifest.json")))
    return false;
  const built = existsSync(join(DIST, "asset-manifest.json"))
    ? statSync(join(DIST, "asset-manifest.json")).mtimeMs
    : 0;
  const inputs = [
    "src",
    "public",
    "index.html",
    "vite.config.ts",
    "tsconfig.json",
    "package-lock.json",
  ];
  if (!force && built > Math.max(...inputs.map(newest))) return false;
  const r = spawnSync("npx", ["vite", "build", "--outDir", DIST, "--emptyOutDir"], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`the build failed:\n${r.stdout}\n${r.stderr}`);
  return true;
}
