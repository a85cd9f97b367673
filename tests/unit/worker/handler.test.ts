import { describe, expect, test, vi } from "vitest";
import {
  computeSweep,
  conv2d,
  positionContributions,
  RECORD_DELTA,
  RECORD_KERNEL_GRAD,
  RECORD_OUT,
  recordInputGradOffset,
  squaredErrorGrad,
  train,
} from "../../../src/engine";
import { EngineHandler } from "../../../src/worker/host/handler";
import { createYield } from "../../../src/worker/host/yield";
import type {
  DoneReply,
  ErrorReply,
  ProgressReply,
  SweepReply,
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

/** A sweep request for a case; `c` may hold malformed fields, for the error cases. */
function sweepMessage(
  c: Case | Record<keyof Case, unknown>,
  runId = 1,
  reduction: unknown = "sum",
) {
  return {
    type: "sweep" as const,
    runId,
    problem: { image: c.image, target: c.target, options: c.options, reduction },
    params: { kernel: c.kernel, bias: c.bias },
  };
}

function engineTrain(
  c: Case,
  learningRate: number,
  steps: number,
  reduction: "sum" | "mean" = "sum",
) {
  return train(
    { input: c.image, target: c.target, options: c.options, reduction },
    { kernel: c.kernel, bias: c.bias },
    learningRate,
    steps,
  );
}

const CASES: [string, Case][] = [
  ["3x3, stride 1 (the fused case)", makeCase(1, { size: 12 })],
  ["3x3, padding 1", makeCase(2, { size: 10, options: { padding: 1 } })],
  ["3x3, stride 2, dilation 2", makeCase(3, { size: 13, options: { stride: 2, dilation: 2 } })],
  [
    "5x5, stride 3, padding 2",
    makeCase(4, { size: 11, kernelSide: 5, options: { stride: 3, padding: 2 } }),
  ],
  ["1x1", makeCase(5, { size: 6, kernelSide: 1 })],
];

describe("sweep requests", () => {
  test.each(CASES)("%s: one reply whose records are computeSweep's, to the bit", async (_, c) => {
    for (const reduction of ["sum", "mean"] as const) {
      const { handler, replies, transfers } = recorder();
      await handler.handle(sweepMessage(c, 7, reduction));
      expect(replies).toHaveLength(1);
      const reply = replies[0] as SweepReply;
      expect(reply.type).toBe("sweep");
      expect(reply.runId).toBe(7);
      const expected = computeSweep(c.image, c.kernel, c.bias, c.target, c.options, reduction);
      const { records, ...shape } = expected;
      expect(reply.sweep).toMatchObject(shape);
      expect(Object.is(reply.sweep.loss, expected.loss)).toBe(true);
      expect(firstBitDifference(reply.sweep.records, records)).toBe(-1);
      // The records travel as one transferred buffer, not copied, not split.
      expect(transfers[0]).toEqual([reply.sweep.records.buffer]);
    }
  });

  test.each(CASES)("%s: record p holds positionContributions' entry p", async (_, c) => {
    const { handler, replies } = recorder();
    await handler.handle(sweepMessage(c, 1, "mean"));
    const reply = (replies[0] as SweepReply).sweep;
    const out = conv2d(c.image, c.kernel, c.bias, c.options);
    const grad = squaredErrorGrad(out, c.target, "mean");
    const cells = c.kernel.height * c.kernel.width;
    const ig = recordInputGradOffset(cells);
    let p = 0;
    for (const entry of positionContributions(c.image, c.kernel, grad, c.options)) {
      const base = p * reply.recordLength;
      const record = reply.records.subarray(base, base + reply.recordLength);
      expect(Object.is(record[RECORD_OUT], out.data[p])).toBe(true);
      expect(Object.is(record[RECORD_DELTA], entry.delta)).toBe(true);
      const kernelTerms = record.subarray(RECORD_KERNEL_GRAD, RECORD_KERNEL_GRAD + cells);
      expect(firstBitDifference(kernelTerms, entry.kernelGrad.data)).toBe(-1);
      expect(firstBitDifference(record.subarray(ig, ig + cells), entry.inputGradPatch.data)).toBe(
        -1,
      );
      p++;
    }
    expect(p * reply.recordLength).toBe(reply.records.length);
  });

  test("the request's grids are left intact", async () => {
    const c = makeCase(9);
    const before = c.image.data.slice();
    const { handler } = recorder();
    await handler.handle(sweepMessage(c));
    expect(firstBitDifference(c.image.data, before)).toBe(-1);
  });
});

describe("train requests", () => {
  test.each([
    ["fused path, default chunks", makeCase(11), {}],
    ["fused path, one step per chunk", makeCase(12), { chunkWork: 1 }],
    ["general path (padding 1)", makeCase(13, { options: { padding: 1 } }), { chunkWork: 1000 }],
    ["general path (5x5, stride 2)", makeCase(14, { kernelSide: 5, options: { stride: 2 } }), {}],
  ] as const)(
    "%s: progress every reportEvery steps; losses concatenate to train()'s bit for bit",
    async (_, c, options) => {
      const { handler, replies } = recorder(options);
      await handler.handle(trainMessage(c, 3, { steps: 103, reportEvery: 10 }));
      const progress = of(replies, "progress");
      const done = of(replies, "done");
      expect(progress.map((p) => p.step)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      expect(done).toHaveLength(1);
      expect(replies.at(-1)).toBe(done[0]);
      const final = done[0] as DoneReply;
      expect(final).toMatchObject({ runId: 3, steps: 103, diverged: false, cancelled: false });
      expect(final.losses).toHaveLength(3);
      for (const p of progress) {
        expect(p.runId).toBe(3);
        expect(p.losses).toHaveLength(10);
        expect(Object.is(p.loss, p.losses[9])).toBe(true);
      }

      const expected = engineTrain(c, 0.01, 103);
      const streamed = concat([...progress.map((p) => p.losses), final.losses]);
      expect(firstBitDifference(streamed, expected.losses)).toBe(-1);
      expect(firstBitDifference(final.kernel.data, expected.params.kernel.data)).toBe(-1);
      expect(Object.is(final.bias, expected.params.bias)).toBe(true);
      // Each report's parameters are those train() reaches after that many steps.
      const atThirty = engineTrain(c, 0.01, 30);
      const third = progress[2] as ProgressReply;
      expect(firstBitDifference(third.kernel.data, atThirty.params.kernel.data)).toBe(-1);
      expect(Object.is(third.bias, atThirty.params.bias)).toBe(true);
    },
  );

  test("losses, kernels and tails are transferred, each in a buffer of its own", async () => {
    const { handler, replies, transfers } = recorder();
    await handler.handle(trainMessage(makeCase(15), 1, { steps: 25, reportEvery: 10 }));
    const buffers = transfers.flat();
    expect(new Set(buffers).size).toBe(buffers.length);
    replies.forEach((reply, i) => {
      if (reply.type === "progress" || reply.type === "done") {
        expect(transfers[i]).toEqual([reply.kernel.data.buffer, reply.losses.buffer]);
      }
    });
  });

  test("a reportEvery beyond steps sends no progress; done carries every loss", async () => {
    const c = makeCase(16);
    const { handler, replies } = recorder();
    await handler.handle(trainMessage(c, 1, { steps: 40, reportEvery: 1000 }));
    expect(replies.map((r) => r.type)).toEqual(["done"]);
    const done = replies[0] as DoneReply;
    expect(firstBitDifference(done.losses, engineTrain(c, 0.01, 40).losses)).toBe(-1);
  });

  test("zero steps replies done at once with the starting parameters", async () => {
    const c = makeCase(17);
    const { handler, replies } = recorder();
    await handler.handle(trainMessage(c, 1, { steps: 0 }));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ type: "done", steps: 0, bias: c.bias, cancelled: false });
    expect(firstBitDifference((replies[0] as DoneReply).kernel.data, c.kernel.data)).toBe(-1);
  });

  test("a diverging run stops where train() stops and says so", async () => {
    const c = makeCase(18);
    const { handler, replies } = recorder({ chunkWork: 300 });
    await handler.handle(trainMessage(c, 1, { learningRate: 5, steps: 5000, reportEvery: 7 }));
    const expected = engineTrain(c, 5, 5000);
    expect(expected.diverged).toBe(true);
    const done = replies.at(-1) as DoneReply;
    expect(done).toMatchObject({ type: "done", diverged: true, steps: expected.losses.length });
    const streamed = concat([...of(replies, "progress").map((p) => p.losses), done.losses]);
    expect(firstBitDifference(streamed, expected.losses)).toBe(-1);
    expect(firstBitDifference(done.kernel.data, expected.params.kernel.data)).toBe(-1);
  });
});

describe("cancellation and superseding", () => {
  test("a cancel mid-training stops it at the next chunk, keeping the steps done", async () => {
    const c = makeCase(21);
    let handler: EngineHandler | undefined;
    const rec = recorder({ chunkWork: 1 }, (reply) => {
      if (reply.type === "progress" && reply.step === 20) {
        void handler?.handle({ type: "cancel", runId: 5 });
      }
    });
    handler = rec.handler;
    await handler.handle(trainMessage(c, 5, { steps: 10_000, reportEvery: 10 }));
    expect(of(rec.replies, "progress").map((p) => p.step)).toEqual([10, 20]);
    const done = rec.replies.at(-1) as DoneReply;
    expect(done).toMatchObject({ type: "done", runId: 5, steps: 20, cancelled: true });
    expect(done.losses).toHaveLength(0);
    expect(firstBitDifference(done.kernel.data, engineTrain(c, 0.01, 20).params.kernel.data)).toBe(
      -1,
    );
  });

  test("a cancel arriving during a yield is seen before the next chunk", async () => {
    const c = makeCase(22);
    let yields = 0;
    let handler: EngineHandler | undefined;
    const rec = recorder({
      chunkWork: 1, // one 10x10 step per chunk
      yieldToEvents: async () => {
        yields++;
        if (yields === 3) await handler?.handle({ type: "cancel", runId: 1 });
      },
    });
    handler = rec.handler;
    await handler.handle(trainMessage(c, 1, { steps: 100, reportEvery: 50 }));
    expect(rec.replies.map((r) => r.type)).toEqual(["done"]);
    const done = rec.replies[0] as DoneReply;
    expect(done).toMatchObject({ steps: 3, cancelled: true });
    // The unreported tail comes with done, so nothing computed is lost.
    expect(firstBitDifference(done.losses, engineTrain(c, 0.01, 3).losses)).toBe(-1);
  });

  test("a newer train supersedes the running one, which ends cancelled", async () => {
    const a = makeCase(23);
    const b = makeCase(24);
    let handler: EngineHandler | undefined;
    let second: Promise<void> | undefined;
    const rec = recorder({ chunkWork: 1 }, (reply) => {
      if (reply.type === "progress" && reply.runId === 1 && reply.step === 10) {
        second = handler?.handle(trainMessage(b, 2, { steps: 30, reportEvery: 10 }));
      }
    });
    handler = rec.handler;
    await handler.handle(trainMessage(a, 1, { steps: 10_000, reportEvery: 10 }));
    await second;
    const first = rec.replies.filter((r) => r.runId === 1);
    expect(first.map((r) => r.type)).toEqual(["progress", "done"]);
    expect(first[1]).toMatchObject({ steps: 10, cancelled: true });
    const newer = rec.replies.filter((r) => r.runId === 2);
    expect(newer.map((r) => r.type)).toEqual(["progress", "progress", "progress", "done"]);
    const streamed = concat(newer.map((r) => (r as ProgressReply | DoneReply).losses));
    expect(firstBitDifference(streamed, engineTrain(b, 0.01, 30).losses)).toBe(-1);
  });

  test("a cancel for another run, or after the end, does nothing", async () => {
    const { handler, replies } = recorder();
    await handler.handle({ type: "cancel", runId: 99 });
    await handler.handle(trainMessage(makeCase(25), 1, { steps: 20 }));
    const count = replies.length;
    await handler.handle({ type: "cancel", runId: 1 });
    expect(replies).toHaveLength(count);
    expect(replies.at(-1)).toMatchObject({ type: "done", steps: 20, cancelled: false });
  });

  test("sweeps are answered between training chunks", async () => {
    const c = makeCase(26);
    let handler: EngineHandler | undefined;
    let yields = 0;
    const rec = recorder({
      chunkWork: 1,
      yieldToEvents: async () => {
        if (++yields === 2) await handler?.handle(sweepMessage(c, 9));
      },
    });
    handler = rec.handler;
    await handler.handle(trainMessage(c, 1, { steps: 5, reportEvery: 100 }));
    expect(rec.replies.map((r) => r.type)).toEqual(["sweep", "done"]);
    expect(rec.replies[1]).toMatchObject({ steps: 5, cancelled: false });
  });
});

describe("yielding between chunks", () => {
  test("the default yield uses no timer", async () => {
    const timeout = vi.spyOn(globalThis, "setTimeout");
    try {
      const yieldToEvents = createYield();
      for (let i = 0; i < 100; i++) await yieldToEvents();
      expect(timeout).not.toHaveBeenCalled();
    } finally {
      timeout.mockRestore();
    }
  });

  test("without setImmediate (browsers, workers) it is a MessageChannel round trip", async () => {
    vi.stubGlobal("setImmediate", undefined);
    const timeout = vi.spyOn(globalThis, "setTimeout");
    // Each yield posts one message through the channel and resolves on its arrival (never a
    // timer, which browsers clamp to 4 ms when nested).
    const posted = vi.spyOn(MessagePort.prototype, "postMessage");
    try {
      const yieldToEvents = createYield();
      for (let i = 0; i < 200; i++) await yieldToEvents();
      expect(posted).toHaveBeenCalledTimes(200);
      expect(timeout).not.toHaveBeenCalled();
    } finally {
      timeout.mockRestore();
      posted.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  test("a training run yields once between consecutive chunks", async () => {
    let yields = 0;
    const { handler } = recorder({
      chunkWork: 100 * 9 * 4, // four steps of a 10x10 output with a 3x3 kernel
      yieldToEvents: async () => {
        yields++;
      },
    });
    await handler.handle(trainMessage(makeCase(27), 1, { steps: 40, reportEvery: 1000 }));
    expect(yields).toBe(9); // 10 chunks of 4 steps
  });
});

describe("bad requests get a readable error reply, never a throw", () => {
  const c = makeCase(31);
  const nan = { ...c.image, data: c.image.data.slice() };
  nan.data[5] = Number.NaN;
  const nanKernel = { ...c.kernel, data: c.kernel.data.slice() };
  nanKernel.data[4] = Number.NaN;

  test.each([
    [
      "a request that is not an object",
      null,
      -1,
      null,
      'a request must be an object with a "type"; got null',
    ],
    ["a number", 42, -1, null, 'a request must be an object with a "type"; got 42'],
    [
      "an unknown type",
      { type: "explode", runId: 4 },
      4,
      null,
      'unknown request type "explode"; expected "sweep", "train", "trainUntied", "gradientCheck", "reductions", "cancel", "ping", "networkTrain", "networkPredict", "networkSweep" or "networkImportOnnx"',
    ],
    [
      "a missing type",
      { runId: 4 },
      4,
      null,
      'unknown request type undefined; expected "sweep", "train", "trainUntied", "gradientCheck", "reductions", "cancel", "ping", "networkTrain", "networkPredict", "networkSweep" or "networkImportOnnx"',
    ],
    [
      "a missing runId",
      { ...sweepMessage(c), runId: undefined },
      -1,
      "sweep",
      "runId must be a whole number ≥ 0; got undefined",
    ],
    [
      "a fractional runId",
      { ...sweepMessage(c), runId: 1.5 },
      -1,
      "sweep",
      "runId must be a whole number ≥ 0; got 1.5",
    ],
    [
      "a NaN in the image",
      sweepMessage({ ...c, image: nan }),
      1,
      "sweep",
      "input.data[5] must be a finite number; got NaN",
    ],
    [
      "a NaN bias",
      sweepMessage({ ...c, bias: Number.NaN }),
      1,
      "sweep",
      "bias must be a finite number; got NaN",
    ],
    [
      "a target of the wrong shape",
      sweepMessage({ ...c, target: c.image }),
      1,
      "sweep",
      "target must be 10x10 (the output shape); got 12x12",
    ],
    [
      "data of the wrong length",
      sweepMessage({ ...c, kernel: { height: 3, width: 3, data: new Float64Array(8) } }),
      1,
      "sweep",
      "kernel.data.length must equal height * width (3 * 3 = 9); got 8",
    ],
    [
      "plain arrays instead of Float64Array",
      sweepMessage({ ...c, image: { height: 1, width: 2, data: [0, 1] } }),
      1,
      "sweep",
      "input.data must be a Float64Array; got an array",
    ],
    [
      "a stride of 0",
      sweepMessage({ ...c, options: { stride: 0 } }),
      1,
      "sweep",
      "stride must be an integer from 1 to 4; got 0",
    ],
    [
      "an unknown reduction",
      sweepMessage(c, 1, "max"),
      1,
      "sweep",
      'reduction must be "sum" or "mean"; got "max"',
    ],
    [
      "a missing image",
      sweepMessage({ ...c, image: undefined }),
      1,
      "sweep",
      "input must be a grid {height, width, data}; got undefined",
    ],
    [
      "negative steps",
      trainMessage(c, 2, { steps: -1 }),
      2,
      "train",
      "steps must be a whole number ≥ 0; got -1",
    ],
    [
      "fractional steps",
      trainMessage(c, 2, { steps: 2.5 }),
      2,
      "train",
      "steps must be a whole number ≥ 0; got 2.5",
    ],
    [
      "reportEvery 0",
      trainMessage(c, 2, { reportEvery: 0 }),
      2,
      "train",
      "reportEvery must be a whole number ≥ 1; got 0",
    ],
    [
      "a negative learning rate",
      trainMessage(c, 2, { learningRate: -1 }),
      2,
      "train",
      "learningRate must be ≥ 0; got -1",
    ],
    [
      "a NaN learning rate",
      trainMessage(c, 2, { learningRate: Number.NaN }),
      2,
      "train",
      "learningRate must be a finite number; got NaN",
    ],
    [
      "a missing problem",
      { ...trainMessage(c, 2), problem: undefined },
      2,
      "train",
      "problem must be an object {image, target, options, reduction}; got undefined",
    ],
    [
      "missing params",
      { ...trainMessage(c, 2), params: "x" },
      2,
      "train",
      'params must be an object {kernel, bias}; got "x"',
    ],
    [
      "a NaN in the starting kernel",
      trainMessage(c, 2, { params: { kernel: nanKernel, bias: 0 } }),
      2,
      "train",
      "kernel.data[4] must be a finite number; got NaN",
    ],
    [
      "a kernel larger than the engine allows",
      trainMessage(c, 2, { params: { kernel: c.image, bias: 0 } }),
      2,
      "train",
      "kernel.height must be an integer from 1 to 7; got 12",
    ],
  ] as const)("%s", async (_, request, runId, type, message) => {
    const { handler, replies } = recorder();
    await expect(handler.handle(request)).resolves.toBeUndefined();
    expect(replies).toEqual([{ type: "error", runId, request: type, message }]);
  });

  test("a handler keeps working after a bad request", async () => {
    const { handler, replies } = recorder();
    await handler.handle({ type: "sweep", runId: 1, problem: {}, params: {} });
    await handler.handle(sweepMessage(c, 2));
    expect(replies.map((r) => r.type)).toEqual(["error", "sweep"]);
    expect((replies[0] as ErrorReply).message).toMatch(/^input must be a grid/);
  });

  test("a bad train request still stops the run it supersedes", async () => {
    let handler: EngineHandler | undefined;
    const rec = recorder({ chunkWork: 1 }, (reply) => {
      if (reply.type === "progress" && reply.runId === 1) {
        void handler?.handle(trainMessage(c, 2, { steps: -1 }));
      }
    });
    handler = rec.handler;
    await handler.handle(trainMessage(c, 1, { steps: 10_000, reportEvery: 10 }));
    expect(rec.replies.map((r) => [r.type, r.runId])).toEqual([
      ["progress", 1],
      ["error", 2],
      ["done", 1],
    ]);
    expect(rec.replies[2]).toMatchObject({ cancelled: true, steps: 10 });
  });
});

test("a ping is answered at once with a pong of the same runId", async () => {
  const replies: unknown[] = [];
  const handler = new EngineHandler((reply) => replies.push(reply));
  await handler.handle({ type: "ping", runId: 12 });
  expect(replies).toEqual([{ type: "pong", runId: 12 }]);
});
