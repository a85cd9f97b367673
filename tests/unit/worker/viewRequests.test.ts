// The handler's requests for the views: untied training, gradient checks, both reductions, and
// training lanes that supersede only within themselves.
import { describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  gradientCheck,
  outputShape,
  resolveOptions,
  sgdUpdate,
  squaredErrorGrad,
  squaredErrorLoss,
  train,
  trainLocallyConnected,
  untie,
} from "../../../src/engine";
import type { EngineHandler } from "../../../src/worker/host/handler";
import type {
  DoneReply,
  GradientCheckReply,
  ProgressReply,
  ReductionsReply,
  TrainUntiedRequestMessage,
  UntiedDoneReply,
  UntiedProgressReply,
} from "../../../src/worker/protocol";
import {
  type Case,
  concat,
  firstBitDifference,
  makeCase,
  of,
  recorder,
  trainMessage,
} from "./fixtures";

function untiedStart(c: Case) {
  return untie(c.kernel, c.bias, outputShape(c.image, c.kernel, resolveOptions(c.options)));
}

function untiedMessage(
  c: Case,
  runId: number,
  fields: Partial<Omit<TrainUntiedRequestMessage, "type" | "runId">> = {},
): TrainUntiedRequestMessage {
  return {
    type: "trainUntied",
    runId,
    problem: { image: c.image, target: c.target, options: c.options, reduction: "sum" },
    params: untiedStart(c),
    learningRate: 0.2,
    steps: 45,
    reportEvery: 10,
    ...fields,
  };
}

function reductionsMessage(c: Case, runId: number, learningRate: number) {
  return {
    type: "reductions" as const,
    runId,
    problem: { image: c.image, target: c.target, options: c.options },
    params: { kernel: c.kernel, bias: c.bias },
    learningRate,
  };
}

function engineUntied(c: Case, learningRate: number, steps: number) {
  return trainLocallyConnected(
    { input: c.image, target: c.target, options: c.options, reduction: "sum" },
    untiedStart(c),
    learningRate,
    steps,
  );
}

describe("trainUntied requests", () => {
  test.each([
    ["3x3, stride 1, default chunks", makeCase(101), {}],
    ["3x3, stride 1, one step per chunk", makeCase(102), { chunkWork: 1 }],
    [
      "padding 1, stride 2",
      makeCase(103, { options: { padding: 1, stride: 2 } }),
      { chunkWork: 500 },
    ],
  ] as const)(
    "%s: progress every reportEvery steps; losses and parameters are trainLocallyConnected's, bit for bit",
    async (_, c, options) => {
      const { handler, replies } = recorder(options);
      await handler.handle(untiedMessage(c, 4));
      const progress = of(replies, "untiedProgress");
      const done = of(replies, "untiedDone");
      expect(progress.map((p) => p.step)).toEqual([10, 20, 30, 40]);
      expect(done).toHaveLength(1);
      expect(replies.at(-1)).toBe(done[0]);
      const final = done[0] as UntiedDoneReply;
      expect(final).toMatchObject({ runId: 4, steps: 45, diverged: false, cancelled: false });
      const expected = engineUntied(c, 0.2, 45);
      const streamed = concat([...progress.map((p) => p.losses), final.losses]);
      expect(firstBitDifference(streamed, expected.losses)).toBe(-1);
      expect(firstBitDifference(final.weights.data, expected.params.weights.data)).toBe(-1);
      expect(firstBitDifference(final.biases.data, expected.params.biases.data)).toBe(-1);
      const atTwenty = engineUntied(c, 0.2, 20);
      const second = progress[1] as UntiedProgressReply;
      expect(firstBitDifference(second.weights.data, atTwenty.params.weights.data)).toBe(-1);
      expect(Object.is(second.loss, second.losses[9])).toBe(true);
    },
  );

  test("weights, biases and losses are transferred, each in a buffer of its own", async () => {
    const { handler, replies, transfers } = recorder();
    await handler.handle(untiedMessage(makeCase(104), 1, { steps: 25 }));
    const buffers = transfers.flat();
    expect(new Set(buffers).size).toBe(buffers.length);
    replies.forEach((reply, i) => {
      if (reply.type === "untiedProgress" || reply.type === "untiedDone") {
        expect(transfers[i]).toEqual([
          reply.weights.data.buffer,
          reply.biases.data.buffer,
          reply.losses.buffer,
        ]);
      }
    });
  });

  test("a cancel stops it at the next chunk, keeping the steps done", async () => {
    const c = makeCase(105);
    let handler: EngineHandler | undefined;
    const rec = recorder({ chunkWork: 1 }, (reply) => {
      if (reply.type === "untiedProgress" && reply.step === 20) {
        void handler?.handle({ type: "cancel", runId: 6 });
      }
    });
    handler = rec.handler;
    await handler.handle(untiedMessage(c, 6, { steps: 10_000 }));
    const done = rec.replies.at(-1) as UntiedDoneReply;
    expect(done).toMatchObject({ type: "untiedDone", steps: 20, cancelled: true });
    expect(
      firstBitDifference(done.weights.data, engineUntied(c, 0.2, 20).params.weights.data),
    ).toBe(-1);
  });

  test("a diverging run says so and keeps the last finite parameters", async () => {
    const c = makeCase(106);
    const { handler, replies } = recorder({ chunkWork: 100 });
    await handler.handle(untiedMessage(c, 1, { learningRate: 1e150, steps: 500, reportEvery: 3 }));
    const expected = engineUntied(c, 1e150, 500);
    expect(expected.diverged).toBe(true);
    const done = replies.at(-1) as UntiedDoneReply;
    expect(done).toMatchObject({ diverged: true, steps: expected.losses.length });
    expect(firstBitDifference(done.weights.data, expected.params.weights.data)).toBe(-1);
  });
});

describe("lanes", () => {
  test("runs of different lanes interleave and neither stops the other", async () => {
    const a = makeCase(111);
    const b = makeCase(112);
    const { handler, replies } = recorder({ chunkWork: 1 });
    await Promise.all([
      handler.handle(trainMessage(a, 1, { steps: 30 })),
      handler.handle(trainMessage(b, 2, { steps: 30, lane: "view:x" })),
      handler.handle(untiedMessage(a, 3, { steps: 30, lane: "view:y" })),
    ]);
    const order = replies.map((r) => r.runId);
    // Interleaved: run 2 reports before run 1 is done.
    expect(order.indexOf(2)).toBeLessThan(order.lastIndexOf(1));
    for (const [runId, c] of [
      [1, a],
      [2, b],
    ] as const) {
      const mine = replies.filter((r) => r.runId === runId) as (ProgressReply | DoneReply)[];
      expect(mine.at(-1)).toMatchObject({ type: "done", steps: 30, cancelled: false });
      const expected = train(
        { input: c.image, target: c.target, options: c.options, reduction: "sum" },
        { kernel: c.kernel, bias: c.bias },
        0.01,
        30,
      );
      expect(firstBitDifference(concat(mine.map((r) => r.losses)), expected.losses)).toBe(-1);
    }
    expect(replies.filter((r) => r.runId === 3).at(-1)).toMatchObject({
      type: "untiedDone",
      steps: 30,
      cancelled: false,
    });
  });

  test("a newer run supersedes only the run of its own lane, whatever its kind", async () => {
    const c = makeCase(113);
    let handler: EngineHandler | undefined;
    let newer: Promise<void> | undefined;
    const rec = recorder({ chunkWork: 1 }, (reply) => {
      if (reply.type === "progress" && reply.runId === 2 && reply.step === 10) {
        newer = handler?.handle(untiedMessage(c, 3, { steps: 10, lane: "view:x" }));
      }
    });
    handler = rec.handler;
    await Promise.all([
      handler.handle(trainMessage(c, 1, { steps: 40 })),
      handler.handle(trainMessage(c, 2, { steps: 10_000, lane: "view:x" })),
    ]);
    await newer;
    expect(rec.replies.filter((r) => r.runId === 2).at(-1)).toMatchObject({
      type: "done",
      cancelled: true,
      steps: 10,
    });
    expect(rec.replies.filter((r) => r.runId === 1).at(-1)).toMatchObject({
      type: "done",
      cancelled: false,
      steps: 40,
    });
    expect(rec.replies.filter((r) => r.runId === 3).at(-1)).toMatchObject({
      type: "untiedDone",
      cancelled: false,
      steps: 10,
    });
  });
});

describe("gradientCheck requests", () => {
  test.each([
    ["sum, ε = 1e-4", makeCase(121), "sum", 1e-4, "central"],
    [
      "mean, padding 1, forward",
      makeCase(122, { options: { padding: 1 } }),
      "mean",
      1e-3,
      "forward",
    ],
  ] as const)(
    "%s: the reply is the engine's gradientCheck",
    async (_, c, reduction, epsilon, scheme) => {
      const { handler, replies, transfers } = recorder();
      const problem = { image: c.image, target: c.target, options: c.options, reduction };
      await handler.handle({
        type: "gradientCheck",
        runId: 8,
        problem,
        params: { kernel: c.kernel, bias: c.bias },
        epsilon,
        scheme,
      });
      expect(replies).toHaveLength(1);
      const reply = replies[0] as GradientCheckReply;
      expect(reply).toMatchObject({ type: "gradientCheck", runId: 8 });
      const expected = gradientCheck(
        { input: c.image, target: c.target, options: c.options, reduction },
        { kernel: c.kernel, bias: c.bias },
        epsilon,
        scheme,
      );
      expect(reply.check).toEqual(expected);
      expect(transfers[0]).toEqual([
        reply.check.kernelGrad.data.buffer,
        reply.check.numericKernelGrad.data.buffer,
        reply.check.kernelRelativeError.data.buffer,
      ]);
    },
  );
});

describe("reductions requests", () => {
  test("both reductions' gradients are conv2dBackward's; mean = sum / N; the updates agree", async () => {
    const c = makeCase(131, { size: 14 });
    const { handler, replies } = recorder();
    await handler.handle(reductionsMessage(c, 5, 0.3));
    const { comparison } = replies[0] as ReductionsReply;
    const out = conv2d(c.image, c.kernel, c.bias, c.options);
    const n = out.data.length;
    expect(comparison.positions).toBe(n);
    for (const reduction of ["sum", "mean"] as const) {
      const result = comparison[reduction];
      const grads = conv2dBackward(c.image, c.kernel, squaredErrorGrad(out, c.target, reduction));
      expect(firstBitDifference(result.kernelGrad.data, grads.kernelGrad.data)).toBe(-1);
      expect(Object.is(result.biasGrad, grads.biasGrad)).toBe(true);
      expect(Object.is(result.loss, squaredErrorLoss(out, c.target, reduction))).toBe(true);
      const rate = reduction === "sum" ? 0.3 / n : 0.3;
      expect(result.learningRate).toBe(rate);
      const after = sgdUpdate(
        { kernel: c.kernel, bias: c.bias },
        grads.kernelGrad,
        grads.biasGrad,
        rate,
      );
      expect(firstBitDifference(result.kernelAfter.data, after.kernel.data)).toBe(-1);
    }
    const { sum, mean } = comparison;
    sum.kernelGrad.data.forEach((s, t) => {
      expect(Math.abs((mean.kernelGrad.data[t] as number) - s / n)).toBeLessThan(
        1e-14 * Math.abs(s / n) + 1e-300,
      );
      expect(
        Math.abs((mean.kernelAfter.data[t] as number) - (sum.kernelAfter.data[t] as number)),
      ).toBeLessThan(1e-14);
    });
    expect(mean.loss).toBeCloseTo(sum.loss / n, 12);
  });
});

describe("bad view requests get a readable error reply", () => {
  const c = makeCase(141);
  const problem = {
    image: c.image,
    target: c.target,
    options: c.options,
    reduction: "sum" as const,
  };
  test.each([
    [
      "untied: missing params",
      { ...untiedMessage(c, 2), params: undefined },
      2,
      "trainUntied",
      "params must be an object {weights, biases}; got undefined",
    ],
    [
      "untied: biases of the wrong shape",
      untiedMessage(c, 2, { params: { weights: untiedStart(c).weights, biases: c.image } }),
      2,
      "trainUntied",
      "weights.height must be biases.height (12) times a filter height from 1 to 7; got 30",
    ],
    [
      "untied: reportEvery 0",
      untiedMessage(c, 2, { reportEvery: 0 }),
      2,
      "trainUntied",
      "reportEvery must be a whole number ≥ 1; got 0",
    ],
    [
      "untied: a numeric lane",
      { ...untiedMessage(c, 2), lane: 5 },
      2,
      "trainUntied",
      "lane must be a non-empty string; got 5",
    ],
    [
      "train: an empty lane",
      trainMessage(c, 3, { lane: "" }),
      3,
      "train",
      'lane must be a non-empty string; got ""',
    ],
    [
      "gradient check: ε = 0",
      { type: "gradientCheck", runId: 4, problem, params: c, epsilon: 0, scheme: "central" },
      4,
      "gradientCheck",
      "epsilon must be a finite number > 0; got 0",
    ],
    [
      "gradient check: missing problem",
      { type: "gradientCheck", runId: 4, params: c, epsilon: 1e-4, scheme: "central" },
      4,
      "gradientCheck",
      "problem must be an object {image, target, options, reduction}; got undefined",
    ],
    [
      "reductions: a NaN learning rate",
      reductionsMessage(c, 5, Number.NaN),
      5,
      "reductions",
      "learningRate must be a finite number; got NaN",
    ],
    [
      "reductions: a target of the wrong shape",
      reductionsMessage({ ...c, target: c.kernel }, 5, 0.1),
      5,
      "reductions",
      "target must be 10x10 (the output shape); got 3x3",
    ],
  ] as const)("%s", async (_, request, runId, type, message) => {
    const { handler, replies } = recorder();
    await expect(handler.handle(request)).resolves.toBeUndefined();
    expect(replies).toEqual([{ type: "error", runId, request: type, message }]);
  });
});
