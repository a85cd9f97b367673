/**
 * conv2d, conv2dBackward and squaredErrorGrad scan their large grids' values only when their
 * result is not finite (validate.ts, checkWithoutScans). That must not change what they
 * report: on random arguments with NaN and ±Infinity placed anywhere, bad shapes, bad options
 * and finite values large enough to overflow, each throws exactly the error the full checks
 * in the documented order throw, and returns whenever those checks pass.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  type Grid,
  type Reduction,
  squaredErrorGrad,
} from "../../../src/engine";
import { checkReduction } from "../../../src/engine/loss";
import {
  type ConvOptions,
  checkConvArguments,
  checkFinite,
  checkGrid,
  checkShape,
  outputShape,
  resolveOptions,
} from "../../../src/engine/validate";

/** The error `run` throws (its message), or "returned". */
function outcome(run: () => unknown): string {
  try {
    run();
    return "returned";
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    return (error as Error).message;
  }
}

const special = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

/** A grid of the shape, its values small, or large enough that sums overflow; some cells replaced by NaN or ±Infinity. */
function gridArb(height: number, width: number): fc.Arbitrary<Grid> {
  const n = height * width;
  return fc
    .record({
      scale: fc.constantFrom(0, 1, 1e307, 1.7e308),
      values: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), {
        minLength: n,
        maxLength: n,
      }),
      bad: fc.array(fc.tuple(fc.nat(n - 1), special), { maxLength: 2 }),
      badOften: fc.boolean(),
    })
    .map(({ scale, values, bad, badOften }) => {
      const grid = createGrid(
        height,
        width,
        Float64Array.from(values, (v) => v * scale),
      );
      if (badOften) for (const [cell, v] of bad) grid.data[cell] = v;
      return grid;
    });
}

interface Case {
  input: Grid;
  kernel: Grid;
  bias: number;
  options: ConvOptions;
  /** outputGrad for conv2dBackward, out for squaredErrorGrad. */
  outputGrad: Grid;
  target: Grid;
  reduction: Reduction;
}

const optionsArb: fc.Arbitrary<ConvOptions> = fc.oneof(
  fc.constant({}),
  fc.constant({ stride: 1, padding: 0, dilation: 1 }),
  fc.record({
    stride: fc.integer({ min: 1, max: 5 }),
    padding: fc.integer({ min: 0, max: 3 }),
    dilation: fc.integer({ min: 1, max: 3 }),
  }),
);

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    inH: fc.integer({ min: 1, max: 9 }),
    inW: fc.integer({ min: 1, max: 9 }),
    kSide: fc.oneof(fc.constant(3), fc.integer({ min: 1, max: 4 })),
    options: optionsArb,
    wrongShape: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 2 })),
  })
  .chain(({ inH, inW, kSide, options, wrongShape }) => {
    let out = { height: 2, width: 2 };
    try {
      out = outputShape(
        { height: inH, width: inW },
        { height: kSide, width: kSide },
        resolveOptions(options),
      );
    } catch {
      // The options or the kernel are bad: conv2d throws before it looks at the output shape.
    }
    const gradH = out.height + (wrongShape === 1 ? 1 : 0);
    const targetW = out.width + (wrongShape === 2 ? 1 : 0);
    return fc.record({
      input: gridArb(inH, inW),
      kernel: fc.oneof(gridArb(kSide, kSide), fc.constant(createGrid(kSide, kSide))),
      bias: fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), special),
      options: fc.constant(options),
      outputGrad: gridArb(gradH, out.width),
      target: gridArb(out.height, targetW),
      reduction: fc.constantFrom<Reduction>("sum", "mean"),
    });
  });

/** Every check of each function, values scanned, in the order docs/engine.md gives. */
const fullChecks = {
  conv2d: (c: Case) => {
    checkConvArguments(c.input, c.kernel, c.options);
    checkFinite("bias", c.bias);
  },
  conv2dBackward: (c: Case) => {
    const { out } = checkConvArguments(c.input, c.kernel, c.options);
    checkShape("outputGrad", c.outputGrad, out, "the output shape");
  },
  squaredErrorGrad: (c: Case) => {
    checkGrid("out", c.outputGrad);
    checkShape("target", c.target, c.outputGrad, "the output shape");
    checkReduction(c.reduction);
  },
};

const calls = {
  conv2d: (c: Case) => conv2d(c.input, c.kernel, c.bias, c.options),
  conv2dBackward: (c: Case) => conv2dBackward(c.input, c.kernel, c.outputGrad, c.options),
  squaredErrorGrad: (c: Case) => squaredErrorGrad(c.outputGrad, c.target, c.reduction),
};

describe("value scans left for when a result is not finite", () => {
  test.each(Object.keys(calls) as (keyof typeof calls)[])(
    "%s throws what the full checks throw, and returns when they pass",
    (name) => {
      fc.assert(
        fc.property(caseArb, (c) => {
          expect(outcome(() => calls[name](c))).toBe(outcome(() => fullChecks[name](c)));
        }),
        { seed: 24, numRuns: 3000 },
      );
    },
  );

  test("a NaN or Infinity in any one input cell is found behind a zero kernel", () => {
    // 0 · Infinity is NaN: the sums still carry it. Every cell, corners included.
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (let cell = 0; cell < 25; cell++) {
        const input = createGrid(5, 5);
        input.data[cell] = v;
        const kernel = createGrid(3, 3);
        const fragment = `input.data[${cell}] must be a finite number; got ${v}`;
        expect(outcome(() => conv2d(input, kernel, 0))).toBe(fragment);
        expect(outcome(() => conv2dBackward(input, kernel, createGrid(3, 3)))).toBe(fragment);
      }
    }
  });

  test("finite values whose sums overflow are accepted, the overflow shown", () => {
    const input = createGrid(4, 4, new Float64Array(16).fill(1.7e308));
    const kernel = createGrid(3, 3, new Float64Array(9).fill(1));
    const out = conv2d(input, kernel, 0);
    expect(out.data[0]).toBe(Number.POSITIVE_INFINITY);
    const grads = conv2dBackward(input, kernel, createGrid(2, 2, new Float64Array(4).fill(1)));
    expect(grads.kernelGrad.data[0]).toBe(Number.POSITIVE_INFINITY);
    const big = createGrid(1, 2, Float64Array.from([1.7e308, -1.7e308]));
    const grad = squaredErrorGrad(
      big,
      createGrid(1, 2, Float64Array.from([-1.7e308, 1.7e308])),
      "sum",
    );
    expect(Array.from(grad.data)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });
});
