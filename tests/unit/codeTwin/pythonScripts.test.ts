// The code twin's scripts, run by Debian's Python with NumPy and PyTorch: each must print the
// engine's numbers (to 1e-12) for every kind of state, and exit 0 only when its loop over
// positions equals the gradient it checks against. Missing packages fail the test, never skip.
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { type Flavour, pyNumber, pythonScript } from "../../../src/app/codeTwin/pythonScript";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  type Grid,
  outputShape,
  seededRandom,
  squaredErrorGrad,
  squaredErrorLoss,
} from "../../../src/engine/index";
import { presetFilter, randomFilter } from "../../../src/state/filters";
import { presetImage } from "../../../src/state/images";
import type { LinkedState } from "../../../src/state/stateFile";
import { checkState } from "../../../src/state/stateRules";

/** Debian's Python: the python3 first on PATH may be another build without Debian's packages. */
const PYTHON = "/usr/bin/python3";

function pythonHas(module: string): boolean {
  return spawnSync(PYTHON, ["-c", `import ${module}`]).status === 0;
}

function grid(height: number, width: number, seed: number, scale = 1): Grid {
  const random = seededRandom(seed);
  return createGrid(
    height,
    width,
    Float64Array.from({ length: height * width }, () => (random() - 0.5) * 2 * scale),
  );
}

function state(
  image: Grid,
  kernel: Grid,
  options: LinkedState["options"],
  reduction: LinkedState["reduction"],
  extra: Partial<LinkedState> = {},
): LinkedState {
  const out = outputShape(image, kernel, options);
  const s: LinkedState = {
    image,
    kernel,
    bias: 0.125,
    target: grid(out.height, out.width, 99),
    targetKernel: null,
    options,
    reduction,
    learningRate: 0.001,
    updates: 0,
    position: 0,
    ...extra,
  };
  checkState({ ...s, sums: null }, null);
  return s;
}

const unit = (h: number, w: number, seed: number) => {
  const g = grid(h, w, seed);
  g.data.forEach((v, i) => {
    g.data[i] = Math.abs(v);
  });
  return g;
};

const STATES: [string, LinkedState][] = [
  [
    "the default 32x32 digit, 3x3, sum",
    state(presetImage("digit"), randomFilter(1), { stride: 1, padding: 0, dilation: 1 }, "sum", {
      target: conv2d(presetImage("digit"), presetFilter("verticalEdge"), 0),
      learningRate: 0.0002,
    }),
  ],
  [
    "9x7, 7x7 kernel, stride 2, padding 3, mean",
    state(unit(9, 7, 2), grid(7, 7, 3), { stride: 2, padding: 3, dilation: 1 }, "mean"),
  ],
  [
    "12x12, 5x5, stride 3, padding 2, dilation 2, sum",
    state(unit(12, 12, 4), grid(5, 5, 5), { stride: 3, padding: 2, dilation: 2 }, "sum"),
  ],
  [
    "6x10, 2x4, dilation 3, mean",
    state(unit(6, 10, 6), grid(2, 4, 7), { stride: 1, padding: 0, dilation: 3 }, "mean"),
  ],
  [
    "1x5, 1x1, padding 1, stride 4, sum",
    state(unit(1, 5, 8), grid(1, 1, 9), { stride: 4, padding: 1, dilation: 1 }, "sum"),
  ],
  [
    "a painted δ (loss Σ δ·out)",
    state(unit(7, 6, 13), grid(3, 2, 14), { stride: 1, padding: 1, dilation: 1 }, "sum", {
      paintedDelta: grid(7, 7, 15, 3),
    }),
  ],
  [
    "the largest magnitudes the app allows",
    state(unit(4, 4, 10), grid(3, 3, 11, 1e6), { stride: 1, padding: 1, dilation: 1 }, "sum", {
      bias: -1e6,
      target: grid(4, 4, 12, 1e8),
      learningRate: 1e6,
    }),
  ],
];

interface Printed {
  loss: number;
  kernelGrad: number[][];
  biasGrad: number;
  inputGrad: number[][];
  newKernel: number[][];
  newBias: number;
  agree: boolean;
}

function run(script: string): Printed {
  const stdout = execFileSync(PYTHON, ["-"], { input: script, encoding: "utf8", timeout: 120_000 });
  const line = stdout.split("\n").find((l) => l.startsWith("CONVSWEEP "));
  if (line === undefined) throw new Error(`no result line in:\n${stdout}`);
  return JSON.parse(line.slice("CONVSWEEP ".length)) as Printed;
}

function expectClose(got: number[], want: Float64Array | number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i] as number;
    expect(Math.abs(g - w), `${what}[${i}]: ${g} vs ${w}`).toBeLessThanOrEqual(
      1e-12 * Math.max(1, Math.abs(w)),
    );
  });
}

describe.each(["numpy", "pytorch"] as Flavour[])("the %s script", (flavour) => {
  test(`Debian's ${flavour === "numpy" ? "python3-numpy" : "python3-torch"} is installed`, () => {
    const module = flavour === "numpy" ? "numpy" : "torch";
    expect(
      pythonHas(module),
      `${PYTHON} cannot import ${module}: run  apt-get install python3-numpy python3-torch`,
    ).toBe(true);
  });

  test.each(STATES)("prints the engine's numbers: %s", (_, s) => {
    const printed = run(pythonScript(s, flavour));
    const out = conv2d(s.image, s.kernel, s.bias, s.options);
    const painted = s.paintedDelta ?? null;
    const delta = painted ?? squaredErrorGrad(out, s.target, s.reduction);
    const g = conv2dBackward(s.image, s.kernel, delta, s.options);
    expect(printed.agree).toBe(true);
    const loss =
      painted === null
        ? squaredErrorLoss(out, s.target, s.reduction)
        : painted.data.reduce((sum, d, i) => sum + d * (out.data[i] as number), 0);
    expectClose([printed.loss], [loss], "loss");
    expectClose(printed.kernelGrad.flat(), g.kernelGrad.data, "kernelGrad");
    expectClose([printed.biasGrad], [g.biasGrad], "biasGrad");
    expectClose(printed.inputGrad.flat(), g.inputGrad.data, "inputGrad");
    expectClose(
      printed.newKernel.flat(),
      Array.from(s.kernel.data, (w, i) => w - s.learningRate * (g.kernelGrad.data[i] as number)),
      "newKernel",
    );
    expectClose([printed.newBias], [s.bias - s.learningRate * g.biasGrad], "newBias");
  });

  test("a script whose loop disagrees with the check exits non-zero", () => {
    const s = STATES[1]?.[1] as LinkedState;
    // Sabotage the loop: one position's terms are added twice.
    const broken = pythonScript(s, flavour).replace(
      "kernel_grad += d * window(x, i, j)",
      "kernel_grad += (2 if (i, j) == (0, 0) else 1) * d * window(x, i, j)",
    );
    expect(broken).not.toBe(pythonScript(s, flavour));
    const result = spawnSync(PYTHON, ["-"], { input: broken, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/IS the gradient: NO/);
  });
});

describe("numbers in the scripts", () => {
  test("are plain decimal literals that read back to the same double", () => {
    for (const v of [0, -0.5, 1, 1e-7, 1.5e300, -123456789.125, 0.1 + 0.2, 5e-324]) {
      expect(Number(pyNumber(v))).toBe(v);
      expect(pyNumber(v)).toMatch(/^-?\d+(\.\d+)?(e[+-]\d+)?$|^-?\d+\.0$/);
    }
  });

  test("anything but a finite number is refused", () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => pyNumber(v)).toThrow(RangeError);
    }
  });
});
