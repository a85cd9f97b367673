import { readFileSync } from "node:fs";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { buildDigitsAsset } from "./scripts/digits";
import { builtServiceWorker } from "./scripts/offlineCache";
import { rdBuPalette } from "./scripts/palette";
import { DIGITS_ASSET_NAME } from "./src/engine/cnn/digits";

/**
 * The built page's Content-Security-Policy: scripts, workers and connections only from the
 * page's own origin, no inline or eval'd script. Style attributes stay allowed (React sets
 * them); pictures may be data: and blob: URLs (canvas exports). Added at build time only,
 * because the dev server injects inline scripts of its own.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join("; ");

function contentSecurityPolicy(): Plugin {
  return {
    name: "convsweep-csp",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler: () => [
        {
          tag: "meta",
          attrs: { "http-equiv": "Content-Security-Policy", content: CONTENT_SECURITY_POLICY },
          injectTo: "head-prepend",
        },
      ],
    },
  };
}

/**
 * The digits asset (real MNIST digits, see scripts/digits.ts), made from the mnist package
 * when first asked for: served by the dev server and written into the build, at the site's
 * root as DIGITS_ASSET_NAME. Never committed; nothing imports it, so it is fetched only by
 * the section that needs it.
 */
function digitsAsset(): Plugin {
  let bytes: Uint8Array | undefined;
  const asset = () => {
    bytes ??= buildDigitsAsset();
    return bytes;
  };
  return {
    name: "convsweep-digits",
    configureServer(server) {
      server.middlewares.use(`/${DIGITS_ASSET_NAME}`, (_request, response) => {
        response.setHeader("Content-Type", "application/octet-stream");
        response.end(asset());
      });
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: DIGITS_ASSET_NAME, source: asset() });
    },
  };
}

/**
 * The offline cache: precache.json, every file of the build the service worker fetches on
 * install (Vite's asset manifest lists the page's chunks but not the engine worker's own
 * chunks, without which the worker cannot start offline; the digits asset is left out: it is
 * fetched, and then cached, only when the real-network section is opened), and sw.js, its
 * cache named after those files. A browser installs a service worker again only when its script
 * changes: with one name for every build, a visitor's cache never took a later build's files,
 * and a part not yet opened failed offline after an update.
 */
function offlineCache(): Plugin {
  return {
    name: "convsweep-offline-cache",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((name) => name.startsWith("assets/") && !name.endsWith(".map"))
        .sort();
      this.emitFile({
        type: "asset",
        fileName: "precache.json",
        source: `${JSON.stringify(files, null, 1)}\n`,
      });
      this.emitFile({
        type: "asset",
        fileName: "sw.js",
        source: builtServiceWorker(readFileSync("src/app/sw.js", "utf8"), files),
      });
    },
  };
}

// A relative base lets the built folder work from any static host and any sub-path.
export default defineConfig({
  base: "./",
  plugins: [react(), rdBuPalette(), contentSecurityPolicy(), digitsAsset(), offlineCache()],
  worker: { format: "es" },
  // The asset manifest lets the offline cache (src/app/sw.js) fetch every built file on install.
  build: {
    target: "es2022",
    sourcemap: false,
    manifest: "asset-manifest.json",
    // Every browser the app supports (module workers, CompressionStream) has modulepreload.
    modulePreload: { polyfill: false },
    // The modules the page needs before it is interactive that lazy chunks share too (the
    // store, the commit and the engine client, the sweep's engine functions, zustand, React)
    // go into one chunk, "core", instead of fifteen small ones: each file gzips on its own, and
    // the fifteen cost 3.3 kB more than one (first load 110.06 kB before, 106.72 kB after).
    // A module left out of the list still works; it only becomes a small chunk of its own.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: "core",
              test: new RegExp(
                [
                  "src/state/(commit|engineClient|trainingRun|store|batchImages|filters|guard|stateRules|shown|useApp)\\.ts",
                  "src/worker/client/",
                  "src/worker/network/requests\\.ts",
                  "src/engine/(conv2d|grid|loss|validate|sweep|cnn/random)\\.ts",
                  "node_modules/(zustand|react)/",
                  "preload-helper",
                ].join("|"),
              ),
            },
          ],
        },
      },
    },
  },
  server: { open: false, host: "127.0.0.1" },
  preview: { open: false, host: "127.0.0.1" },
});
