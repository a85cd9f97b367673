/**
 * Bad arguments throw a RangeError whose message names the argument and the value
 * (docs/engine.md), at every public entry point; nothing is clamped silently.
 */
import { describe, expect, test } from "vitest";
import {
  type ConvOptions,
  computeSweep,
  conv2d,
  conv2dBackward,
  createGrid,
  emptySums,
  type Grid,
  gridFromRows,
  positionContributions,
  type Reduction,
  sgdUpdate,
  squaredErrorGrad,
  squaredErrorLoss,
  sumsAt,
  train,
} from "../../../src/engine";
import { mulberry32, randomGrid } from "./random";

/** Fails unless `run` throws a RangeError whose message contains every fragment. */
function expectRangeError(run: () => unknown, ...fragments: string[]): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error, "expected a RangeError").toBeInstanceOf(RangeError);
  const message = (error as Error).message;
  for (const fragment of fragments) expect(message).toContain(fragment);
}

interface Args {
  input: Grid;
  kernel: Grid;
  bias: number;
  outputGrad: Grid;
  target: Grid;
  options: unknown;
  reduction: unknown;
  learningRate: number;
}

/** Valid arguments: a 5x5 input, a 3x3 kernel, 3x3 output-shaped grids. */
function validArgs(): Args {
  const rand = mulberry32(5);
  return {
    input: randomGrid(rand, 5, 5, 0, 1),
    kernel: randomGrid(rand, 3, 3),
    bias: 0.25,
    outputGrad: randomGrid(rand, 3, 3),
    target: randomGrid(rand, 3, 3),
    options: { stride: 1, padding: 0, dilation: 1 },
    reduction: "sum",
    learningRate: 0.01,
  };
}

type Entry = (a: Args) => unknown;

// Casts let the tests pass what TypeScript would reject, as JavaScript callers can.
const asOptions = (o: unknown) => o as ConvOptions;
const asReduction = (r: unknown) => r as Reduction;

/** Every public function that takes an input, a kernel and options. */
const convEntries: [string, Entry][] = [
  ["conv2d", (a) => conv2d(a.input, a.kernel, a.bias, asOptions(a.options))],
  ["conv2dBackward", (a) => conv2dBackward(a.input, a.kernel, a.outputGrad, asOptions(a.options))],
  // Not iterated: the check must happen when it is called, before the first entry.
  [
    "positionContributions",
    (a) => positionContributions(a.input, a.kernel, a.outputGrad, asOptions(a.options)),
  ],
  [
    "computeSweep",
    (a) =>
      computeSweep(
        a.input,
        a.kernel,
        a.bias,
        a.target,
        asOptions(a.options),
        asReduction(a.reduction),
      ),
  ],
  [
    "train",
    (a) =>
      train(
        {
          input: a.input,
          target: a.target,
          options: asOptions(a.options),
          reduction: asReduction(a.reduction),
        },
        { kernel: a.kernel, bias: a.bias },
        a.learningRate,
        1,
      ),
  ],
];

function withNonFinite(grid: Grid, cell: number, value: number): Grid {
  const data = grid.data.slice();
  data[cell] = value;
  return createGrid(grid.height, grid.width, data);
}

/** [description, change to the valid arguments, fragments the message must contain]. */
const badConvArguments: [string, (a: Args) => void, string[]][] = [
  [
    "input.data too short",
    (a) => {
      a.input = { height: 5, width: 5, data: new Float64Array(24) };
    },
    ["input.data.length", "25", "24"],
  ],
  [
    "input.data too long",
    (a) => {
      a.input = { height: 5, width: 5, data: new Float64Array(26) };
    },
    ["input.data.length", "26"],
  ],
  [
    "kernel.data mismatched",
    (a) => {
      a.kernel = { height: 3, width: 3, data: new Float64Array(10) };
    },
    ["kernel.data.length", "10"],
  ],
  [
    "input.data not a Float64Array",
    (a) => {
      a.input = { height: 1, width: 1, data: [1] as unknown as Float64Array };
    },
    ["input.data", "Float64Array", "an array"],
  ],
  [
    "input.height not an integer",
    (a) => {
      a.input = { height: 2.5, width: 2, data: new Float64Array(5) };
    },
    ["input.height", "2.5"],
  ],
  [
    "input.width zero",
    (a) => {
      a.input = { height: 5, width: 0, data: new Float64Array(0) };
    },
    ["input.width", "0"],
  ],
  ...[0, 5, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0].map(
    (v): [string, (a: Args) => void, string[]] => [
      `stride ${Object.is(v, -0) ? "-0" : v}`,
      (a) => {
        a.options = { stride: v };
      },
      ["stride", `got ${Object.is(v, -0) ? "-0" : String(v)}`],
    ],
  ),
  [
    "stride as a string",
    (a) => {
      a.options = { stride: "2" };
    },
    ["stride", 'got "2"'],
  ],
  ...[-1, 4, 0.5, Number.NaN].map((v): [string, (a: Args) => void, string[]] => [
    `padding ${v}`,
    (a) => {
      a.options = { padding: v };
    },
    ["padding", `got ${v}`],
  ]),
  ...[0, 4, 2.5, Number.NEGATIVE_INFINITY].map((v): [string, (a: Args) => void, string[]] => [
    `dilation ${v}`,
    (a) => {
      a.options = { dilation: v };
    },
    ["dilation", `got ${v}`],
  ]),
  [
    "options not an object",
    (a) => {
      a.options = 3;
    },
    ["options", "3"],
  ],
  [
    "options null",
    (a) => {
      a.options = null;
    },
    ["options", "null"],
  ],
  [
    "kernel height 8",
    (a) => {
      a.input = createGrid(12, 12);
      a.kernel = createGrid(8, 3);
    },
    ["kernel.height", "8"],
  ],
  [
    "kernel width 8",
    (a) => {
      a.input = createGrid(12, 12);
      a.kernel = createGrid(3, 8);
    },
    ["kernel.width", "8"],
  ],
  [
    "kernel larger than the input",
    (a) => {
      a.input = createGrid(4, 4);
      a.kernel = createGrid(5, 5);
    },
    ["kernel", "5x5", "4x4"],
  ],
  [
    "dilated kernel larger than the padded input",
    (a) => {
      a.options = { dilation: 3, padding: 0 }; // 3x3 taps spanning 7x7 over 5x5
    },
    ["kernel", "7x7", "dilation 3", "5x5"],
  ],
  ...(
    [
      ["input", 7, Number.NaN],
      ["input", 0, Number.POSITIVE_INFINITY],
      ["input", 24, Number.NEGATIVE_INFINITY],
      ["kernel", 4, Number.NaN],
      ["kernel", 8, Number.POSITIVE_INFINITY],
    ] as const
  ).map(([name, cell, v]): [string, (a: Args) => void, string[]] => [
    `${v} in ${name}`,
    (a) => {
      a[name] = withNonFinite(a[name], cell, v);
    },
    [`${name}.data[${cell}]`, String(v)],
  ]),
];

describe.each(convEntries)("%s rejects", (_entry, run) => {
  test.each(badConvArguments)("%s", (_name, change, fragments) => {
    const args = validArgs();
    expect(() => run(args)).not.toThrow();
    change(args);
    expectRangeError(() => run(args), ...fragments);
  });
});

describe("bias, outputGrad, target, reduction, learning rate, steps and position", () => {
  const withBias = convEntries.filter(([name]) =>
    ["conv2d", "computeSweep", "train"].includes(name),
  );
  test.each(
    withBias.flatMap(([name, run]) =>
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(
        (v) => [name, String(v), run, v] as const,
      ),
    ),
  )("%s rejects bias %s", (_name, _v, run, v) => {
    const args = validArgs();
    args.bias = v;
    expectRangeError(() => run(args), "bias", String(v));
  });

  const withOutputGrad = convEntries.filter(([name]) =>
    ["conv2dBackward", "positionContributions"].includes(name),
  );
  test.each(withOutputGrad)(
    "%s rejects NaN / Infinity in outputGrad, and its wrong shape",
    (_name, run) => {
      for (const v of [Number.NaN, Number.POSITIVE_INFINITY]) {
        const args = validArgs();
        args.outputGrad = withNonFinite(args.outputGrad, 5, v);
        expectRangeError(() => run(args), "outputGrad.data[5]", String(v));
      }
      const args = validArgs();
      args.outputGrad = createGrid(2, 3);
      expectRangeError(() => run(args), "outputGrad", "3x3", "2x3");
    },
  );

  const withTarget: [string, Entry][] = [
    ...convEntries.filter(([name]) => ["computeSweep", "train"].includes(name)),
    ["squaredErrorLoss", (a) => squaredErrorLoss(a.outputGrad, a.target, asReduction(a.reduction))],
    ["squaredErrorGrad", (a) => squaredErrorGrad(a.outputGrad, a.target, asReduction(a.reduction))],
  ];
  test.each(withTarget)(
    "%s rejects NaN / Infinity in target, its wrong shape and a bad reduction",
    (_name, run) => {
      for (const v of [Number.NaN, Number.NEGATIVE_INFINITY]) {
        const args = validArgs();
        args.target = withNonFinite(args.target, 2, v);
        expectRangeError(() => run(args), "target.data[2]", String(v));
      }
      const shaped = validArgs();
      shaped.target = createGrid(3, 4);
      expectRangeError(() => run(shaped), "target", "3x3", "3x4");
      for (const [bad, shown] of [
        ["avg", '"avg"'],
        ["SUM", '"SUM"'],
        [undefined, "undefined"],
        [2, "2"],
      ] as const) {
        const args = validArgs();
        args.reduction = bad;
        expectRangeError(() => run(args), "reduction", shown);
      }
    },
  );

  test("squaredErrorLoss / squaredErrorGrad reject NaN in out", () => {
    const args = validArgs();
    const out = withNonFinite(args.target, 1, Number.NaN);
    expectRangeError(() => squaredErrorLoss(out, args.target, "sum"), "out.data[1]", "NaN");
    expectRangeError(() => squaredErrorGrad(out, args.target, "mean"), "out.data[1]", "NaN");
  });

  const update = (a: Args, kernelGrad = a.kernel, biasGrad = 0.5) =>
    sgdUpdate({ kernel: a.kernel, bias: a.bias }, kernelGrad, biasGrad, a.learningRate);
  const withRate: [string, Entry][] = [
    ...convEntries.filter(([name]) => name === "train"),
    ["sgdUpdate", (a) => update(a)],
  ];
  test.each(withRate)("%s rejects a negative or non-finite learning rate", (_name, run) => {
    for (const v of [-0.1, -1e-300, Number.NaN, Number.POSITIVE_INFINITY]) {
      const args = validArgs();
      args.learningRate = v;
      expectRangeError(() => run(args), "learningRate", String(v));
    }
  });

  test("sgdUpdate rejects a bad kernelGrad, biasGrad or bias", () => {
    const args = validArgs();
    expectRangeError(() => update(args, createGrid(2, 3)), "kernelGrad", "3x3", "2x3");
    expectRangeError(
      () => update(args, withNonFinite(args.kernel, 3, Number.NaN)),
      "kernelGrad.data[3]",
      "NaN",
    );
    expectRangeError(() => update(args, args.kernel, Number.NaN), "biasGrad", "NaN");
    args.bias = Number.POSITIVE_INFINITY;
    expectRangeError(() => update(args), "bias", "Infinity");
  });

  test("train rejects a step count that is negative or not a whole number", () => {
    const a = validArgs();
    for (const steps of [-1, 1.5, Number.NaN]) {
      expectRangeError(
        () =>
          train(
            { input: a.input, target: a.target, reduction: "sum" },
            { kernel: a.kernel, bias: a.bias },
            0.1,
            steps,
          ),
        "steps",
        String(steps),
      );
    }
  });

  test("sumsAt rejects a position outside 0 … outH·outW", () => {
    const a = validArgs();
    const sweep = computeSweep(a.input, a.kernel, a.bias, a.target, {}, "sum");
    const sums = emptySums(sweep);
    for (const position of [-1, 10, 2.5, Number.NaN]) {
      expectRangeError(() => sumsAt(sweep, sums, position), "position", String(position), "9");
    }
    expect(sumsAt(sweep, sums, 9).position).toBe(9);
  });
});

describe("nothing is clamped silently", () => {
  test("the largest accepted options work exactly as the formula says", () => {
    // stride 4, padding 3, dilation 3 and a 7x7 kernel (span 19) over a 13x23 input.
    const rand = mulberry32(77);
    const input = randomGrid(rand, 13, 23);
    const kernel = randomGrid(rand, 7, 7);
    const out = conv2d(input, kernel, 0, { stride: 4, padding: 3, dilation: 3 });
    expect([out.height, out.width]).toEqual([1, 3]); // floor((19-19)/4)+1, floor((29-19)/4)+1
    // out[0][1] by the contract's formula, padding cells being zero.
    let expected = 0;
    for (let a = 0; a < 7; a++) {
      for (let b = 0; b < 7; b++) {
        const r = a * 3 - 3;
        const c = 4 + b * 3 - 3;
        if (r >= 0 && r < 13 && c >= 0 && c < 23) {
          expected += (kernel.data[a * 7 + b] as number) * (input.data[r * 23 + c] as number);
        }
      }
    }
    expect(out.data[1]).toBeCloseTo(expected, 12);
  });

  test("one past each limit throws rather than acting as the limit", () => {
    const rand = mulberry32(78);
    const input = randomGrid(rand, 30, 30);
    const kernel = randomGrid(rand, 3, 3);
    expectRangeError(() => conv2d(input, kernel, 0, { stride: 5 }), "stride", "5");
    expectRangeError(() => conv2d(input, kernel, 0, { padding: 4 }), "padding", "4");
    expectRangeError(() => conv2d(input, kernel, 0, { dilation: 4 }), "dilation", "4");
    expectRangeError(() => conv2d(input, randomGrid(rand, 8, 8), 0), "kernel.height", "8");
    // A kernel exactly as large as the padded input is fine; one cell more is not.
    expect(conv2d(createGrid(3, 3), createGrid(5, 5), 0, { padding: 1 }).data.length).toBe(1);
    expectRangeError(() => conv2d(createGrid(2, 3), createGrid(5, 5), 0, { padding: 1 }), "kernel");
  });

  test("values outside [0, 1] and huge or tiny numbers pass through untouched", () => {
    const input = gridFromRows([[-1e300, 5, 1e-310]]);
    const one = gridFromRows([[1]]);
    expect(Array.from(conv2d(input, one, 0).data)).toEqual([-1e300, 5, 1e-310]);
    const updated = sgdUpdate({ kernel: one, bias: 0 }, gridFromRows([[3]]), -2, 1e6);
    expect(updated.kernel.data[0]).toBe(1 - 1e6 * 3);
    expect(updated.bias).toBe(2e6);
    // A learning rate of zero is allowed and changes nothing.
    const still = sgdUpdate({ kernel: one, bias: 0.5 }, gridFromRows([[3]]), 7, 0);
    expect([still.kernel.data[0], still.bias]).toEqual([1, 0.5]);
  });
});
