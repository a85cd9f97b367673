// Training's reports reach the network's store whether or not animation frames run (a hidden
// tab runs none): reports merge as they arrive, so however many wait, one report's parameters
// wait with them; and merging a report into a long history does not copy the history.
import v8 from "node:v8";
import vm from "node:vm";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { setEngineClient } from "../../../../src/state/engineClient";
import { initialNetworkState, networkStore } from "../../../../src/state/network/store";
import { pauseNetwork, trainNetwork } from "../../../../src/state/network/training";
import type {
  EngineClient,
  NetworkTrainOutcome,
  NetworkTrainProgress,
} from "../../../../src/worker/client";

v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;

const state = () => networkStore.getState();

/** The run the fake engine holds: how to report to it and end it. */
let run: {
  report: (progress: NetworkTrainProgress) => void;
  end: (outcome: NetworkTrainOutcome) => void;
} | null = null;

/** An engine client whose training lane is driven by the test; anything else never answers. */
function fakeClient(): EngineClient {
  const lane = {
    trainNetwork(_request: unknown, onProgress: (p: NetworkTrainProgress) => void) {
      return new Promise<NetworkTrainOutcome>((resolve) => {
        run = { report: onProgress, end: resolve };
      });
    },
    stop() {},
    cancel() {},
  };
  const never = () => new Promise(() => {});
  const proxied = new Proxy(lane, {
    get: (target, key) => (key in target ? target[key as keyof typeof lane] : never),
  });
  return { usesWorker: false, lane: () => proxied, dispose() {} } as unknown as EngineClient;
}

/** Report `i` of a run: `per` steps after `i · per`, parameters all i/1000. */
function report(i: number, per: number): NetworkTrainProgress {
  const count = state().params.length;
  return {
    step: (i + 1) * per,
    params: new Float64Array(count).fill(i / 1000),
    velocity: new Float64Array(count).fill(i / 2000),
    losses: Float64Array.from({ length: per }, (_, k) => 2 / (1 + i * per + k)),
    accuracies: Float64Array.from({ length: per }, (_, k) => ((i * per + k) % 10) / 10),
    evaluations:
      i % 10 === 9
        ? [{ step: (i + 1) * per, accuracy: 0.5, loss: 1, confusion: new Int32Array(100) }]
        : [],
    shares: [per],
  };
}

beforeEach(() => {
  run = null;
  setEngineClient(fakeClient());
  networkStore.setState(initialNetworkState());
});
afterEach(() => {
  pauseNetwork();
  vi.unstubAllGlobals();
  setEngineClient(null);
});

test("with no animation frame (a hidden tab), reports wait as one: the latest parameters and every loss land", async () => {
  let frames = 0;
  vi.stubGlobal("requestAnimationFrame", () => ++frames); // never runs its callback
  vi.stubGlobal("cancelAnimationFrame", () => {});
  trainNetwork();
  expect(run).not.toBeNull();
  const N = 200;
  const per = 7;
  // The reports' parameter arrays, watched without being held.
  const watched: WeakRef<Float64Array>[] = [];
  for (let i = 0; i < N; i++) {
    const r = report(i, per);
    watched.push(new WeakRef(r.params));
    run?.report(r);
  }
  // A new task, so that the weak references may be cleared, then a collection.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const alive = watched.filter((w) => w.deref() !== undefined).length;
  expect(alive).toBeLessThanOrEqual(1);

  // No frame ever ran, and yet the store gets everything.
  await vi.waitFor(() => expect(state().steps).toBe(N * per), { timeout: 5_000 });
  expect(frames).toBeGreaterThan(0);
  expect(state().params[0]).toBe((N - 1) / 1000);
  expect(state().velocity[0]).toBe((N - 1) / 2000);
  expect(state().losses.length).toBe(N * per);
  expect(Array.from(state().losses)).toEqual(
    Array.from({ length: N * per }, (_, s) => 2 / (1 + s)),
  );
  expect(Array.from(state().batchAccuracies)).toEqual(
    Array.from({ length: N * per }, (_, s) => (s % 10) / 10),
  );
  expect(state().evaluations.map((e) => e.step)).toEqual(
    Array.from({ length: N / 10 }, (_, j) => (10 * j + 10) * per),
  );
  expect(state().message).toBeNull();

  // The run's end lands on top of it.
  run?.end({ ...report(N, per), diverged: false, cancelled: true });
  await vi.waitFor(() => expect(state().training).toBe(false));
  expect(state().steps).toBe((N + 1) * per);
  expect(state().losses.length).toBe((N + 1) * per);
});

test("a report merged into a 200,000-step history writes its steps after it, copying none of it", () => {
  // Node runs no animation frames: each report is applied as it comes.
  const history = Array.from({ length: 200_000 }, (_, i) => 2 / (1 + i / 100));
  networkStore.setState({
    steps: 200_000,
    losses: history,
    batchAccuracies: history.map(() => 0.5),
  });
  trainNetwork();
  const per = 5;
  run?.report({ ...report(0, per), step: 200_000 + per });
  const before = state();
  expect(before.losses.length).toBe(200_000 + per);
  run?.report({ ...report(1, per), step: 200_000 + 2 * per });
  const after = state();
  expect(after.losses.length).toBe(200_000 + 2 * per);
  // A new object (the store and the panel see a change) over the same storage: the history's
  // 200,000 numbers were not copied again, and the earlier state still reads what it read.
  expect(after.losses).not.toBe(before.losses);
  expect(ArrayBuffer.isView(after.losses)).toBe(true);
  expect((after.losses as Float64Array).buffer).toBe((before.losses as Float64Array).buffer);
  expect((after.batchAccuracies as Float64Array).buffer).toBe(
    (before.batchAccuracies as Float64Array).buffer,
  );
  expect(before.losses.length).toBe(200_000 + per);
  expect(after.losses[123_456]).toBe(history[123_456]);
  expect(after.losses[200_000 + per]).toBe(2 / (1 + per));
  // No evaluation came: the evaluations are not copied either.
  expect(after.evaluations).toBe(before.evaluations);
});
