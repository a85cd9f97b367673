// The network section's code twin: each script, run by Debian's Python with NumPy and PyTorch,
// must print the general engine's numbers (to 1e-9, relative to each tensor's largest entry)
// for the presets (the default, two convolutions, LeNet-5, all-convolutional) and custom
// networks (a non-square dilated kernel, average and overlapping max-pools, a colour input),
// trained or not, for training digits and drawn ones, sum and mean; and exit 0 only when its
// loop over positions equals the gradient it checks against. Missing packages fail the test,
// never skip it.
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import type { Flavour } from "../../../src/app/codeTwin/pythonScript";
import {
  NETWORK_SCRIPT_NAMES,
  type NetworkScriptState,
  networkScript,
} from "../../../src/app/network/networkScript";
import {
  createNetwork,
  layerContributions,
  learningRateAt,
  type NetworkSpec,
  networkBackward,
  networkForward,
  sgdMomentumStep,
} from "../../../src/engine/index";
import { STATES } from "./networkScriptStates";

/** Debian's Python: the python3 first on PATH may be another build without Debian's packages. */
const PYTHON = "/usr/bin/python3";

interface Printed {
  loss: number;
  probabilities: number[];
  deltaAbove: number[][];
  delta: number[][];
  contributing: number;
  positions: number;
  kernelGrad: number[][][];
  biasGrad: number;
  below: number[][][];
  newKernel: number[][][];
  newBias: number;
  agree: boolean;
}

function run(script: string): Printed {
  const stdout = execFileSync(PYTHON, ["-"], {
    input: script,
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 1 << 26,
  });
  const line = stdout.split("\n").find((l) => l.startsWith("CONVSWEEP "));
  if (line === undefined) throw new Error(`no result line in:\n${stdout}`);
  return JSON.parse(line.slice("CONVSWEEP ".length)) as Printed;
}

/** Equal to 1e-9 relative to the largest entry of `want` (the float64 sums' orders differ). */
function expectClose(got: number[], want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  const largest = Math.max(...Array.from(want, Math.abs));
  got.forEach((g, i) => {
    const w = want[i] as number;
    expect(Math.abs(g - w), `${what}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(1e-9 * largest);
  });
}

/** The top of a conv's block: the last of the ReLUs and pools right above it (itself if none). */
function blockTop(spec: NetworkSpec, layer: number): number {
  let top = layer;
  while (["relu", "maxpool2d", "avgpool2d"].includes(spec.layers[top + 1]?.type ?? "")) top++;
  return top;
}

/** What the engine gives for a state: the filter's δ, gradient, layer-below share and update. */
function engineNumbers(s: NetworkScriptState) {
  const net = createNetwork(s.spec);
  const plan = net.plans[s.layer];
  if (plan?.type !== "conv2d") throw new Error(`layer ${s.layer} is not a convolution`);
  const { conv } = plan;
  const scale = s.settings.reduction === "mean" ? 1 / s.settings.batchSize : 1;
  const trace = networkForward(net, s.params, s.image);
  const { grads, deltas } = networkBackward(net, s.params, trace, s.label, scale);
  const loss = networkBackward(net, s.params, trace, s.label, 1).loss;
  const logits = trace.outputs[trace.outputs.length - 1] as Float64Array;
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const total = e.reduce((a, b) => a + b, 0);
  const probabilities = e.map((v) => v / total);
  const plane = (buffer: Float64Array, at: number) => {
    const size = (net.shapes[at]?.height ?? 0) * (net.shapes[at]?.width ?? 0);
    return buffer.subarray(s.filter * size, (s.filter + 1) * size);
  };
  // The layer-below buffer: each position's δ · w placed where it looked, in position order.
  const { inChannels: C, inHeight: H, inWidth: W, kernelHeight: kh, kernelWidth: kw } = conv;
  const below = new Float64Array(C * H * W);
  let contributing = 0;
  let positions = 0;
  for (const c of layerContributions(net, s.params, trace, deltas, s.layer, s.filter)) {
    positions++;
    if (c.delta !== 0) contributing++;
    for (let ch = 0; ch < C; ch++) {
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          const r = c.inputOrigin.row + a * conv.dilation;
          const q = c.inputOrigin.col + b * conv.dilation;
          if (r < 0 || r >= H || q < 0 || q >= W) continue;
          const i = (ch * H + r) * W + q;
          below[i] = (below[i] as number) + (c.inputGradPatch[(ch * kh + a) * kw + b] as number);
        }
      }
    }
  }
  const size = C * kh * kw;
  const from = plan.weights + s.filter * size;
  const bias = plan.bias + s.filter;
  const weightGrad = grads.slice(from, from + size);
  const biasGrad = grads[bias] as number;
  const w = Float64Array.from([...s.params.subarray(from, from + size), s.params[bias] as number]);
  const v = Float64Array.from([
    ...s.velocity.subarray(from, from + size),
    s.velocity[bias] as number,
  ]);
  const g = Float64Array.from([...weightGrad, biasGrad]);
  const rate = learningRateAt(s.settings, s.steps);
  sgdMomentumStep(w, g, v, rate, s.settings.momentum, s.settings.weightDecay ?? 0);
  return {
    loss,
    probabilities,
    deltaAbove: plane(deltas[blockTop(s.spec, s.layer)] as Float64Array, blockTop(s.spec, s.layer)),
    delta: plane(deltas[s.layer] as Float64Array, s.layer),
    contributing,
    positions,
    weightGrad,
    biasGrad,
    below,
    newKernel: w.subarray(0, size),
    newBias: w[size] as number,
  };
}

describe.each(["numpy", "pytorch"] as Flavour[])("the network's %s script", (flavour) => {
  const module = flavour === "numpy" ? "numpy" : "torch";
  test(`Debian's python3-${module} is installed`, () => {
    expect(
      spawnSync(PYTHON, ["-c", `import ${module}`]).status,
      `${PYTHON} cannot import ${module}: run  apt-get install python3-numpy python3-torch`,
    ).toBe(0);
  });

  test.each(STATES)("prints the engine's numbers: %s", (_, s) => {
    const printed = run(networkScript(s, flavour));
    const e = engineNumbers(s);
    expect(printed.agree).toBe(true);
    expect([printed.contributing, printed.positions]).toEqual([e.contributing, e.positions]);
    expect(e.contributing).toBeGreaterThan(0);
    expectClose([printed.loss], [e.loss], "loss");
    expectClose(printed.probabilities, e.probabilities, "probabilities");
    expectClose(printed.deltaAbove.flat(), e.deltaAbove, "deltaAbove");
    expectClose(printed.delta.flat(), e.delta, "delta");
    expectClose(printed.kernelGrad.flat(2), e.weightGrad, "kernelGrad");
    expectClose([printed.biasGrad], [e.biasGrad], "biasGrad");
    expectClose(printed.below.flat(2), e.below, "below");
    expectClose(printed.newKernel.flat(2), e.newKernel, "newKernel");
    expectClose([printed.newBias], [e.newBias], "newBias");
  });

  test("a script whose loop disagrees with the check exits non-zero", () => {
    const s = STATES[1]?.[1] as NetworkScriptState;
    const script = networkScript(s, flavour);
    // Sabotage the loop: the first contributing position's terms are added twice.
    const broken = script.replace(
      "kernel_grad += d * window(x, i, j)",
      "kernel_grad += (2 if contributing == 1 else 1) * d * window(x, i, j)",
    );
    expect(broken).not.toBe(script);
    const result = spawnSync(PYTHON, ["-"], { input: broken, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/IS the gradient: NO/);
  });
});

describe("the network's scripts", () => {
  const base = STATES[0]?.[1] as NetworkScriptState;

  test("download under their own names", () => {
    expect(NETWORK_SCRIPT_NAMES).toEqual({
      pytorch: "convsweep_network_pytorch.py",
      numpy: "convsweep_network_numpy.py",
    });
  });

  test("name the page's panels and need only numpy or torch", () => {
    for (const flavour of ["numpy", "pytorch"] as Flavour[]) {
      const script = networkScript(base, flavour);
      for (const name of [
        "One filter's sweep inside the network",
        "δ from above",
        "δ at the filter's output",
        "The filter's one running sum",
        "The layer-below buffer",
        "Take this step",
        "dL/dw = sum over positions p of delta[p] * patch[p]",
      ]) {
        expect(script).toContain(name);
      }
      const imports = script.match(/^(import|from) .*$/gm) ?? [];
      const allowed = flavour === "numpy" ? ["numpy"] : ["torch", "torch.nn.functional"];
      for (const line of imports) {
        const module = line.split(" ")[1] as string;
        expect(["json", "sys", ...allowed], line).toContain(module);
      }
    }
  });

  test("the PyTorch script builds the network as one nn.Sequential of the page's layers", () => {
    const s = STATES[5]?.[1] as NetworkScriptState;
    const script = networkScript(s, "pytorch");
    for (const module of [
      "nn.AvgPool2d(2, stride=1),  # 0: 3x20x24 -> 3x19x23",
      "nn.Conv2d(3, 3, (2, 4), stride=2, padding=2, dilation=3),",
      "nn.MaxPool2d(2, stride=1),",
      "nn.Conv2d(3, 4, (4, 2), stride=1, padding=1, dilation=1),",
      "nn.Flatten(),",
      "nn.ReLU(),",
      "nn.Linear(12, 5),",
    ]) {
      expect(script).toContain(module);
    }
  });

  test("hostile values are refused: only numbers and whole numbers get into a script", () => {
    const conv = (change: object): NetworkSpec => ({
      ...base.spec,
      layers: [{ ...base.spec.layers[0], ...change } as NetworkSpec["layers"][0]],
    });
    const bad: [string, Partial<NetworkScriptState>][] = [
      ["a NaN weight", { params: base.params.map((v, i) => (i === 3 ? Number.NaN : v)) }],
      ["an infinite pixel", { image: base.image.map((v, i) => (i === 40 ? Infinity : v)) }],
      [
        "an infinite momentum",
        { velocity: base.velocity.map((v, i) => (i === 18 ? -Infinity : v)) },
      ],
      ["a label that is code", { label: "3\nimport os" as unknown as number }],
      ["a fractional label", { label: 2.5 }],
      ["a label past the classes", { label: 10 }],
      ["a filter past the layer", { filter: 8 }],
      ["a layer that is not a convolution", { layer: 1 }],
      ["a layer past the network", { layer: 9 }],
      ["a layer that is code", { layer: "0]; import os" as unknown as number }],
      [
        "an image number that is code",
        { choice: { set: "train", index: "0; os.system('x')" as unknown as number } },
      ],
      [
        "a reduction that is code",
        { settings: { ...base.settings, reduction: 'sum"\nimport os#' as "sum" } },
      ],
      [
        "a batch size that is code",
        { settings: { ...base.settings, batchSize: "1 or exit()" as unknown as number } },
      ],
      ["a learning rate of Infinity", { settings: { ...base.settings, learningRate: Infinity } }],
      ["a momentum of NaN", { settings: { ...base.settings, momentum: Number.NaN } }],
      ["params of the wrong length", { params: base.params.subarray(1) }],
      ["a short image", { image: base.image.subarray(1) }],
      ["a stride that is code", { spec: conv({ stride: "1)\nimport os" }) }],
      ["a layer type that is code", { spec: conv({ type: 'relu"); import os; ("' }) }],
      ["a squared-error network", { spec: { ...base.spec, loss: "squared-error" } }],
    ];
    for (const [what, change] of bad) {
      for (const flavour of ["numpy", "pytorch"] as Flavour[]) {
        expect(() => networkScript({ ...base, ...change }, flavour), what).toThrow(RangeError);
      }
    }
  });
});
