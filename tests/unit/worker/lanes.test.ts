// The client's lanes: each holds one live request; a newer one on the same lane supersedes it;
// other lanes (the state layer's "sweep" and "train" among them) are unaffected.
import { describe, expect, test } from "vitest";
import {
  gradientCheck,
  outputShape,
  resolveOptions,
  train,
  trainLocallyConnected,
  untie,
} from "../../../src/engine";
import {
  createEngineClient,
  type EngineClient,
  EngineRequestError,
  EngineWorkerError,
  type GradientCheckRequest,
  SupersededError,
  type TrainOutcome,
  type TrainProgress,
  type TrainRequest,
  type UntiedTrainOutcome,
  type UntiedTrainProgress,
  type UntiedTrainRequest,
} from "../../../src/worker/client";
import { fakeWorkers } from "./fakeWorker";
import { type Case, concat, firstBitDifference, makeCase, tick } from "./fixtures";

function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

function trainRequest(c: Case, fields: Partial<TrainRequest> = {}): TrainRequest {
  return {
    image: c.image,
    target: c.target,
    options: c.options,
    reduction: "sum",
    kernel: c.kernel,
    bias: c.bias,
    learningRate: 0.01,
    steps: 40,
    reportEvery: 10,
    ...fields,
  };
}

function untiedRequest(c: Case, fields: Partial<UntiedTrainRequest> = {}): UntiedTrainRequest {
  const start = untie(c.kernel, c.bias, outputShape(c.image, c.kernel, resolveOptions(c.options)));
  return {
    image: c.image,
    target: c.target,
    options: c.options,
    reduction: "sum",
    weights: start.weights,
    biases: start.biases,
    learningRate: 0.2,
    steps: 40,
    reportEvery: 10,
    ...fields,
  };
}

function checkRequest(c: Case, epsilon = 1e-4): GradientCheckRequest {
  return { ...c, reduction: "sum", epsilon };
}

function expectShared(request: TrainRequest, progress: TrainProgress[], outcome: TrainOutcome) {
  const expected = train(
    {
      input: request.image,
      target: request.target,
      options: request.options,
      reduction: request.reduction,
    },
    { kernel: request.kernel, bias: request.bias },
    request.learningRate,
    request.steps,
  );
  const streamed = concat([...progress.map((p) => p.losses), outcome.losses]);
  expect(firstBitDifference(streamed, expected.losses)).toBe(-1);
  expect(firstBitDifference(outcome.kernel.data, expected.params.kernel.data)).toBe(-1);
  expect(outcome.steps).toBe(expected.losses.length);
}

function expectUntied(
  request: UntiedTrainRequest,
  progress: UntiedTrainProgress[],
  outcome: UntiedTrainOutcome,
) {
  const expected = trainLocallyConnected(
    {
      input: request.image,
      target: request.target,
      options: request.options,
      reduction: request.reduction,
    },
    { weights: request.weights, biases: request.biases },
    request.learningRate,
    request.steps,
  );
  const streamed = concat([...progress.map((p) => p.losses), outcome.losses]);
  expect(firstBitDifference(streamed, expected.losses)).toBe(-1);
  expect(firstBitDifference(outcome.weights.data, expected.params.weights.data)).toBe(-1);
  expect(firstBitDifference(outcome.biases.data, expected.params.biases.data)).toBe(-1);
  expect(outcome.steps).toBe(expected.losses.length);
}

function expectCheckOf(check: unknown, request: GradientCheckRequest) {
  expect(check).toEqual(
    gradientCheck(
      {
        input: request.image,
        target: request.target,
        options: request.options,
        reduction: request.reduction,
      },
      { kernel: request.kernel, bias: request.bias },
      request.epsilon,
    ),
  );
}

const clients: [string, () => { client: EngineClient }][] = [
  ["in-process", () => ({ client: createEngineClient({ inProcess: true }) })],
  ["fake worker", () => ({ client: createEngineClient(fakeWorkers()) })],
];

describe.each(clients)("%s client", (_, make) => {
  test("lane(name) gives the same lane for the same name and refuses an empty one", () => {
    const { client } = make();
    expect(client.lane("untied")).toBe(client.lane("untied"));
    expect(client.lane("untied")).not.toBe(client.lane("check"));
    expect(client.lane("check").name).toBe("check");
    expect(() => client.lane("")).toThrow(RangeError);
    client.dispose();
  });

  test("untied training streams progress and ends as trainLocallyConnected does", async () => {
    const { client } = make();
    const request = untiedRequest(makeCase(201), { steps: 35 });
    const progress: UntiedTrainProgress[] = [];
    const outcome = await client.lane("u").trainUntied(request, (p) => progress.push(p));
    expect(progress.map((p) => p.step)).toEqual([10, 20, 30]);
    expect(outcome).toMatchObject({ steps: 35, diverged: false, cancelled: false });
    expectUntied(request, progress, outcome);
  });

  test("a newer request on a lane supersedes its live one, whatever its kind", async () => {
    const { client } = make();
    const c = makeCase(202);
    const lane = client.lane("view");
    const seen: number[] = [];
    let second: Promise<unknown> | undefined;
    const first = settle(
      lane.trainUntied(untiedRequest(c, { steps: 100_000 }), (p) => {
        seen.push(p.step);
        if (p.step === 20) second = lane.gradientCheck(checkRequest(c));
      }),
    );
    const error = (await first).error;
    expect(error).toBeInstanceOf(SupersededError);
    expect((error as Error).message).toBe(
      'this request was superseded by a newer one on the lane "view"',
    );
    expectCheckOf(await second, checkRequest(c));
    await tick();
    expect(seen).toEqual([10, 20]);
  });

  test("other lanes, the train lane and the sweep lane are unaffected by a lane's requests", async () => {
    const { client } = make();
    const a = makeCase(203);
    const b = makeCase(204);
    const mainRequest = trainRequest(a, { steps: 60 });
    const sharedRequest = trainRequest(b, { steps: 50, learningRate: 0.02 });
    const untied = untiedRequest(a, { steps: 45 });
    const progress = { main: [] as TrainProgress[], shared: [] as TrainProgress[] };
    const untiedProgress: UntiedTrainProgress[] = [];
    const main = client.lane("train").trainShared(mainRequest, (p) => progress.main.push(p));
    const shared = client.lane("x").trainShared(sharedRequest, (p) => progress.shared.push(p));
    const other = client.lane("y").trainUntied(untied, (p) => untiedProgress.push(p));
    const check = client.lane("z").gradientCheck(checkRequest(b));
    const sweep = client.lane("sweep").sweep({ ...a, reduction: "sum" });
    // Cancelling lane "z" after it finished, and lane "w" that has nothing, touch nobody.
    expectCheckOf(await check, checkRequest(b));
    client.lane("z").cancel();
    client.lane("w").cancel();
    expectShared(mainRequest, progress.main, await main);
    expectShared(sharedRequest, progress.shared, await shared);
    expectUntied(untied, untiedProgress, await other);
    expect((await sweep).outHeight).toBe(10);
  });

  test("the train lane superseding the main run leaves a lane's shared training running", async () => {
    const { client } = make();
    const c = makeCase(205);
    const viewRequest = trainRequest(c, { steps: 80 });
    const viewProgress: TrainProgress[] = [];
    const view = client.lane("v").trainShared(viewRequest, (p) => viewProgress.push(p));
    const firstMain = settle(
      client.lane("train").trainShared(trainRequest(c, { steps: 100_000 }), () => {}),
    );
    const secondMain = client.lane("train").trainShared(trainRequest(c, { steps: 20 }), () => {});
    client.lane("train").cancel();
    expect((await firstMain).error).toBeInstanceOf(SupersededError);
    await expect(secondMain).rejects.toBeInstanceOf(SupersededError);
    expectShared(viewRequest, viewProgress, await view);
  });

  test("cancel rejects the lane's run; stop resolves with what it reached", async () => {
    const { client } = make();
    const c = makeCase(206);
    const lane = client.lane("s");
    const seen: number[] = [];
    const cancelled = settle(
      lane.trainUntied(untiedRequest(c, { steps: 100_000 }), (p) => {
        seen.push(p.step);
        if (p.step === 30) lane.cancel();
      }),
    );
    expect((await cancelled).error).toBeInstanceOf(SupersededError);
    expect(seen).toEqual([10, 20, 30]);

    const request = untiedRequest(c, { steps: 100_000 });
    const progress: UntiedTrainProgress[] = [];
    const outcome = await lane.trainUntied(request, (p) => {
      progress.push(p);
      if (p.step === 20) lane.stop();
    });
    expect(outcome.cancelled).toBe(true);
    expect(outcome.steps).toBeGreaterThanOrEqual(20);
    expectUntied({ ...request, steps: outcome.steps }, progress, outcome);
  });

  test("bad requests reject with the engine's message; the lane keeps working", async () => {
    const { client } = make();
    const c = makeCase(207);
    const lane = client.lane("bad");
    const error = (await settle(lane.gradientCheck(checkRequest(c, 0)))).error;
    expect(error).toBeInstanceOf(EngineRequestError);
    expect((error as Error).message).toBe("epsilon must be a finite number > 0; got 0");
    const untiedError = (
      await settle(lane.trainUntied(untiedRequest(c, { biases: c.kernel }), () => {}))
    ).error;
    expect((untiedError as Error).message).toBe(
      "weights.height must be biases.height (3) times a filter height from 1 to 7; got 30",
    );
    const reductionError = (await settle(lane.compareReductions({ ...c, learningRate: -1 }))).error;
    expect((reductionError as Error).message).toBe("learningRate must be ≥ 0; got -1");
    const comparison = await lane.compareReductions({ ...c, learningRate: 0.1 });
    expect(comparison.positions).toBe(100);
  });

  test("dispose rejects every lane's live run", async () => {
    const { client } = make();
    const c = makeCase(208);
    const a = settle(client.lane("a").trainUntied(untiedRequest(c, { steps: 100_000 }), () => {}));
    const b = settle(client.lane("b").gradientCheck(checkRequest(c)));
    client.dispose();
    expect((await a).error).toBeInstanceOf(SupersededError);
    expect((await b).error).toBeInstanceOf(SupersededError);
    await expect(client.lane("a").gradientCheck(checkRequest(c))).rejects.toThrow("disposed");
  });
});

describe("lanes through a fake Worker", () => {
  test("a stale reply on a lane, arriving after a newer request, is dropped", async () => {
    const { createWorker, made } = fakeWorkers(() => ({ hold: true }));
    const client = createEngineClient({ createWorker });
    const a = makeCase(211);
    const b = makeCase(212);
    const lane = client.lane("check");
    const first = settle(lane.gradientCheck(checkRequest(a)));
    await tick(); // answered; the reply is held
    const second = lane.gradientCheck(checkRequest(b));
    await tick();
    made[0]?.release();
    expect((await first).error).toBeInstanceOf(SupersededError);
    expectCheckOf(await second, checkRequest(b));
  });

  test("superseding a training run on a lane stops it in the worker", async () => {
    const { createWorker, made } = fakeWorkers();
    const client = createEngineClient({ createWorker });
    const c = makeCase(213);
    const lane = client.lane("u");
    const first = settle(lane.trainUntied(untiedRequest(c, { steps: 100_000 }), () => {}));
    await tick();
    const check = lane.gradientCheck(checkRequest(c));
    expect((await first).error).toBeInstanceOf(SupersededError);
    expectCheckOf(await check, checkRequest(c));
    const types = made[0]?.received.map((r) => r.type);
    expect(types).toEqual(["trainUntied", "cancel", "gradientCheck"]);
    expect(made[0]?.received[0]).toMatchObject({ lane: "view:u" });
  });

  test("untied training resumes from the last report after a crash", async () => {
    const { createWorker, made } = fakeWorkers((i) =>
      i === 0 ? { dieAfter: (r) => r.type === "untiedProgress" && r.step === 20 } : {},
    );
    const client = createEngineClient({ createWorker });
    const request = untiedRequest(makeCase(214), { steps: 55 });
    const progress: UntiedTrainProgress[] = [];
    const outcome = await client.lane("u").trainUntied(request, (p) => progress.push(p));
    expect(made).toHaveLength(2);
    expect(made[1]?.received[0]).toMatchObject({ type: "trainUntied", steps: 35 });
    expect(progress.map((p) => p.step)).toEqual([10, 20, 30, 40, 50]);
    expectUntied(request, progress, outcome);
  });

  test("a gradient check that loses two workers rejects with a readable error", async () => {
    const { createWorker } = fakeWorkers(() => ({ dieOn: (r) => r.type === "gradientCheck" }));
    const client = createEngineClient({ createWorker });
    const error = (await settle(client.lane("c").gradientCheck(checkRequest(makeCase(215))))).error;
    expect(error).toBeInstanceOf(EngineWorkerError);
    expect((error as Error).message).toBe(
      "The engine worker failed twice while running this gradient check: it threw simulated crash",
    );
  });
});
