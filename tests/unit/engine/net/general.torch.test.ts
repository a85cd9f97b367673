// The general engine against PyTorch float64 autograd, run by Debian's Python: 60 seeded random
// networks (tests/unit/engine/net/architectures.ts) — every layer's output and δ, the loss,
// every parameter's gradient and the input's gradient, to 1e-9 relative to the largest entry
// of each; and every conv filter's per-position contributions, summed, equal to its gradient
// to the bit. Without PyTorch the test fails with the command that installs it; it never skips.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import {
  type LayerSpec,
  layerContributions,
  networkBackward,
  networkForward,
} from "../../../../src/engine/index";
import { expectClose, expectSameBits, expectSameNumber } from "../compare";
import { type NetworkCase, randomNetworkCase } from "./architectures";

/** Debian's Python: the python3 first on PATH may be another build without Debian's packages. */
const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./torchReference.py", import.meta.url));
const CASES = 60;
const TOLERANCE = 1e-9;

interface TorchResult {
  loss: number;
  outputs: number[][];
  deltas: number[][];
  grads: number[];
  inputGrad: number[];
}

function torchResults(cases: readonly NetworkCase[]): TorchResult[] {
  const payload = cases.map((c) => ({
    spec: c.net.spec,
    params: Array.from(c.params),
    input: Array.from(c.input),
    target: typeof c.target === "number" ? c.target : Array.from(c.target),
    scale: c.scale,
  }));
  const run = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify(payload),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (run.error !== undefined || run.status !== 0) {
    expect.fail(
      `PyTorch did not run (${run.error?.message ?? run.stderr}); install it with: apt-get install python3-torch`,
    );
  }
  return JSON.parse(run.stdout) as TorchResult[];
}

/** |actual − expected| ≤ 1e-9 · the largest |expected| entry, element by element. */
function expectNear(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  const largest = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expectClose(actual, expected, TOLERANCE, what, largest === 0 ? 1e-300 : largest);
}

const cases = Array.from({ length: CASES }, (_, i) => randomNetworkCase(1000 + i));

describe("the general engine equals PyTorch float64 autograd", () => {
  test("the drawn networks cover every layer kind, kernel size, stride, padding, dilation, both channel counts and both losses", () => {
    const layers = cases.flatMap((c) => c.net.spec.layers);
    const convs = layers.filter(
      (l): l is Extract<LayerSpec, { type: "conv2d" }> => l.type === "conv2d",
    );
    const kernels = new Set(
      convs.flatMap((l) => (Array.isArray(l.kernelSize) ? l.kernelSize : [l.kernelSize])),
    );
    expect([...kernels].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(
      convs.some((l) => Array.isArray(l.kernelSize) && l.kernelSize[0] !== l.kernelSize[1]),
    ).toBe(true);
    expect(new Set(convs.map((l) => l.stride))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(convs.map((l) => l.padding))).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(convs.map((l) => l.dilation))).toEqual(new Set([1, 2, 3]));
    expect(new Set(layers.map((l) => l.type))).toEqual(
      new Set(["conv2d", "relu", "maxpool2d", "avgpool2d", "flatten", "dense"]),
    );
    const pools = layers.filter((l) => l.type === "maxpool2d" || l.type === "avgpool2d");
    expect(
      pools.some((l) => (l.stride ?? l.size) < l.size),
      "overlapping windows",
    ).toBe(true);
    expect(new Set(cases.map((c) => c.net.spec.input.channels))).toEqual(new Set([1, 3]));
    expect(new Set(cases.map((c) => c.net.spec.loss))).toEqual(
      new Set(["cross-entropy", "squared-error"]),
    );
    expect(
      cases.some(
        (c) =>
          c.net.spec.layers.at(-1)?.type === "conv2d" || c.net.spec.layers.at(-1)?.type === "relu",
      ),
    ).toBe(true);
  });

  test(`${CASES} random networks: outputs, loss, every gradient, every δ and the input's gradient to 1e-9`, () => {
    const torch = torchResults(cases);
    expect(torch).toHaveLength(CASES);
    cases.forEach((c, n) => {
      const expected = torch[n] as TorchResult;
      const name = `network ${c.seed}`;
      const trace = networkForward(c.net, c.params, c.input);
      const back = networkBackward(c.net, c.params, trace, c.target, c.scale);
      trace.outputs.forEach((out, i) => {
        expectNear(out, expected.outputs[i] ?? [], `${name}, layer ${i + 1} output`);
      });
      expectNear([back.loss], [expected.loss], `${name}, loss`);
      back.deltas.forEach((delta, i) => {
        expectNear(delta, expected.deltas[i] ?? [], `${name}, layer ${i + 1} δ`);
      });
      expectNear(back.grads, expected.grads, `${name}, parameters' gradient`);
      expectNear(back.inputGrad, expected.inputGrad, `${name}, input's gradient`);
    });
  });

  test("every filter of every conv layer: its per-position contributions, summed in order, are its gradient to the bit", () => {
    for (const c of cases) {
      const trace = networkForward(c.net, c.params, c.input);
      const back = networkBackward(c.net, c.params, trace, c.target, c.scale);
      c.net.plans.forEach((plan, layer) => {
        if (plan.type !== "conv2d") return;
        const fsize = plan.conv.inChannels * plan.conv.kernelHeight * plan.conv.kernelWidth;
        for (let k = 0; k < plan.conv.filters; k++) {
          const sum = new Float64Array(fsize);
          let bias = 0;
          let positions = 0;
          for (const entry of layerContributions(c.net, c.params, trace, back.deltas, layer, k)) {
            for (let t = 0; t < fsize; t++)
              sum[t] = (sum[t] as number) + (entry.kernelGrad[t] as number);
            bias += entry.biasGrad;
            positions++;
          }
          const what = `network ${c.seed}, layer ${layer + 1}, filter ${k}`;
          expect(positions, what).toBe(plan.conv.outHeight * plan.conv.outWidth);
          const start = plan.weights + k * fsize;
          expectSameBits(sum, back.grads.subarray(start, start + fsize), `${what}: weights`);
          expectSameNumber(bias, back.grads[plan.bias + k] as number, `${what}: bias`);
        }
      });
    }
  });
});
