// Data-parallel training through the handler: helpers (in-process stand-ins for the share
// workers, running the same computeShare) sum their shares of each batch; the run ends where
// one worker's run ends, to 1e-12; a helper that fails is replaced and its share summed again,
// so no image and no step is lost.
import { describe, expect, test } from "vitest";
import {
  cnnArchitecture,
  cnnPresetSpec,
  type DigitsDataset,
  initParams,
  type TrainSettings,
} from "../../../src/engine/index";
import { sharesLine } from "../../../src/state/network/training";
import type { NetworkTrainRequestMessage } from "../../../src/worker/network/protocol";
import {
  computeShare,
  type ShareReply,
  type ShareRequest,
  type ShareWorker,
} from "../../../src/worker/network/shares";
import { expectClose } from "../engine/compare";
import { of, randomDigits, recorder } from "./fixtures";

const DATA: DigitsDataset = { train: randomDigits(3, 60), test: randomDigits(4, 20) };
const loadDigits = async () => DATA;
const CONFIG = { filters: 3, filters2: 2, stride: 1, padding: 0 };
const SETTINGS: TrainSettings = {
  batchSize: 7,
  learningRate: 0.05,
  momentum: 0.9,
  reduction: "mean",
  seed: 3,
};
const start = initParams(cnnArchitecture(CONFIG), SETTINGS.seed).data;

function message(workers: number): NetworkTrainRequestMessage {
  return {
    type: "networkTrain",
    runId: 1,
    network: { spec: cnnPresetSpec(CONFIG), params: start.slice() },
    velocity: new Float64Array(start.length),
    steps: 0,
    settings: SETTINGS,
    run: 10,
    reportMs: 0,
    evaluateEvery: 5,
    data: "digits.bin",
    workers,
  };
}

/**
 * Helpers in this process: each answers a task as share.worker.ts does, on a later turn. The
 * first one made fails its `failAt`-th task; with `never`, every helper fails every task (a
 * browser that cannot start workers from a worker).
 */
function helpers(failAt = -1, never = false) {
  const made: { tasks: number; terminated: boolean }[] = [];
  const make = (): ShareWorker => {
    const record = { tasks: 0, terminated: false };
    made.push(record);
    const worker: ShareWorker = {
      onmessage: null,
      onerror: null,
      postMessage(task: ShareRequest) {
        // Structured clone: the helper gets its own copy of the parameters.
        const copy = { ...task, params: task.params?.slice() ?? null };
        const n = ++record.tasks;
        setTimeout(() => {
          if (record.terminated) return;
          if (never || (made.indexOf(record) === 0 && n === failAt)) {
            worker.onerror?.(new Error("the helper crashed"));
            return;
          }
          void computeShare(copy, loadDigits).then((reply: ShareReply) =>
            worker.onmessage?.({ data: reply }),
          );
        }, 0);
      },
      terminate() {
        record.terminated = true;
      },
    };
    return worker;
  };
  return { make, made };
}

async function run(workers: number, failAt = -1, never = false) {
  const pool = helpers(failAt, never);
  const { handler, replies } = recorder({ loadDigits, shareWorker: pool.make });
  await handler.handle(message(workers));
  const [done] = of(replies, "networkDone");
  if (done === undefined) throw new Error(`no end: ${JSON.stringify(of(replies, "error"))}`);
  return { done, made: pool.made, progress: of(replies, "networkProgress") };
}

describe("data-parallel training", () => {
  test("3 workers end where one worker ends, to 1e-12, and report how many images each summed", async () => {
    const one = await run(1);
    const three = await run(3);
    expect(three.made).toHaveLength(2);
    expect(one.done.shares).toEqual([7]);
    // Chunks go to whichever worker is free: each helper takes one at once, the rest follow.
    expect(three.done.shares).toHaveLength(3);
    expect(three.done.shares.reduce((a, b) => a + b, 0)).toBe(7);
    expect(three.done.step).toBe(10);
    const largest = one.done.params.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(three.done.params, one.done.params, 1e-12, "parameters", largest);
    const losses = (r: typeof one) => [
      ...r.progress.flatMap((p) => [...p.losses]),
      ...r.done.losses,
    ];
    expectClose(losses(three), losses(one), 1e-12, "losses");
    expect(three.made.every((h) => h.terminated)).toBe(true);
  });

  test("a helper that fails is replaced and its share summed again: no step, no image lost", async () => {
    const one = await run(1);
    const broken = await run(2, 4);
    expect(broken.made).toHaveLength(2);
    expect(broken.made[0]?.terminated).toBe(true);
    expect(broken.done.step).toBe(10);
    const largest = one.done.params.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(broken.done.params, one.done.params, 1e-12, "parameters", largest);
  });

  test("helpers that cannot run are dropped after two failures in a row; the run goes on alone and says so", async () => {
    const one = await run(1);
    const alone = await run(3, -1, true);
    // Two helpers made, each replaced once, then both dropped.
    expect(alone.made).toHaveLength(4);
    expect(alone.made.every((h) => h.terminated)).toBe(true);
    expect(alone.done.step).toBe(10);
    expect(alone.done.shares).toEqual([7]);
    const largest = one.done.params.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(alone.done.params, one.done.params, 1e-12, "parameters", largest);
  });

  test("a worker count out of range is refused, naming it", async () => {
    const { handler, replies } = recorder({ loadDigits, shareWorker: helpers().make });
    await handler.handle(message(9));
    expect(of(replies, "error")[0]?.message).toContain(
      "workers must be a whole number from 1 to 8; got 9",
    );
  });

  test("the section's line says how many images each worker summed", () => {
    expect(sharesLine([22, 21, 21])).toBe("3 workers summed 22, 21 and 21 images; one gradient.");
    expect(sharesLine([32, 32])).toBe("2 workers summed 32 and 32 images; one gradient.");
    expect(sharesLine([1])).toBe("1 worker summed 1 image; one gradient.");
    expect(sharesLine([64])).toBe("1 worker summed 64 images; one gradient.");
    expect(sharesLine([])).toBeNull();
  });
});
