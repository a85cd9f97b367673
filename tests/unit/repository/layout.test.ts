// What the layout promises (docs/ARCHITECTURE.md): no import cycle between the files of src/
// (type-only and dynamic imports included), no source file over 400 lines, and nothing in the
// repository that points outside it.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
/** The files git knows of (tracked, or new and not ignored). */
const FILES = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], {
  cwd: ROOT,
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f !== "" && existsSync(join(ROOT, f)));
const SOURCES = FILES.filter((f) => /^src\/.*\.tsx?$/.test(f));

/** The src/ files that `file` imports by a relative path (static, type-only or dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const found: string[] = [];
  const pattern = /(?:\bfrom|\bimport\(?)\s*["'](\.\.?\/[^"']+)["']/g;
  for (const [, specifier] of text.matchAll(pattern)) {
    const base = join(dirname(file), specifier as string);
    const target = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find(
      (c) => existsSync(join(ROOT, c)) && statSync(join(ROOT, c)).isFile(),
    );
    if (target !== undefined) found.push(target);
  }
  return found;
}

/** The import cycles among `files`, each as the files on it (Tarjan's strongly connected sets). */
function cycles(files: readonly string[], edges: (file: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const set: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        set.push(w);
      } while (w !== v);
      if (set.length > 1 || edges(v).includes(v)) found.push(set.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

describe("the layout", () => {
  test("the cycle finder finds a cycle (so its silence below means something)", () => {
    const graph: Record<string, string[]> = { a: ["b"], b: ["c"], c: ["a"], d: ["a"] };
    expect(cycles(Object.keys(graph), (f) => graph[f] ?? [])).toEqual([["a", "b", "c"]]);
  });

  test("no import cycle between files of src/", () => {
    const graph = new Map(SOURCES.map((f) => [f, importsOf(f)]));
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(SOURCES, (f) => graph.get(f) ?? [])).toEqual([]);
  });

  test("no source file over 400 lines", () => {
    const long = SOURCES.map((f) => [f, readFileSync(join(ROOT, f), "utf8").split("\n").length])
      .filter(([, lines]) => (lines as number) > 401)
      .map(([f, lines]) => `${f}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  test("nothing in the repository points outside it (only CI may look beside it)", () => {
    const outside = /\.\.\/shared|shared\/CONTRACT|shared\/ARCHITECTURE/;
    const pointing = FILES.filter(
      (f) =>
        f !== ".ci/run" &&
        !/\.(png|jpe?g|gz|bin)$/.test(f) &&
        outside.test(readFileSync(join(ROOT, f), "utf8")),
    ).map((f) => relative(ROOT, join(ROOT, f)));
    expect(pointing).toEqual([]);
  });
});
