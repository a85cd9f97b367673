// A δ given directly (Paint δ): the engine's sweep and gradient check use it as ∂L/∂out with
// the loss Σ δ·out, and the worker carries it.
import { describe, expect, test } from "vitest";
import {
  computeSweep,
  conv2d,
  conv2dBackward,
  createGrid,
  emptySums,
  type Grid,
  gradientCheck,
  positionContributions,
  RECORD_DELTA,
  RECORD_KERNEL_GRAD,
  sumsAt,
} from "../../../src/engine/index";
import { EngineHandler } from "../../../src/worker/host/handler";
import type { EngineReply } from "../../../src/worker/protocol";

function grid(height: number, width: number, at: (i: number) => number): Grid {
  return createGrid(
    height,
    width,
    Float64Array.from({ length: height * width }, (_, i) => at(i)),
  );
}

const image = grid(7, 6, (i) => ((i * 37) % 11) / 10);
const kernel = grid(3, 3, (i) => (i - 4) / 7);
const target = createGrid(5, 4);

describe("a sweep from a given δ", () => {
  test.each([
    ["3x3, stride 1 (the fused case)", {}],
    ["stride 2, padding 1, dilation 1", { stride: 2, padding: 1 }],
  ])("%s: records are positionContributions of that δ, loss Σ δ·out", (_, options) => {
    const out = conv2d(image, kernel, 0.25, options);
    const delta = grid(out.height, out.width, (i) => ((i % 5) - 2) / 3);
    const t = createGrid(out.height, out.width);
    const sweep = computeSweep(image, kernel, 0.25, t, options, "mean", delta);
    let p = 0;
    for (const c of positionContributions(image, kernel, delta, options)) {
      const base = p * sweep.recordLength;
      expect(sweep.records[base + RECORD_DELTA]).toBe(c.delta);
      c.kernelGrad.data.forEach((v, tap) => {
        expect(sweep.records[base + RECORD_KERNEL_GRAD + tap]).toBe(v);
      });
      p++;
    }
    const dot = out.data.reduce((s, y, i) => s + y * (delta.data[i] as number), 0);
    expect(sweep.loss).toBeCloseTo(dot, 12);
    const sums = sumsAt(sweep, emptySums(sweep), p);
    const back = conv2dBackward(image, kernel, delta, options);
    sums.kernelGrad.data.forEach((v, i) => {
      expect(v).toBeCloseTo(back.kernelGrad.data[i] as number, 12);
    });
  });

  test("one hot cell: exactly one position contributes, its terms δ·patch", () => {
    const delta = createGrid(5, 4);
    delta.data[2 * 4 + 1] = 2;
    const sweep = computeSweep(image, kernel, 0, target, {}, "sum", delta);
    const contributing: number[] = [];
    for (let p = 0; p < 20; p++) {
      const terms = sweep.records.subarray(
        p * sweep.recordLength + 1,
        (p + 1) * sweep.recordLength,
      );
      if (terms.some((v) => v !== 0)) contributing.push(p);
    }
    expect(contributing).toEqual([9]);
    const sums = sumsAt(sweep, emptySums(sweep), 20);
    // Position (2, 1) sees image rows 2..4, cols 1..3.
    expect(sums.kernelGrad.data[0]).toBe(2 * (image.data[2 * 6 + 1] as number));
    expect(sums.biasGrad).toBe(2);
  });

  test("a zero δ: every term is 0 and so is the loss", () => {
    const sweep = computeSweep(image, kernel, 0.5, target, {}, "sum", createGrid(5, 4));
    expect(sweep.loss).toBe(0);
    expect(sumsAt(sweep, emptySums(sweep), 20).kernelGrad.data.every((v) => v === 0)).toBe(true);
  });

  test("a δ of the wrong shape or with NaN is refused with a RangeError naming it", () => {
    expect(() => computeSweep(image, kernel, 0, target, {}, "sum", createGrid(4, 5))).toThrow(
      /outputGrad must be 5x4/,
    );
    const bad = createGrid(5, 4);
    bad.data[3] = Number.NaN;
    expect(() => computeSweep(image, kernel, 0, target, {}, "sum", bad)).toThrow(
      /outputGrad\.data\[3\] must be a finite number/,
    );
  });

  test("the gradient check from a given δ agrees with the sum (the loss is linear)", () => {
    const delta = grid(5, 4, (i) => Math.sin(i));
    const check = gradientCheck(
      { input: image, target, reduction: "sum" },
      { kernel, bias: 0.1 },
      1e-3,
      "central",
      delta,
    );
    expect(check.maxRelativeError).toBeLessThan(1e-8);
    expect(check.biasGrad).toBeCloseTo(
      delta.data.reduce((s, v) => s + v, 0),
      12,
    );
  });
});

describe("the worker carries a given δ", () => {
  test("a sweep request with problem.outputGrad sweeps from it", async () => {
    const replies: EngineReply[] = [];
    const handler = new EngineHandler((m) => replies.push(m));
    const delta = createGrid(5, 4);
    delta.data[0] = -1;
    await handler.handle({
      type: "sweep",
      runId: 1,
      problem: { image, target, options: {}, reduction: "sum", outputGrad: delta },
      params: { kernel, bias: 0 },
    });
    const reply = replies[0];
    if (reply?.type !== "sweep") throw new Error(`expected a sweep, got ${reply?.type}`);
    expect(reply.sweep.records[RECORD_DELTA]).toBe(-1);
    expect(reply.sweep.records[reply.sweep.recordLength + RECORD_DELTA]).toBe(0);
  });

  test("a gradient check request with problem.outputGrad checks Σ δ·out", async () => {
    const replies: EngineReply[] = [];
    const handler = new EngineHandler((m) => replies.push(m));
    const delta = createGrid(5, 4, new Float64Array(20).fill(1));
    await handler.handle({
      type: "gradientCheck",
      runId: 2,
      problem: { image, target, options: {}, reduction: "sum", outputGrad: delta },
      params: { kernel, bias: 0 },
      epsilon: 1e-3,
      scheme: "central",
    });
    const reply = replies[0];
    if (reply?.type !== "gradientCheck") throw new Error(`expected a check, got ${reply?.type}`);
    expect(reply.check.biasGrad).toBe(20);
    expect(reply.check.maxRelativeError).toBeLessThan(1e-8);
  });
});
