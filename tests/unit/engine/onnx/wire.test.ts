// The ONNX codec's place in the engine: src/engine/onnx/onnx_pb.ts is what `npm run gen:onnx`
// makes from onnx.proto today (buf and protoc-gen-es, no network), and the engine's one package
// import, @bufbuild/protobuf, is in wire.ts and the generated file only: Biome (biome.json's
// carve-out) accepts it there and refuses it in any other file of src/engine/, and no other
// file of src/engine/ imports a package.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { afterAll, describe, expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../../..");
const scratch = mkdtempSync(join(tmpdir(), "convsweep-wire-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CODEC = ["src/engine/onnx/wire.ts", "src/engine/onnx/onnx_pb.ts"];

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((e) => {
    const path = `${folder}/${e.name}`;
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

describe("the ONNX codec", () => {
  test("onnx_pb.ts is what `npm run gen:onnx` generates from onnx.proto", () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
    const [command, ...args] = (scripts["gen:onnx"] as string).split(" ");
    expect(command).toBe("buf");
    const run = spawnSync(join(ROOT, "node_modules/.bin/buf"), [...args, "-o", scratch], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const made = readFileSync(join(scratch, "src/engine/onnx/onnx_pb.ts"), "utf8");
    expect(made === readFileSync(join(ROOT, "src/engine/onnx/onnx_pb.ts"), "utf8")).toBe(true);
    expect(made).toMatch(
      /generated from src\/engine\/onnx\/proto\/onnx\.proto[\s\S]*npm run gen:onnx/,
    );
  });

  test("only wire.ts and the generated onnx_pb.ts import a package, and only @bufbuild/protobuf", () => {
    // Static imports and re-exports (to their first `from "…"`), bare imports, import().
    const pattern =
      /^(?:import|export)\b[^"']*?\bfrom\s*["']([^"']+)["']|^import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/gm;
    const imports = sources("src/engine").flatMap((file) =>
      [...readFileSync(join(ROOT, file), "utf8").matchAll(pattern)]
        .map((m) => m[1] ?? m[2] ?? m[3] ?? "")
        .filter((name) => !name.startsWith("."))
        .map((name) => `${file} ${name}`),
    );
    expect(imports.length).toBeGreaterThan(0);
    for (const line of imports) {
      const [file, name] = line.split(" ");
      expect(CODEC, line).toContain(file);
      expect(name, line).toMatch(/^@bufbuild\/protobuf(\/[a-z0-9]+)?$/);
    }
    expect(new Set(imports.map((l) => l.split(" ")[0]))).toEqual(new Set(CODEC));
  });

  test("Biome accepts @bufbuild/protobuf in wire.ts and refuses it anywhere else in the engine", () => {
    const config = JSON.parse(readFileSync(join(ROOT, "biome.json"), "utf8"));
    config.vcs = { enabled: false };
    writeFileSync(join(scratch, "biome.json"), JSON.stringify(config));
    const lint = (path: string, specifier: string) => {
      const file = join(scratch, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `import { x } from "${specifier}";\nexport const y = x;\n`);
      const run = spawnSync(
        join(ROOT, "node_modules/.bin/biome"),
        ["lint", relative(scratch, file)],
        {
          cwd: scratch,
          encoding: "utf8",
        },
      );
      rmSync(file);
      return { status: run.status, output: `${run.stdout}${run.stderr}` };
    };
    expect(lint("src/engine/onnx/wire.ts", "@bufbuild/protobuf").status).toBe(0);
    expect(lint("src/engine/onnx/wire.ts", "@bufbuild/protobuf/codegenv2").status).toBe(0);
    for (const [path, specifier] of [
      ["src/engine/onnx/importOnnx.ts", "@bufbuild/protobuf"],
      ["src/engine/onnx/exportOnnx.ts", "@bufbuild/protobuf/codegenv2"],
      ["src/engine/net/probe.ts", "@bufbuild/protobuf"],
      ["src/engine/probe.ts", "@bufbuild/protobuf"],
      ["src/engine/onnx/wire.ts", "react"],
      ["src/engine/onnx/wire.ts", "../../state/store"],
    ] as const) {
      const { status, output } = lint(path, specifier);
      expect(status, `${path} importing ${specifier}`).toBe(1);
      expect(output, `${path} importing ${specifier}`).toMatch(/noRestrictedImports/);
    }
  });
});
