import { afterEach, describe, expect, test, vi } from "vitest";
import { computeSweep, train } from "../../../src/engine";
import { createEngineClient, PING_EVERY_MS, SILENCE_LIMIT_MS } from "../../../src/worker/client";
import { fakeWorkers } from "./fakeWorker";
import { concat, firstBitDifference, makeCase } from "./fixtures";

afterEach(() => {
  vi.useRealTimers();
});

/** Lets the fake workers' setImmediate deliveries run while fake intervals advance. */
async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 250) {
    await vi.advanceTimersByTimeAsync(250);
    await new Promise((r) => setImmediate(r));
  }
}

/** Lets the fake workers say `ready` (they do on the next turn, as a real one once loaded). */
function loaded(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

describe("the watchdog", () => {
  test("a worker that dies silently (no event) is replaced and the sweep redone", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const { createWorker, made } = fakeWorkers();
    const client = createEngineClient({ createWorker });
    await loaded();
    made[0]?.terminate(); // closed from outside: it ignores messages and fires nothing
    const c = makeCase(71);
    const pending = client.lane("sweep").sweep({ ...c, reduction: "sum" });
    await advance(SILENCE_LIMIT_MS + 3 * PING_EVERY_MS);
    const sweep = await pending;
    expect(made).toHaveLength(2);
    const expected = computeSweep(c.image, c.kernel, c.bias, c.target, c.options, "sum");
    expect(firstBitDifference(sweep.records, expected.records)).toBe(-1);
    client.dispose();
  });

  test("a worker that falls silent mid-training is replaced and training resumes to the same result", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    // The first worker goes silent (no event) right after its second progress report.
    let reports = 0;
    const { createWorker, made } = fakeWorkers((i) =>
      i === 0
        ? {
            dieAfter: (reply) => {
              if (reply.type === "progress") reports++;
              if (reports === 2) made[0]?.terminate();
              return false;
            },
          }
        : {},
    );
    const client = createEngineClient({ createWorker });
    const c = makeCase(72);
    const request = {
      image: c.image,
      target: c.target,
      options: c.options,
      reduction: "mean" as const,
      kernel: c.kernel,
      bias: c.bias,
      learningRate: 0.05,
      steps: 60,
      reportEvery: 10,
    };
    const losses: Float64Array[] = [];
    const pending = client.lane("train").trainShared(request, (p) => losses.push(p.losses));
    await advance(SILENCE_LIMIT_MS + 3 * PING_EVERY_MS);
    const outcome = await pending;
    losses.push(outcome.losses);
    expect(made.length).toBeGreaterThanOrEqual(2);
    expect(outcome.steps).toBe(60);
    const expected = train(
      { input: c.image, target: c.target, options: c.options, reduction: "mean" },
      { kernel: c.kernel, bias: c.bias },
      0.05,
      60,
    );
    expect(firstBitDifference(concat(losses), expected.losses)).toBe(-1);
    expect(firstBitDifference(outcome.kernel.data, expected.params.kernel.data)).toBe(-1);
    client.dispose();
  });

  test("a live worker that answers is never replaced, and the watchdog stops when idle", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const { createWorker, made } = fakeWorkers();
    const client = createEngineClient({ createWorker });
    const c = makeCase(73);
    await client.lane("sweep").sweep({ ...c, reduction: "sum" });
    await advance(3 * SILENCE_LIMIT_MS);
    expect(made).toHaveLength(1);
    // No live run: no pings were sent after the sweep.
    expect(made[0]?.received.filter((r) => r.type === "ping").length).toBeLessThanOrEqual(1);
    expect(vi.getTimerCount()).toBe(0);
    client.dispose();
  });

  test("a worker still loading (it has not said ready) is never taken for dead", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const { createWorker, made } = fakeWorkers(() => ({ hold: true }));
    const client = createEngineClient({ createWorker });
    const c = makeCase(74);
    const pending = client.lane("sweep").sweep({ ...c, reduction: "sum" });
    await advance(5 * SILENCE_LIMIT_MS);
    expect(made).toHaveLength(1);
    made[0]?.release(); // loaded at last: its ready, then the sweep
    const sweep = await pending;
    const expected = computeSweep(c.image, c.kernel, c.bias, c.target, c.options, "sum");
    expect(firstBitDifference(sweep.records, expected.records)).toBe(-1);
    expect(made).toHaveLength(1);
    client.dispose();
  });

  test("a silent worker that still holds its lock is only busy, and is never replaced", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const { createWorker, made } = fakeWorkers(() => ({ locked: true }));
    const asked: string[] = [];
    const client = createEngineClient({
      createWorker,
      alive: async (name) => {
        asked.push(name);
        return true;
      },
    });
    await loaded();
    made[0]?.hold(); // busy: no pong, no reply, for a long time
    const c = makeCase(75);
    const pending = client.lane("sweep").sweep({ ...c, reduction: "sum" });
    await advance(5 * SILENCE_LIMIT_MS);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked[0]).toMatch(/^convsweep-engine-/);
    expect(made).toHaveLength(1);
    made[0]?.release();
    const sweep = await pending;
    const expected = computeSweep(c.image, c.kernel, c.bias, c.target, c.options, "sum");
    expect(firstBitDifference(sweep.records, expected.records)).toBe(-1);
    expect(made).toHaveLength(1);
    client.dispose();
  });

  test("a silent worker whose lock is gone is replaced and the sweep redone", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const { createWorker, made } = fakeWorkers(() => ({ locked: true }));
    const client = createEngineClient({ createWorker, alive: async () => false });
    await loaded();
    made[0]?.terminate();
    const c = makeCase(76);
    const pending = client.lane("sweep").sweep({ ...c, reduction: "sum" });
    await advance(SILENCE_LIMIT_MS + 3 * PING_EVERY_MS);
    const sweep = await pending;
    expect(made).toHaveLength(2);
    const expected = computeSweep(c.image, c.kernel, c.bias, c.target, c.options, "sum");
    expect(firstBitDifference(sweep.records, expected.records)).toBe(-1);
    client.dispose();
  });
});
