// One run of pytorchModels.py (Debian's Python with PyTorch and onnx): the models it saves with
// torch.onnx.export, PyTorch float64 autograd on each, and the hostile files. Used by the
// engine's tests in Node (pytorch.test.ts) and in Chromium (tests/e2e/onnxInBrowser.test.ts).
// Without PyTorch or onnx it fails with the command that installs them; it never skips.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** A model PyTorch saved, and PyTorch's numbers for it. */
export interface PyTorchModel {
  name: string;
  file: string;
  dtype: "float32" | "float64";
  shape: [number, number, number];
  input: number[];
  label: number;
  /** The operator the engine must refuse, where there is one. */
  unsupported?: string;
  weights: number[];
  output: number[];
  loss: number;
  /** Each parameter's gradient, PyTorch's order. */
  grads: number[][];
  inputGrad: number[];
}

/** What pytorchModels.py writes. */
export interface PyTorchReference {
  models: PyTorchModel[];
  hostile: Record<string, string>;
  retyped: Record<string, string>;
}

const SCRIPT = fileURLToPath(new URL("./pytorchModels.py", import.meta.url));

/** Runs pytorchModels.py once, saving its files in `folder`. */
export function runPytorchModels(folder: string): PyTorchReference {
  const run = spawnSync("/usr/bin/python3", [SCRIPT], {
    input: JSON.stringify({ folder }),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (run.error !== undefined || run.status !== 0) {
    expect.fail(
      `PyTorch and onnx did not run (${run.error?.message ?? run.stderr.slice(-2000)}); install them with: apt-get install python3-torch python3-onnx`,
    );
  }
  return JSON.parse(run.stdout) as PyTorchReference;
}
