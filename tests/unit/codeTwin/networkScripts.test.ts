// The network section's code twin: each script, run by Debian's Python with NumPy and PyTorch,
// must print the engine's numbers (to 1e-12) for networks with and without a second layer,
// trained or not, for a training digit and a drawn one, layer 1 and layer 2 filters, sum and
// mean; and exit 0 only when its loop over positions equals the gradient it checks against.
// Missing packages fail the test, never skip it.
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { buildDigitsAsset } from "../../../scripts/digits";
import type { Flavour } from "../../../src/app/codeTwin/pythonScript";
import {
  NETWORK_SCRIPT_NAMES,
  type NetworkScriptState,
  networkScript,
} from "../../../src/app/network/networkScript";
import { filterSweep } from "../../../src/engine/cnn/filterSweep";
import {
  type CnnConfig,
  cnnArchitecture,
  createTrainer,
  IMAGE_SIDE,
  initParams,
  learningRateAt,
  loadImage,
  paramViews,
  parseDigits,
  sgdMomentumStep,
  type TrainSettings,
  trainSteps,
} from "../../../src/engine/index";
import type { NetworkSweepResult } from "../../../src/state/network/store";
import { networkSums } from "../../../src/state/network/sums";
import { paintedDigit } from "../../../src/state/network/sweep";

/** Debian's Python: the python3 first on PATH may be another build without Debian's packages. */
const PYTHON = "/usr/bin/python3";

const digits = parseDigits(buildDigitsAsset());

/** Training digit `index` as the sweep sees it (bytes / 255), with its label. */
function trainingDigit(index: number) {
  const image = new Float64Array(IMAGE_SIDE * IMAGE_SIDE);
  loadImage(digits.train, index, image);
  const label = digits.train.labels[index] as number;
  return { image, label, choice: { set: "train", index } } as const;
}

/** A drawn "4" with the given label: three strokes of the page's brush, saturated (1) along their middles. */
function drawnDigit(label: number) {
  let image: Float64Array = new Float64Array(IMAGE_SIDE * IMAGE_SIDE);
  const strokes: [number, number, number, number][] = [
    [10, 6, 9, 17],
    [9, 17, 22, 17],
    [19, 5, 19, 27],
  ];
  for (const [x0, y0, x1, y1] of strokes) {
    image = paintedDigit(image, { x: x0, y: y0 }, { x: x1, y: y1 }) ?? image;
  }
  return { image, label, choice: { set: "drawn", label } } as const;
}

const settings = (
  reduction: "sum" | "mean",
  extra: Partial<TrainSettings> = {},
): TrainSettings => ({
  batchSize: 16,
  learningRate: 0.05,
  momentum: 0.9,
  reduction,
  seed: 3,
  maxShift: 1,
  learningRateHalfLife: 1000,
  ...extra,
});

/** A network as first made from its seed: zero momentum, step 0. */
function fresh(config: CnnConfig, s: TrainSettings) {
  const params = initParams(cnnArchitecture(config), s.seed).data;
  return { config, settings: s, params, velocity: new Float64Array(params.length), steps: 0 };
}

/** A network trained a few steps on the digits: its momentum is no longer zero. */
function trained(config: CnnConfig, s: TrainSettings, steps: number) {
  const trainer = createTrainer(config, s, digits.train);
  trainSteps(trainer, steps);
  const { params, velocity } = trainer;
  return { config, settings: s, params: params.data, velocity: velocity.data, steps };
}

const net = (filters: number, filters2: number, stride = 1, padding = 0): CnnConfig => ({
  filters,
  filters2,
  stride,
  padding,
});

const STATES: [string, NetworkScriptState][] = [
  [
    "K 1, untrained, training digit 0, layer 1, mean",
    { ...fresh(net(1, 0), settings("mean")), ...trainingDigit(0), layer: 1, filter: 0 },
  ],
  [
    "K 8, trained 12 steps, a drawn digit, layer 1 filter 8, mean",
    { ...trained(net(8, 0), settings("mean"), 12), ...drawnDigit(4), layer: 1, filter: 7 },
  ],
  [
    "K 3 and K2 4, trained 8 steps, training digit 17, layer 2 filter 3, sum",
    {
      ...trained(net(3, 4), settings("sum", { learningRate: 0.01 }), 8),
      ...trainingDigit(17),
      layer: 2,
      filter: 2,
    },
  ],
  [
    "K 3 and K2 2, stride 2, padding 1, trained, a drawn digit, layer 1 filter 1, sum",
    {
      ...trained(
        net(3, 2, 2, 1),
        settings("sum", { learningRate: 0.01, momentum: 0.5, seed: 5 }),
        5,
      ),
      ...drawnDigit(9),
      layer: 1,
      filter: 0,
    },
  ],
  [
    "K 8 and K2 8, padding 1, untrained, training digit 3, layer 2 filter 1, mean, no momentum",
    {
      ...fresh(net(8, 8, 1, 1), settings("mean", { momentum: 0 })),
      ...trainingDigit(3),
      layer: 2,
      filter: 0,
    },
  ],
];

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

function expectClose(got: number[], want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i] as number;
    expect(Math.abs(g - w), `${what}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(
      1e-12 * Math.max(1, Math.abs(w)),
    );
  });
}

/** What the page shows for a state: the engine's sweep of the filter, and one update of it. */
function engineNumbers(s: NetworkScriptState) {
  const arch = cnnArchitecture(s.config);
  const params = paramViews(arch, s.params);
  const scale = s.settings.reduction === "mean" ? 1 / s.settings.batchSize : 1;
  const sweep = filterSweep(arch, params, s.image, s.label, scale, s.layer, s.filter);
  const positions = sweep.shape.outHeight * sweep.shape.outWidth;
  // The page's layer-below buffer: this filter's share, summed position by position.
  const { below } = networkSums({ sweep } as NetworkSweepResult, positions);
  const layer = s.layer === 1 ? "conv1" : "conv2";
  const size = sweep.weights.length;
  const velocity = paramViews(arch, s.velocity)[layer];
  if (velocity === null) throw new Error("no layer 2");
  const w = Float64Array.from([...sweep.weights, sweep.bias]);
  const v = Float64Array.from([
    ...velocity.weights.subarray(s.filter * size, (s.filter + 1) * size),
    velocity.bias[s.filter] as number,
  ]);
  const g = Float64Array.from([...sweep.weightGrad, sweep.biasGrad]);
  sgdMomentumStep(w, g, v, learningRateAt(s.settings, s.steps), s.settings.momentum);
  return { sweep, positions, below, newKernel: w.subarray(0, size), newBias: w[size] as number };
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
    expect([printed.contributing, printed.positions]).toEqual([e.sweep.contributing, e.positions]);
    expect(e.sweep.contributing).toBeGreaterThan(0);
    expectClose([printed.loss], [e.sweep.loss], "loss");
    expectClose(printed.probabilities, e.sweep.probabilities, "probabilities");
    expectClose(printed.deltaAbove.flat(), e.sweep.poolGrad, "deltaAbove");
    expectClose(printed.delta.flat(), e.sweep.delta, "delta");
    expectClose(printed.kernelGrad.flat(2), e.sweep.weightGrad, "kernelGrad");
    expectClose([printed.biasGrad], [e.sweep.biasGrad], "biasGrad");
    expectClose(printed.below.flat(2), e.below, "below");
    expectClose(printed.newKernel.flat(2), e.newKernel, "newKernel");
    expectClose([printed.newBias], [e.newBias], "newBias");
  });

  test("a script whose loop disagrees with the check exits non-zero", () => {
    const s = STATES[2]?.[1] as NetworkScriptState;
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

  test("hostile values are refused: only numbers and whole numbers get into a script", () => {
    const bad: [string, Partial<NetworkScriptState>][] = [
      ["a NaN weight", { params: base.params.map((v, i) => (i === 3 ? Number.NaN : v)) }],
      ["an infinite pixel", { image: base.image.map((v, i) => (i === 40 ? Infinity : v)) }],
      ["a label that is code", { label: "3\nimport os" as unknown as number }],
      ["a fractional label", { label: 2.5 }],
      ["a filter past the layer", { filter: 1 }],
      ["layer 2 without a second layer", { layer: 2 }],
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
      [
        "a config that is code",
        { config: { ...base.config, stride: "1)\nimport os" as unknown as number } },
      ],
    ];
    for (const [what, change] of bad) {
      for (const flavour of ["numpy", "pytorch"] as Flavour[]) {
        expect(() => networkScript({ ...base, ...change }, flavour), what).toThrow(RangeError);
      }
    }
  });
});
