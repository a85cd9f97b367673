import { describe, expect, test } from "vitest";
import { computeSweep, type Sweep, train } from "../../../src/engine";
import {
  createEngineClient,
  type EngineClient,
  EngineRequestError,
  EngineWorkerError,
  SupersededError,
  type SweepRequest,
  type TrainOutcome,
  type TrainProgress,
  type TrainRequest,
} from "../../../src/worker/client";
import { fakeWorkers } from "./fakeWorker";
import { type Case, concat, firstBitDifference, makeCase, tick } from "./fixtures";

function sweepRequest(c: Case, reduction: "sum" | "mean" = "sum"): SweepRequest {
  return { ...c, reduction };
}

function trainRequest(c: Case, fields: Partial<TrainRequest> = {}): TrainRequest {
  return {
    image: c.image,
    target: c.target,
    options: c.options,
    reduction: "mean",
    kernel: c.kernel,
    bias: c.bias,
    learningRate: 0.05,
    steps: 60,
    reportEvery: 10,
    ...fields,
  };
}

function expectSweepOf(sweep: Sweep, c: Case, reduction: "sum" | "mean" = "sum") {
  const expected = computeSweep(c.image, c.kernel, c.bias, c.target, c.options, reduction);
  const { records, ...shape } = expected;
  expect(sweep).toMatchObject(shape);
  expect(firstBitDifference(sweep.records, records)).toBe(-1);
}

/** Trains through the client, recording every progress report. */
async function trainAll(client: EngineClient, request: TrainRequest) {
  const progress: TrainProgress[] = [];
  const outcome = await client.lane("train").trainShared(request, (p) => progress.push(p));
  return { progress, outcome };
}

function expectTrainedLike(
  c: Case,
  request: TrainRequest,
  progress: TrainProgress[],
  outcome: TrainOutcome,
) {
  const expected = train(
    { input: c.image, target: c.target, options: c.options, reduction: request.reduction },
    { kernel: c.kernel, bias: c.bias },
    request.learningRate,
    request.steps,
  );
  const streamed = concat([...progress.map((p) => p.losses), outcome.losses]);
  expect(firstBitDifference(streamed, expected.losses)).toBe(-1);
  expect(firstBitDifference(outcome.kernel.data, expected.params.kernel.data)).toBe(-1);
  expect(Object.is(outcome.bias, expected.params.bias)).toBe(true);
  expect(outcome.steps).toBe(expected.losses.length);
}

/** Settles a promise into a value or the error, so a rejection is never unhandled. */
function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe("in-process client", () => {
  test("is used where Worker is undefined (Node) and when asked for", () => {
    expect(typeof Worker).toBe("undefined");
    expect(createEngineClient().usesWorker).toBe(false);
    const { createWorker, made } = fakeWorkers();
    expect(createEngineClient({ createWorker, inProcess: true }).usesWorker).toBe(false);
    expect(made).toHaveLength(0);
  });

  test("is used when the worker cannot be created", () => {
    const client = createEngineClient({
      createWorker: () => {
        throw new Error("workers are forbidden here");
      },
    });
    expect(client.usesWorker).toBe(false);
  });

  test("a sweep resolves to computeSweep's result, to the bit", async () => {
    const client = createEngineClient({ inProcess: true });
    const c = makeCase(41, { options: { padding: 1, stride: 2 } });
    expectSweepOf(await client.lane("sweep").sweep(sweepRequest(c, "mean")), c, "mean");
  });

  test("a sweep works on a snapshot: editing the caller's grids afterwards changes nothing", async () => {
    const client = createEngineClient({ inProcess: true });
    const c = makeCase(42);
    const pristine = makeCase(42);
    const pending = client.lane("sweep").sweep(sweepRequest(c));
    c.image.data.fill(0.5);
    c.kernel.data.fill(9);
    expectSweepOf(await pending, pristine);
  });

  test("a newer sweep supersedes: the older rejects with SupersededError, never resolves", async () => {
    const client = createEngineClient({ inProcess: true });
    const a = makeCase(43);
    const b = makeCase(44);
    const first = settle(client.lane("sweep").sweep(sweepRequest(a)));
    const second = client.lane("sweep").sweep(sweepRequest(b));
    const older = await first;
    expect(older.error).toBeInstanceOf(SupersededError);
    expect(older.value).toBeUndefined();
    expectSweepOf(await second, b);
  });

  test("training streams progress and ends with losses equal to train()'s, bit for bit", async () => {
    const client = createEngineClient({ inProcess: true });
    const c = makeCase(45);
    const request = trainRequest(c, { steps: 65, reportEvery: 10 });
    const { progress, outcome } = await trainAll(client, request);
    expect(progress.map((p) => p.step)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(outcome).toMatchObject({ steps: 65, diverged: false, cancelled: false });
    expect(outcome.losses).toHaveLength(5);
    expectTrainedLike(c, request, progress, outcome);
  });

  test("a newer train supersedes the running one; its progress stops at once", async () => {
    const client = createEngineClient({ inProcess: true });
    const a = makeCase(46);
    const b = makeCase(47);
    const seenA: number[] = [];
    let second: Promise<TrainOutcome> | undefined;
    const progressB: TrainProgress[] = [];
    const requestB = trainRequest(b, { steps: 30 });
    const first = settle(
      client
        .lane("train")
        .trainShared(trainRequest(a, { steps: 100_000, reportEvery: 10 }), (p) => {
          seenA.push(p.step);
          if (p.step === 20)
            second = client.lane("train").trainShared(requestB, (q) => progressB.push(q));
        }),
    );
    expect((await first).error).toBeInstanceOf(SupersededError);
    const outcome = await (second as Promise<TrainOutcome>);
    expect(seenA).toEqual([10, 20]);
    expectTrainedLike(b, requestB, progressB, outcome);
  });

  test("cancelTraining rejects the run with SupersededError and stops its progress", async () => {
    const client = createEngineClient({ inProcess: true });
    const seen: number[] = [];
    const run = settle(
      client.lane("train").trainShared(trainRequest(makeCase(48), { steps: 100_000 }), (p) => {
        seen.push(p.step);
        if (p.step === 30) client.lane("train").cancel();
      }),
    );
    expect((await run).error).toBeInstanceOf(SupersededError);
    await tick();
    expect(seen).toEqual([10, 20, 30]);
  });

  test("stopTraining resolves with cancelled and the parameters reached", async () => {
    const client = createEngineClient({ inProcess: true });
    const c = makeCase(49);
    const request = trainRequest(c, { steps: 100_000 });
    const progress: TrainProgress[] = [];
    const outcome = await client.lane("train").trainShared(request, (p) => {
      progress.push(p);
      if (p.step === 40) client.lane("train").stop();
    });
    expect(outcome.cancelled).toBe(true);
    expect(outcome.steps).toBeGreaterThanOrEqual(40);
    expect(outcome.steps).toBeLessThan(100_000);
    expectTrainedLike(c, { ...request, steps: outcome.steps }, progress, outcome);
  });

  test("a bad request rejects with the engine's message; the client keeps working", async () => {
    const client = createEngineClient({ inProcess: true });
    const c = makeCase(50);
    const bad = { ...c, image: { ...c.image, data: c.image.data.slice() } };
    bad.image.data[3] = Number.POSITIVE_INFINITY;
    const error = (await settle(client.lane("sweep").sweep(sweepRequest(bad)))).error;
    expect(error).toBeInstanceOf(EngineRequestError);
    expect((error as Error).message).toBe("input.data[3] must be a finite number; got Infinity");
    const trainError = (
      await settle(client.lane("train").trainShared(trainRequest(c, { reportEvery: 0 }), () => {}))
    ).error;
    expect((trainError as Error).message).toBe("reportEvery must be a whole number ≥ 1; got 0");
    expectSweepOf(await client.lane("sweep").sweep(sweepRequest(c)), c);
  });

  test("dispose rejects live runs with SupersededError and later calls with an Error", async () => {
    const client = createEngineClient({ inProcess: true });
    const c = makeCase(51);
    const sweep = settle(client.lane("sweep").sweep(sweepRequest(c)));
    const training = settle(
      client.lane("train").trainShared(trainRequest(c, { steps: 100_000 }), () => {}),
    );
    client.dispose();
    expect((await sweep).error).toBeInstanceOf(SupersededError);
    expect((await training).error).toBeInstanceOf(SupersededError);
    await expect(client.lane("sweep").sweep(sweepRequest(c))).rejects.toThrow("disposed");
  });
});

describe("worker client (a fake Worker running the real handler)", () => {
  test("sweeps go through the worker; the caller's buffers are copied, not detached", async () => {
    const { createWorker, made } = fakeWorkers();
    const client = createEngineClient({ createWorker });
    expect(client.usesWorker).toBe(true);
    const c = makeCase(61);
    expectSweepOf(await client.lane("sweep").sweep(sweepRequest(c)), c);
    expect(c.image.data.length).toBe(144);
    expect(c.kernel.data.length).toBe(9);
    expect(made).toHaveLength(1);
    expect(made[0]?.received.map((r) => r.type)).toEqual(["sweep"]);
  });

  test("a stale sweep reply arriving after a newer request is dropped", async () => {
    const { createWorker, made } = fakeWorkers(() => ({ hold: true }));
    const client = createEngineClient({ createWorker });
    const a = makeCase(62);
    const b = makeCase(63);
    const first = settle(client.lane("sweep").sweep(sweepRequest(a)));
    await tick(); // the worker has answered `a`; the reply is held
    const second = client.lane("sweep").sweep(sweepRequest(b));
    await tick();
    made[0]?.release(); // a's reply first, then b's
    expect((await first).error).toBeInstanceOf(SupersededError);
    expectSweepOf(await second, b);
  });

  test("progress of a superseded run is never delivered", async () => {
    const { createWorker, made } = fakeWorkers(() => ({ hold: true }));
    const client = createEngineClient({ createWorker });
    const c = makeCase(64);
    const stale: TrainProgress[] = [];
    const first = settle(
      client.lane("train").trainShared(trainRequest(c, { steps: 20 }), (p) => stale.push(p)),
    );
    await tick();
    const progress: TrainProgress[] = [];
    const request = trainRequest(c, { steps: 30 });
    const second = client.lane("train").trainShared(request, (p) => progress.push(p));
    await tick();
    await tick();
    made[0]?.release();
    expect((await first).error).toBeInstanceOf(SupersededError);
    const outcome = await second;
    expect(stale).toEqual([]);
    expectTrainedLike(c, request, progress, outcome);
  });

  test("a worker that dies mid-sweep is replaced and the sweep retried once", async () => {
    const { createWorker, made } = fakeWorkers((i) => (i === 0 ? { dieOn: () => true } : {}));
    const client = createEngineClient({ createWorker });
    const c = makeCase(65);
    expectSweepOf(await client.lane("sweep").sweep(sweepRequest(c)), c);
    expect(made).toHaveLength(2);
    expect(made[0]?.terminated).toBe(true);
    expect(made[1]?.received.map((r) => r.type)).toEqual(["sweep"]);
    // The replacement keeps serving.
    expectSweepOf(await client.lane("sweep").sweep(sweepRequest(makeCase(66))), makeCase(66));
    expect(made).toHaveLength(2);
  });

  test("a messageerror counts as a failure too", async () => {
    const { createWorker, made } = fakeWorkers((i) =>
      i === 0 ? { dieOn: () => true, failWith: "messageerror" } : {},
    );
    const client = createEngineClient({ createWorker });
    const c = makeCase(67);
    expectSweepOf(await client.lane("sweep").sweep(sweepRequest(c)), c);
    expect(made).toHaveLength(2);
  });

  test("a second failure rejects with a readable error; the next request gets a new worker", async () => {
    const { createWorker, made } = fakeWorkers((i) => (i < 2 ? { dieOn: () => true } : {}));
    const client = createEngineClient({ createWorker });
    const c = makeCase(68);
    const error = (await settle(client.lane("sweep").sweep(sweepRequest(c)))).error;
    expect(error).toBeInstanceOf(EngineWorkerError);
    expect((error as Error).message).toBe(
      "The engine worker failed twice while running this sweep: it threw simulated crash",
    );
    expect(made).toHaveLength(2);
    expectSweepOf(await client.lane("sweep").sweep(sweepRequest(c)), c);
    expect(made).toHaveLength(3);
  });

  test("training resumes from the last report after a crash; losses still match train()", async () => {
    // The first worker dies right after its third report.
    const { createWorker, made } = fakeWorkers((i) =>
      i === 0 ? { dieAfter: (r) => r.type === "progress" && r.step === 30 } : {},
    );
    const client = createEngineClient({ createWorker });
    const c = makeCase(69);
    const request = trainRequest(c, { steps: 75, reportEvery: 10 });
    const { progress, outcome } = await trainAll(client, request);
    expect(made).toHaveLength(2);
    const retried = made[1]?.received[0];
    expect(retried).toMatchObject({ type: "train", steps: 45 });
    expect(progress.map((p) => p.step)).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(outcome).toMatchObject({ steps: 75, cancelled: false, diverged: false });
    expectTrainedLike(c, request, progress, outcome);
  });

  test("a training run that loses two workers rejects; one being stopped resolves instead", async () => {
    const dying = fakeWorkers(() => ({ dieAfter: (r) => r.type === "progress" }));
    const client = createEngineClient({ createWorker: dying.createWorker });
    const c = makeCase(70);
    const error = (
      await settle(client.lane("train").trainShared(trainRequest(c, { steps: 1000 }), () => {}))
    ).error;
    expect(error).toBeInstanceOf(EngineWorkerError);
    expect((error as Error).message).toMatch(/failed twice while running this training run/);

    const stopping = fakeWorkers(() => ({ dieAfter: (r) => r.type === "progress" }));
    const stopped = createEngineClient({ createWorker: stopping.createWorker });
    const outcome = await stopped
      .lane("train")
      .trainShared(trainRequest(c, { steps: 1000 }), () => stopped.lane("train").stop());
    expect(outcome).toMatchObject({ steps: 10, cancelled: true });
  });

  test("dispose terminates the worker", async () => {
    const { createWorker, made } = fakeWorkers();
    const client = createEngineClient({ createWorker });
    const pending = settle(client.lane("sweep").sweep(sweepRequest(makeCase(71))));
    client.dispose();
    expect(made[0]?.terminated).toBe(true);
    expect((await pending).error).toBeInstanceOf(SupersededError);
  });
});
