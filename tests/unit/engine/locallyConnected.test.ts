/**
 * The locally connected ("untied") layer: every output position has a filter and a bias of its
 * own. Checked against a direct per-position computation, against finite differences of the
 * loss, against conv2d / positionContributions when every position holds the same filter, and
 * for its defining property: each filter's gradient is its own position's contribution alone.
 */
import { describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  type Grid,
  type LocalParams,
  localFilter,
  locallyConnected,
  locallyConnectedBackward,
  outputShape,
  positionContributions,
  type Reduction,
  resolveOptions,
  sgdUpdate,
  shiftGrid,
  squaredErrorGrad,
  squaredErrorLoss,
  trainLocallyConnected,
  untie,
} from "../../../src/engine";
import { expectClose, expectSameBits, expectSameNumber } from "./compare";
import {
  type ConvCase,
  describeCase,
  mulberry32,
  type Rand,
  randomCase,
  randomGrid,
  randomInt,
} from "./random";

/** A random locally connected layer for a case: every position a different random filter. */
function randomParams(rand: Rand, c: ConvCase): LocalParams {
  const out = outputShape(c.input, c.kernel, resolveOptions(c.options));
  return {
    weights: randomGrid(rand, out.height * c.kernel.height, out.width * c.kernel.width),
    biases: randomGrid(rand, out.height, out.width),
  };
}

/** The input value at (r, c), 0 outside (the zero padding). */
function at(input: Grid, r: number, c: number): number {
  return r < 0 || r >= input.height || c < 0 || c >= input.width
    ? 0
    : (input.data[r * input.width + c] as number);
}

/** out[i][j] = b_ij + Σ W_ij[a][b] · x[i·s − p + a·d][j·s − p + b·d], written out directly. */
function directForward(c: ConvCase, params: LocalParams): Grid {
  const { stride, padding, dilation } = c.options;
  const out = createGrid(params.biases.height, params.biases.width);
  const kH = c.kernel.height;
  const kW = c.kernel.width;
  for (let i = 0; i < out.height; i++) {
    for (let j = 0; j < out.width; j++) {
      const filter = localFilter(params, i, j);
      let s = 0;
      for (let a = 0; a < kH; a++) {
        for (let b = 0; b < kW; b++) {
          const x = at(
            c.input,
            i * stride - padding + a * dilation,
            j * stride - padding + b * dilation,
          );
          s += (filter.data[a * kW + b] as number) * x;
        }
      }
      out.data[i * out.width + j] = (params.biases.data[i * out.width + j] as number) + s;
    }
  }
  return out;
}

const CASES: ConvCase[] = (() => {
  const rand = mulberry32(2024);
  return Array.from({ length: 24 }, () => randomCase(rand, { maxInput: 12 }));
})();

describe("forward", () => {
  test.each(CASES.map((c) => [describeCase(c), c] as const))(
    "%s: every position uses its own filter and bias",
    (_, c) => {
      const params = randomParams(mulberry32(7), c);
      const out = locallyConnected(c.input, params, c.options);
      expectClose(out.data, directForward(c, params).data, 1e-13, "output");
    },
  );

  test.each(CASES.map((c) => [describeCase(c), c] as const))(
    "%s: with every position holding the same filter it is conv2d, to the bit",
    (_, c) => {
      const out = outputShape(c.input, c.kernel, resolveOptions(c.options));
      const tied = untie(c.kernel, c.bias, out);
      expectSameBits(
        locallyConnected(c.input, tied, c.options).data,
        conv2d(c.input, c.kernel, c.bias, c.options).data,
        "output",
      );
    },
  );

  test("untie tiles the filter: position (i, j)'s filter is the block at (i·kH, j·kW)", () => {
    const kernel = createGrid(2, 3, Float64Array.from([1, 2, 3, 4, 5, 6]));
    const params = untie(kernel, 0.5, { height: 2, width: 4 });
    expect(params.weights.height).toBe(4);
    expect(params.weights.width).toBe(12);
    expect(Array.from(params.weights.data.subarray(0, 12))).toEqual([
      1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3,
    ]);
    expect(Array.from(params.biases.data)).toEqual(new Array(8).fill(0.5));
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 4; j++) {
        expect(Array.from(localFilter(params, i, j).data)).toEqual([1, 2, 3, 4, 5, 6]);
      }
    }
  });
});

describe("backward", () => {
  test.each(CASES.map((c) => [describeCase(c), c] as const))(
    "%s: each filter's gradient is exactly its own position's contribution",
    (_, c) => {
      const shape = outputShape(c.input, c.kernel, resolveOptions(c.options));
      const tied = untie(c.kernel, c.bias, shape);
      const out = conv2d(c.input, c.kernel, c.bias, c.options);
      const outputGrad = squaredErrorGrad(out, c.target, "sum");
      const grads = locallyConnectedBackward(c.input, tied, outputGrad, c.options);
      const asTiles: LocalParams = { weights: grads.weightsGrad, biases: grads.biasesGrad };
      let p = 0;
      for (const entry of positionContributions(c.input, c.kernel, outputGrad, c.options)) {
        const tile = localFilter(asTiles, entry.row, entry.col);
        expectSameBits(tile.data, entry.kernelGrad.data, `position ${p}'s filter gradient`);
        expectSameNumber(grads.biasesGrad.data[p] as number, entry.biasGrad, `bias ${p}`);
        p++;
      }
      expect(p).toBe(shape.height * shape.width);
      // Summed over positions, the untied gradients are the shared filter's.
      const shared = conv2dBackward(c.input, c.kernel, outputGrad, c.options);
      const summed = new Float64Array(c.kernel.data.length);
      for (let i = 0; i < shape.height; i++) {
        for (let j = 0; j < shape.width; j++) {
          localFilter(asTiles, i, j).data.forEach((v, t) => {
            summed[t] = (summed[t] as number) + v;
          });
        }
      }
      expectSameBits(summed, shared.kernelGrad.data, "Σ of the filter gradients");
      expectClose(grads.inputGrad.data, shared.inputGrad.data, 1e-12, "inputGrad");
    },
  );

  test("a change of delta at one position changes that position's filter gradient only", () => {
    const c = CASES[3] as ConvCase;
    const params = randomParams(mulberry32(11), c);
    const grad = randomGrid(mulberry32(12), params.biases.height, params.biases.width);
    const before = locallyConnectedBackward(c.input, params, grad, c.options);
    const q = Math.floor(grad.data.length / 2);
    grad.data[q] = (grad.data[q] as number) + 1;
    const after = locallyConnectedBackward(c.input, params, grad, c.options);
    const kH = c.kernel.height;
    const kW = c.kernel.width;
    const qi = Math.floor(q / params.biases.width);
    const qj = q % params.biases.width;
    for (let r = 0; r < params.weights.height; r++) {
      for (let col = 0; col < params.weights.width; col++) {
        const cell = r * params.weights.width + col;
        const mine = Math.floor(r / kH) === qi && Math.floor(col / kW) === qj;
        if (!mine) {
          expectSameNumber(
            after.weightsGrad.data[cell] as number,
            before.weightsGrad.data[cell] as number,
            `weightsGrad cell (${r}, ${col}) of another position`,
          );
        }
      }
    }
  });

  test.each(
    (["sum", "mean"] as const).flatMap((reduction) =>
      CASES.slice(0, 10).map((c) => [`${reduction}, ${describeCase(c)}`, c, reduction] as const),
    ),
  )("%s: gradients agree with central differences of the loss", (_, c, reduction) => {
    const rand = mulberry32(31);
    const params = randomParams(rand, c);
    const lossOf = () =>
      squaredErrorLoss(locallyConnected(c.input, params, c.options), c.target, reduction);
    const out = locallyConnected(c.input, params, c.options);
    const grads = locallyConnectedBackward(
      c.input,
      params,
      squaredErrorGrad(out, c.target, reduction),
      c.options,
    );
    // The loss is quadratic in each parameter: a central difference has no truncation error.
    const h = 1e-3;
    const difference = (grid: Grid, cell: number) => {
      const saved = grid.data[cell] as number;
      grid.data[cell] = saved + h;
      const up = lossOf();
      grid.data[cell] = saved - h;
      const down = lossOf();
      grid.data[cell] = saved;
      return (up - down) / (2 * h);
    };
    const sample = (grid: Grid, count: number) =>
      Array.from({ length: count }, () => randomInt(rand, 0, grid.data.length - 1));
    for (const [grid, grad, name] of [
      [params.weights, grads.weightsGrad, "weights"],
      [params.biases, grads.biasesGrad, "biases"],
      [c.input, grads.inputGrad, "input"],
    ] as const) {
      const cells = sample(grid, 12);
      expectClose(
        cells.map((cell) => difference(grid, cell)),
        cells.map((cell) => grad.data[cell] as number),
        1e-7,
        `${name} at cells ${cells.join(", ")}`,
      );
    }
  });
});

describe("training", () => {
  const reductions: Reduction[] = ["sum", "mean"];

  test.each(
    reductions.flatMap((reduction) =>
      CASES.slice(0, 8).map((c) => [`${reduction}, ${describeCase(c)}`, c, reduction] as const),
    ),
  )(
    "%s: each step is forward, loss gradient, backward and the update, to the bit",
    (_, c, reduction) => {
      const start = randomParams(mulberry32(41), c);
      const lr = reduction === "sum" ? 0.02 : 0.5;
      const result = trainLocallyConnected(
        { input: c.input, target: c.target, options: c.options, reduction },
        start,
        lr,
        4,
      );
      let params = start;
      for (let s = 0; s < 4; s++) {
        const out = locallyConnected(c.input, params, c.options);
        expectSameNumber(
          result.losses[s] as number,
          squaredErrorLoss(out, c.target, reduction),
          `loss ${s}`,
        );
        const g = locallyConnectedBackward(
          c.input,
          params,
          squaredErrorGrad(out, c.target, reduction),
          c.options,
        );
        const weights = sgdUpdate({ kernel: params.weights, bias: 0 }, g.weightsGrad, 0, lr).kernel;
        const biases = sgdUpdate({ kernel: params.biases, bias: 0 }, g.biasesGrad, 0, lr).kernel;
        params = { weights, biases };
      }
      // Taps over the padding have a zero gradient: equal in value (a −0 may differ in sign).
      expectClose(result.params.weights.data, params.weights.data, 0, "weights after 4 steps");
      expectSameBits(result.params.biases.data, params.biases.data, "biases after 4 steps");
      expect(result.diverged).toBe(false);
    },
  );

  test("started untied from one filter with learning rate N·η, the average filter takes the shared step", () => {
    for (const reduction of reductions) {
      const c = CASES[5] as ConvCase;
      const shape = outputShape(c.input, c.kernel, resolveOptions(c.options));
      const n = shape.height * shape.width;
      const eta = 0.01;
      const untied = trainLocallyConnected(
        { input: c.input, target: c.target, options: c.options, reduction },
        untie(c.kernel, c.bias, shape),
        eta * n,
        1,
      );
      const out = conv2d(c.input, c.kernel, c.bias, c.options);
      const g = conv2dBackward(
        c.input,
        c.kernel,
        squaredErrorGrad(out, c.target, reduction),
        c.options,
      );
      const shared = sgdUpdate({ kernel: c.kernel, bias: c.bias }, g.kernelGrad, g.biasGrad, eta);
      const mean = new Float64Array(c.kernel.data.length);
      for (let i = 0; i < shape.height; i++) {
        for (let j = 0; j < shape.width; j++) {
          localFilter(untied.params, i, j).data.forEach((v, t) => {
            mean[t] = (mean[t] as number) + v / n;
          });
        }
      }
      expectClose(mean, shared.kernel.data, 1e-11, `${reduction}: mean filter`);
      const meanBias = untied.params.biases.data.reduce((s, b) => s + b, 0) / n;
      expectClose([meanBias], [shared.bias], 1e-11, `${reduction}: mean bias`);
    }
  });

  test("it memorises its training image but does not generalise to a shifted copy", () => {
    const rand = mulberry32(5);
    const input = randomGrid(rand, 16, 16, 0, 1);
    const targetFilter = randomGrid(rand, 3, 3);
    const target = conv2d(input, targetFilter, 0);
    const start = randomGrid(rand, 3, 3, -0.5, 0.5);
    const shape = outputShape(input, start, resolveOptions({}));
    const n = shape.height * shape.width;
    const result = trainLocallyConnected(
      { input, target, reduction: "sum" },
      untie(start, 0, shape),
      0.1,
      300,
    );
    expect(result.losses[0]).toBeGreaterThan(1);
    expect(result.losses[299]).toBeLessThan(1e-12);
    const shifted = shiftGrid(input, 2, 3);
    const shiftedTarget = conv2d(shifted, targetFilter, 0);
    const onShifted = squaredErrorLoss(
      locallyConnected(shifted, result.params),
      shiftedTarget,
      "sum",
    );
    expect(onShifted).toBeGreaterThan(1);
    expect(n).toBe(196);
  });

  test("a diverging run stops and keeps the last finite parameters", () => {
    const c = CASES[0] as ConvCase;
    const start = randomParams(mulberry32(3), c);
    const problem = {
      input: c.input,
      target: c.target,
      options: c.options,
      reduction: "sum" as const,
    };
    const result = trainLocallyConnected(problem, start, 1e150, 50);
    expect(result.diverged).toBe(true);
    const steps = result.losses.length;
    expect(steps).toBeLessThan(50);
    const replay = trainLocallyConnected(problem, start, 1e150, steps);
    expect(replay.diverged).toBe(false);
    expectSameBits(result.params.weights.data, replay.params.weights.data, "weights");
    expectSameBits(result.params.biases.data, replay.params.biases.data, "biases");
  });

  test("zero steps return copies of the starting parameters; the arguments are not changed", () => {
    const c = CASES[1] as ConvCase;
    const start = randomParams(mulberry32(4), c);
    const before = start.weights.data.slice();
    const problem = {
      input: c.input,
      target: c.target,
      options: c.options,
      reduction: "mean" as const,
    };
    const zero = trainLocallyConnected(problem, start, 0.1, 0);
    expect(zero.losses).toHaveLength(0);
    expectSameBits(zero.params.weights.data, start.weights.data, "weights");
    expect(zero.params.weights.data).not.toBe(start.weights.data);
    trainLocallyConnected(problem, start, 0.1, 5);
    expectSameBits(start.weights.data, before, "the caller's weights");
  });
});

describe("shiftGrid", () => {
  const grid = createGrid(3, 4, Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));

  test("moves down and right, filling with zeros", () => {
    expect(Array.from(shiftGrid(grid, 1, 2).data)).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 5, 6]);
  });

  test("negative moves go up and left; a move past the edge leaves zeros", () => {
    expect(Array.from(shiftGrid(grid, -1, -1).data)).toEqual([
      6, 7, 8, 0, 10, 11, 12, 0, 0, 0, 0, 0,
    ]);
    expect(Array.from(shiftGrid(grid, 3, 0).data)).toEqual(new Array(12).fill(0));
    expect(Array.from(shiftGrid(grid, 0, 0).data)).toEqual(Array.from(grid.data));
  });
});

describe("bad arguments throw a RangeError naming the argument and the value", () => {
  const c = CASES[2] as ConvCase;
  const shape = outputShape(c.input, c.kernel, resolveOptions(c.options));
  const good = untie(c.kernel, c.bias, shape);
  const problem = {
    input: c.input,
    target: c.target,
    options: c.options,
    reduction: "sum" as const,
  };
  const nanWeights = { ...good, weights: { ...good.weights, data: good.weights.data.slice() } };
  nanWeights.weights.data[7] = Number.NaN;

  test.each([
    [
      "a NaN weight",
      () => locallyConnected(c.input, nanWeights, c.options),
      "weights.data[7] must be a finite number; got NaN",
    ],
    [
      "weights whose height is not a multiple of the biases'",
      () =>
        locallyConnected(
          c.input,
          {
            weights: createGrid(shape.height * 3 + 1, shape.width * c.kernel.width),
            biases: good.biases,
          },
          c.options,
        ),
      `weights.height must be biases.height (${shape.height}) times a filter height from 1 to 7; got ${shape.height * 3 + 1}`,
    ],
    [
      "filters larger than 7x7",
      () =>
        locallyConnected(createGrid(20, 20), {
          weights: createGrid(16, 16),
          biases: createGrid(2, 2),
        }),
      "weights.height must be biases.height (2) times a filter height from 1 to 7; got 16",
    ],
    [
      "biases of the wrong shape",
      () =>
        locallyConnected(createGrid(6, 6), { weights: createGrid(9, 9), biases: createGrid(3, 3) }),
      "biases must be 4x4 (the output shape of 3x3 filters); got 3x3",
    ],
    [
      "missing params",
      () => locallyConnected(c.input, null as unknown as LocalParams),
      "params must be an object {weights, biases}; got null",
    ],
    [
      "a bad stride",
      () => locallyConnected(c.input, good, { stride: 9 }),
      "stride must be an integer from 1 to 4; got 9",
    ],
    [
      "an outputGrad of the wrong shape",
      () => locallyConnectedBackward(c.input, good, createGrid(1, 1), c.options),
      `outputGrad must be ${shape.height}x${shape.width} (the output shape); got 1x1`,
    ],
    [
      "a target of the wrong shape",
      () => trainLocallyConnected({ ...problem, target: createGrid(1, 2) }, good, 0.1, 1),
      `target must be ${shape.height}x${shape.width} (the output shape); got 1x2`,
    ],
    [
      "a negative learning rate",
      () => trainLocallyConnected(problem, good, -1, 1),
      "learningRate must be ≥ 0; got -1",
    ],
    [
      "fractional steps",
      () => trainLocallyConnected(problem, good, 0.1, 1.5),
      "steps must be a whole number ≥ 0; got 1.5",
    ],
    [
      "an unknown reduction",
      () => trainLocallyConnected({ ...problem, reduction: "max" as "sum" }, good, 0.1, 1),
      'reduction must be "sum" or "mean"; got "max"',
    ],
    [
      "untie with a NaN bias",
      () => untie(c.kernel, Number.NaN, shape),
      "bias must be a finite number; got NaN",
    ],
    [
      "untie with a zero-height output",
      () => untie(c.kernel, 0, { height: 0, width: 3 }),
      "out.height must be a whole number ≥ 1; got 0",
    ],
    [
      "localFilter outside the output",
      () => localFilter(good, shape.height, 0),
      `row must be an integer from 0 to ${shape.height - 1}; got ${shape.height}`,
    ],
    ["a fractional shift", () => shiftGrid(c.input, 0.5, 0), "down must be an integer; got 0.5"],
  ] as const)("%s", (_, call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
