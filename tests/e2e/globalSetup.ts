import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { serveStatic } from "../../scripts/static-server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the built app is served for this run, e.g. http://127.0.0.1:41234/ */
    baseURL: string;
  }
}

/** Serves the production build (npm run build must have run) for the browser tests. */
export default async function setup(project: TestProject) {
  // CONVSWEEP_DIST lets parallel work build and test into separate folders.
  const dist = process.env.CONVSWEEP_DIST ?? "dist";
  if (!existsSync(`${dist}/index.html`)) {
    throw new Error(
      `${dist}/index.html is missing: run \`npm run build\` before the browser tests`,
    );
  }
  const server = await serveStatic(dist);
  project.provide("baseURL", server.url);
  return () => server.close();
}
