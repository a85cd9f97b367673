// The operators a model may use besides torch.onnx.export's usual ones (operators.py builds
// them with the onnx API, NumPy computes their forward pass): MatMul with the Add of its bias
// read as a dense layer, Reshape to [batch, -1] from a Constant read as a flatten, a last
// LogSoftmax folded into the loss and reported; an Add not after a MatMul, a Reshape to any
// other shape, and BatchNormalization are refused with what to do.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";
import { createNetwork, importOnnx, networkForward } from "../../../../src/engine/index";
import { expectClose } from "../compare";

const folder = mkdtempSync(join(tmpdir(), "convsweep-operators-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Case {
  file: string;
  input: number[];
  output: number[];
}

function models(): { matmul: Case; noBias: Case; refused: Record<string, string> } {
  const script = fileURLToPath(new URL("./operators.py", import.meta.url));
  const run = spawnSync("/usr/bin/python3", [script], {
    input: JSON.stringify({ folder }),
    encoding: "utf8",
  });
  if (run.error !== undefined || run.status !== 0) {
    expect.fail(
      `NumPy and onnx did not run (${run.error?.message ?? run.stderr.slice(-2000)}); install them with: apt-get install python3-numpy python3-onnx`,
    );
  }
  return JSON.parse(run.stdout);
}

const read = (file: string) => importOnnx(new Uint8Array(readFileSync(file)));

test("MatMul + Add, Reshape to [batch, -1] and a last LogSoftmax: NumPy's outputs, the softmax folded", () => {
  const { matmul, noBias, refused } = models();
  for (const [c, folded] of [
    [matmul, "LogSoftmax"],
    [noBias, undefined],
  ] as const) {
    const model = read(c.file);
    expect(model.spec.layers.map((l) => l.type)).toEqual(["conv2d", "relu", "flatten", "dense"]);
    expect(model.spec.loss).toBe("cross-entropy");
    expect(model.folded).toBe(folded);
    const net = createNetwork(model.spec);
    const out = networkForward(net, model.params, Float64Array.from(c.input)).outputs.at(-1);
    expectClose(out ?? [], c.output, 1e-12, c.file);
  }
  expect(() => read(refused["lone-add"] as string)).toThrow(
    /an Add is read only as the bias of the MatMul right before it/,
  );
  expect(() => read(refused["bad-reshape"] as string)).toThrow(
    /a Reshape is read only to \[batch, -1\] \(a flatten\) from a constant shape/,
  );
  expect(() => read(refused.batchnorm as string)).toThrow(
    /the operator BatchNormalization is not supported \(ConvSweep reads Conv, .*\); export the model with its batch norm folded into the conv before it/,
  );
});
