// The offline cache's script as a build writes it (vite.config.ts, offlineCache): src/app/sw.js
// with its cache named after the build's files. A browser installs a service worker again only
// when its script changes, so each build's must differ from the last one's.
import { createHash } from "node:crypto";

/** The line of src/app/sw.js that names its cache, as written in the source. */
export const CACHE_LINE = 'const CACHE = "convsweep";';

/** The cache's name for a build of these files: "convsweep-" and 16 hex digits of their hash. */
export function cacheName(files: readonly string[]): string {
  return `convsweep-${createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 16)}`;
}

/** The built sw.js: `script` (src/app/sw.js) with its cache named after `files`. */
export function builtServiceWorker(script: string, files: readonly string[]): string {
  if (!script.includes(CACHE_LINE)) throw new Error(`src/app/sw.js must hold ${CACHE_LINE}`);
  return script.replace(CACHE_LINE, `const CACHE = "${cacheName(files)}";`);
}
