// The layers' boundaries are Biome rules (biome.json, noRestrictedImports). Each rule is shown
// to fail when broken: a probe file that crosses it, linted with the project's own rules in a
// scratch folder, is refused with that rule's message, and the same file without the crossing
// import passes (so the probe fails for its import alone).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const BIOME = join(ROOT, "node_modules/.bin/biome");
const scratch = mkdtempSync(join(tmpdir(), "convsweep-boundaries-"));
// The project's rules, without the git integration (the scratch folder is no repository).
const config = JSON.parse(readFileSync(join(ROOT, "biome.json"), "utf8"));
config.vcs = { enabled: false };
writeFileSync(join(scratch, "biome.json"), JSON.stringify(config));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Lints `source` as the file `path` of the project; returns Biome's exit code and output. */
function lint(path: string, source: string): { status: number | null; output: string } {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  const run = spawnSync(BIOME, ["lint", "--max-diagnostics=50", path], {
    cwd: scratch,
    encoding: "utf8",
  });
  rmSync(file);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** [the rule, a file inside it, an import that crosses it, a word of the rule's message]. */
const CROSSINGS: [string, string, string, string][] = [
  ["the engine imports no package", "src/engine/probe.ts", "react", "pure maths"],
  ["the engine imports nothing outside it", "src/engine/probe.ts", "../state/store", "outside"],
  ["nor does the CNN", "src/engine/cnn/probe.ts", "../../worker/client", "outside"],
  [
    "panels never import the worker",
    "src/panels/Input/probe.ts",
    "../../worker/client",
    "never the worker",
  ],
  ["panels never import the page", "src/panels/Input/probe.ts", "../../app/App", "are views"],
  [
    "the worker never imports the state",
    "src/worker/client/probe.ts",
    "../../state/store",
    "never imports the store",
  ],
  ["viz never reads the store", "src/viz/probe.ts", "../state/store", "never reads the store"],
  [
    "the protocol imports neither side",
    "src/worker/protocol/probe.ts",
    "../client/runs",
    "both sides share",
  ],
  [
    "the host never imports the client",
    "src/worker/host/probe.ts",
    "../client/runs",
    "never imports the main thread",
  ],
  [
    "nor does the network's handler",
    "src/worker/network/handler.ts",
    "../network/requests",
    "never imports the main thread",
  ],
  [
    "the state never imports the page",
    "src/state/probe.ts",
    "../app/App",
    "never imports the page",
  ],
  [
    "the state never imports the views",
    "src/state/network/probe.ts",
    "../../panels/positionView",
    "never imports the page",
  ],
];

describe("every boundary fails when broken", () => {
  test.each(CROSSINGS)("%s", (_rule, path, specifier, message) => {
    const crossing = lint(
      path,
      `import * as probe from "${specifier}";\nexport const x = probe;\n`,
    );
    expect(crossing.status).not.toBe(0);
    expect(crossing.output).toContain("noRestrictedImports");
    expect(crossing.output).toContain(message);
    const clean = lint(path, "export const x = 1;\n");
    expect(clean.status, clean.output).toBe(0);
  });
});
