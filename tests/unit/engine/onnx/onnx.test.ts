// ONNX in and out, against PyTorch and onnx run by Debian's Python (onnxReference.py):
// models saved by torch.onnx.export read back as the same network with the same float32
// weights; models the engine writes pass onnx.checker, hold the engine's weights, and compute
// the engine's outputs when run by an interpreter of their own attributes; a float64 file
// reads back to the bit; what is not supported is named. One run of Python serves the file.
// Without PyTorch or onnx the test fails with the command that installs them; it never skips.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import {
  createNetwork,
  exportOnnx,
  importOnnx,
  initNetworkParams,
  NETWORK_PRESETS,
  networkForward,
  OnnxImportError,
} from "../../../../src/engine/index";
import { expectClose, expectSameBits } from "../compare";
import { type NetworkCase, randomNetworkCase } from "../net/architectures";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./onnxReference.py", import.meta.url));
const folder = mkdtempSync(join(tmpdir(), "convsweep-onnx-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Reference {
  exported: string[];
  checked: { weights: number[]; output: number[] }[];
  unsupported: string;
}

/** The case's parameters as float32 would hold them. */
function rounded(c: NetworkCase): Float64Array {
  return c.params.map((v) => Math.fround(v));
}

const cases = Array.from({ length: 24 }, (_, i) => randomNetworkCase(2000 + i));
const presets = Object.values(NETWORK_PRESETS).map((make) => createNetwork(make()));

/** Every file the engine writes and Python checks: the cases and the presets, both dtypes. */
function engineFiles() {
  const digits = Float64Array.from({ length: 32 * 32 }, (_, k) => ((k * 37) % 101) / 100);
  const all = [
    ...cases.map((c) => ({ net: c.net, params: c.params, input: c.input })),
    ...presets.map((net, i) => ({ net, params: initNetworkParams(net, i), input: digits })),
  ];
  return all.flatMap((c, n) =>
    (["float32", "float64"] as const).map((dtype) => {
      const file = join(folder, `engine-${n}-${dtype}.onnx`);
      writeFileSync(file, exportOnnx(c.net, c.params, { dtype }));
      return { file, input: Array.from(c.input), case: c, dtype };
    }),
  );
}

let shared: { reference: Reference; files: ReturnType<typeof engineFiles> } | undefined;

/** One run of Python for the whole file: PyTorch's exports, the engine's files checked. */
function python() {
  if (shared !== undefined) return shared;
  const files = engineFiles();
  const job = {
    export: cases.map((c) => ({ spec: c.net.spec, params: Array.from(c.params) })),
    check: files.map(({ file, input }) => ({ file, input })),
    folder,
  };
  const run = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify(job),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (run.error !== undefined || run.status !== 0) {
    expect.fail(
      `PyTorch and onnx did not run (${run.error?.message ?? run.stderr.slice(-2000)}); install them with: apt-get install python3-torch python3-onnx`,
    );
  }
  shared = { reference: JSON.parse(run.stdout) as Reference, files };
  return shared;
}

describe("a model saved by torch.onnx.export", () => {
  test("reads back as the same layers with PyTorch's float32 weights, computing the same outputs", () => {
    const { reference } = python();
    cases.forEach((c, n) => {
      const what = `network ${c.seed}`;
      const bytes = readFileSync(reference.exported[n] as string);
      const imported = importOnnx(new Uint8Array(bytes));
      const net = createNetwork(imported.spec);
      expect(net.shapes, `${what}: shapes`).toEqual(c.net.shapes);
      expect(
        net.plans.map((p) => p.type),
        `${what}: layers`,
      ).toEqual(c.net.plans.map((p) => p.type));
      const params = rounded(c);
      expectSameBits(imported.params, params, `${what}: weights`);
      const ours = networkForward(c.net, params, c.input).outputs.at(-1) ?? [];
      expectSameBits(
        networkForward(net, imported.params, c.input).outputs.at(-1) ?? [],
        ours,
        `${what}: output`,
      );
    });
  });
});

describe("a model the engine writes", () => {
  test("passes onnx.checker, holds the weights, and computes the engine's outputs (float32 and float64)", () => {
    const { reference, files } = python();
    expect(reference.checked).toHaveLength(files.length);
    files.forEach((f, n) => {
      const what = `${f.file}`;
      const checked = reference.checked[n] as Reference["checked"][number];
      const params =
        f.dtype === "float64" ? f.case.params : f.case.params.map((v) => Math.fround(v));
      expectSameBits(checked.weights, params, `${what}: weights`);
      const ours =
        networkForward(f.case.net, params, f.case.input).outputs.at(-1) ?? new Float64Array();
      const largest = ours.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expectClose(checked.output, ours, 1e-9, `${what}: output`, largest || 1);
    });
  });

  test("a float64 file reads back to the bit; float32 rounds each weight once", () => {
    for (const c of cases) {
      const back = importOnnx(exportOnnx(c.net, c.params, { dtype: "float64" }));
      expect(createNetwork(back.spec).shapes).toEqual(c.net.shapes);
      expectSameBits(back.params, c.params, `network ${c.seed}`);
      expectSameBits(
        importOnnx(exportOnnx(c.net, c.params)).params,
        rounded(c),
        `network ${c.seed}, float32`,
      );
    }
  });
});

describe("what cannot be read is named", () => {
  test("bytes that are not a model", () => {
    expect(() => importOnnx(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(OnnxImportError);
    expect(() => importOnnx(new TextEncoder().encode("hello, world"))).toThrow(
      /^the file is not an ONNX model \(its bytes are not a protocol-buffer ModelProto: .+\)$/,
    );
  });

  test("an operator ConvSweep does not read, with its node", () => {
    const bytes = new Uint8Array(readFileSync(python().reference.unsupported));
    expect(() => importOnnx(bytes)).toThrow(
      /Tanh node "[^"]*": the operator Tanh is not supported/,
    );
  });
});
