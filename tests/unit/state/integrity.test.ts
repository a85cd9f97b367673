// Nothing a person does may corrupt the state. Each test names the defect it
// protects; the property test at the end throws random sequences of actions at the store and
// checks after every one that the state exports and re-imports to itself.
import fc from "fast-check";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  createGrid,
  type Grid,
  gridFromRows,
  outputShape,
  seededRandom,
} from "../../../src/engine/index";
import { resetApp } from "../../../src/state/commit";
import { setEngineClient } from "../../../src/state/engineClient";
import { FILTER_PRESETS } from "../../../src/state/filters";
import { linkDocument } from "../../../src/state/link";
import { exportState, importState, restoreSaved } from "../../../src/state/loading";
import {
  loadImagePreset,
  paintStroke,
  setLearningRate,
  setOptions,
  setReduction,
  setTargetKernel,
  setTargetPreset,
} from "../../../src/state/problem";
import type { LinkedState } from "../../../src/state/stateFile";
import { MAX_UPDATES } from "../../../src/state/stateRules";
import { appStore, refusedChanges } from "../../../src/state/store";
import { finishSweep, requestSweep, setPosition } from "../../../src/state/sweep";
import { train } from "../../../src/state/training";
import { applyUpdate, reset } from "../../../src/state/update";
import { createEngineClient } from "../../../src/worker/client";
import { fakeWorkers } from "../worker/fakeWorker";

const state = () => appStore.getState();

/** Lets the in-process engine and the fake worker deliver what they have (bounded). */
async function settle(): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    await new Promise((done) => setTimeout(done, 0));
    const s = state();
    if (!s.sweepPending && !s.training) return;
  }
  throw new Error("the state never settled");
}

/** A state file's text for a state, made by the app itself from a link document. */
async function fileOf(linked: LinkedState): Promise<string> {
  expect(await restoreSaved(linkDocument(linked))).toBe(true);
  return exportState();
}

/** A valid state with a 5x5 kernel: what a person might have saved from another session. */
function fiveByFive(targetKernel: Grid | null): LinkedState {
  const image = createGrid(12, 12);
  image.data.forEach((_, i) => {
    image.data[i] = (i * 7) % 11 === 0 ? 1 : 0;
  });
  const kernel = createGrid(
    5,
    5,
    Float64Array.from({ length: 25 }, (_, i) => (i % 5) / 10 - 0.2),
  );
  return {
    image,
    kernel,
    bias: 0.25,
    target: createGrid(
      8,
      8,
      Float64Array.from({ length: 64 }, (_, i) => (i % 3) - 1),
    ),
    targetKernel,
    options: { stride: 1, padding: 0, dilation: 1 },
    reduction: "sum",
    learningRate: 0.001,
    updates: 3,
    position: 0,
  };
}

/** The state file's fields as plain JSON, for comparing two exports. */
function fileDoc(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

/** Exports, imports the export, and checks the app reads back what it wrote. */
async function expectRoundTrip(context: string): Promise<void> {
  const text = exportState();
  const ok = await importState(text);
  if (!ok) throw new Error(`${context}: the app refused its own export: ${state().notice?.text}`);
  const again = fileDoc(exportState());
  const first = fileDoc(text);
  const { sums: s1, ...rest1 } = first;
  const { sums: s2, ...rest2 } = again;
  expect(rest2, context).toEqual(rest1);
  // The sums are recomputed in the same order on import: equal to the last digit.
  expect(s2, context).toEqual(s1);
}

let rafTimers: ReturnType<typeof setTimeout>[] = [];
beforeEach(async () => {
  // Frames as in a browser: training applies its reports in an animation frame, which is
  // where a late report could land on a newer state.
  globalThis.requestAnimationFrame = (callback) => {
    const t = setTimeout(() => callback(performance.now()), 4);
    rafTimers.push(t);
    return rafTimers.length;
  };
  globalThis.cancelAnimationFrame = (id) => clearTimeout(rafTimers[id - 1]);
  setEngineClient(createEngineClient({ createWorker: fakeWorkers().createWorker }));
  resetApp();
  await requestSweep();
});
afterEach(() => {
  for (const t of rafTimers) clearTimeout(t);
  rafTimers = [];
  // biome-ignore lint/suspicious/noExplicitAny: removing the stand-ins installed above
  delete (globalThis as any).requestAnimationFrame;
  // biome-ignore lint/suspicious/noExplicitAny: removing the stand-ins installed above
  delete (globalThis as any).cancelAnimationFrame;
});
afterAll(() => setEngineClient(null));

/** Waits until training has landed at least one report. */
async function trainingUnderWay(): Promise<void> {
  for (let i = 0; i < 5000 && state().updates === 0; i++) {
    await new Promise((done) => setTimeout(done, 1));
  }
  expect(state().training).toBe(true);
  expect(state().updates).toBeGreaterThan(0);
}

describe("1. what replaces the state during training is not overwritten by it", () => {
  // Where a late report lands depends on timing: each case runs at several delays.
  const delays = [0, 3, 7, 13, 21];
  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

  /** Gives reports already on their way, and frames already asked for, every chance. */
  async function aftermath(running: Promise<void>): Promise<void> {
    await running;
    for (let i = 0; i < 20; i++) await sleep(5);
    await settle();
  }

  test.each(delays)("an import while training keeps the imported state (%i ms in)", async (ms) => {
    const file = await fileOf(fiveByFive(null));
    resetApp();
    await requestSweep();
    const running = train(100_000);
    await trainingUnderWay();
    await sleep(ms);
    expect(await importState(file)).toBe(true);
    await aftermath(running);
    expect(state().training).toBe(false);
    expect(exportState()).toBe(file);
    await expectRoundTrip("after an import during training");
  });

  test.each(delays)("Reset while training stays reset (%i ms in)", async (ms) => {
    const initial = state().initialKernel;
    const running = train(100_000);
    await trainingUnderWay();
    await sleep(ms);
    reset();
    await aftermath(running);
    expect(state().kernel).toBe(initial);
    expect(state().updates).toBe(0);
    expect(state().training).toBe(false);
    await expectRoundTrip("after Reset during training");
  });

  test("opening a link while training replaces the state", async () => {
    const linked = fiveByFive(
      gridFromRows([
        [1, 0, 0, 0, -1],
        [2, 0, 0, 0, -2],
        [1, 0, 0, 0, -1],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ]),
    );
    resetApp();
    await requestSweep();
    const running = train(100_000);
    await trainingUnderWay();
    expect(await restoreSaved(linkDocument(linked))).toBe(true);
    await aftermath(running);
    expect(Array.from(state().kernel.data)).toEqual(Array.from(linked.kernel.data));
    expect(state().updates).toBe(3);
  });
});

describe("2. inputs larger than the app serves are refused before anything is made", () => {
  test("a 1400x1400 image is refused by its size, not by its data", async () => {
    const before = exportState();
    const doc = { ...fileDoc(before), image: { height: 1400, width: 1400, data: [] } };
    expect(await importState(JSON.stringify(doc))).toBe(false);
    expect(state().notice?.text).toMatch(/"image\.height" must be a whole number from 1 to 128/);
    expect(exportState()).toBe(before);
  });

  test("a 1x4096 image is refused too", async () => {
    const doc = linkDocument({ ...fiveByFive(null), image: createGrid(1, 4096) });
    expect(await restoreSaved(doc)).toBe(false);
    expect(state().notice?.text).toMatch(/"image\.width" must be a whole number from 1 to 128/);
  });
});

describe("3. every control keeps the shapes consistent", () => {
  test("a target-filter preset on a 5x5 kernel is drawn 5x5", async () => {
    await fileOf(fiveByFive(createGrid(5, 5)));
    for (const preset of FILTER_PRESETS) {
      setTargetPreset(preset);
      await settle();
      expect(state().targetKernel?.height).toBe(5);
      expect(state().targetKernel?.width).toBe(5);
      expect(state().engineError).toBeNull();
      await expectRoundTrip(`preset ${preset} on a 5x5 kernel`);
    }
  });

  test("stride 2 with an imported target (no target filter) keeps the state consistent", async () => {
    await fileOf(fiveByFive(null));
    setOptions({ stride: 2 });
    await settle();
    expect(state().engineError).toBeNull();
    const out = outputShape(state().image, state().kernel, state().options);
    expect([state().target.height, state().target.width]).toEqual([out.height, out.width]);
    expect(state().targetKernel?.height).toBe(5);
    await expectRoundTrip("stride 2 after an imported target");
  });

  test("options that keep the output's shape keep the imported target", async () => {
    const linked = fiveByFive(null);
    await fileOf(linked);
    // 12 + 2·2 − (4·2 + 1) + 1 = 8: the same 8x8 output as before.
    setOptions({ padding: 2, dilation: 2 });
    await settle();
    expect(state().targetKernel).toBeNull();
    expect(Array.from(state().target.data)).toEqual(Array.from(linked.target.data));
  });

  test("a target filter of another shape than the kernel is refused with a message", () => {
    const before = state().targetKernel;
    setTargetKernel(createGrid(5, 5));
    expect(state().targetKernel).toBe(before);
    expect(state().notice?.text).toMatch(/target filter must be 3x3/);
  });
});

describe("4. updates by hand, imports and edits cannot overflow", () => {
  test("learning rate 0.5 and Apply update a hundred times: refused before overflow", async () => {
    setLearningRate(0.5);
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      finishSweep();
      const updates = state().updates;
      applyUpdate();
      await settle();
      if (state().updates === updates) refused++;
      expect(state().kernel.data.every((w) => Math.abs(w) <= 1e6)).toBe(true);
      expect(state().engineError).toBeNull();
    }
    expect(refused).toBeGreaterThan(0);
    expect(state().notice?.text).toMatch(/not applied.*learning rate/);
    expect(state().notice?.text).not.toMatch(/NaN|Infinity/);
    await expectRoundTrip("after 100 updates at η = 0.5");
  });

  test("the loss growing a millionfold by hand offers the last good filter", async () => {
    const start = state().kernel;
    setLearningRate(0.05);
    for (let i = 0; i < 20 && state().notice === null; i++) {
      finishSweep();
      applyUpdate();
      await settle();
    }
    expect(state().notice?.text).toMatch(/grown over 1e\+6 times/);
    state().notice?.action?.run();
    await settle();
    expect(state().kernel).toBe(start);
    expect(state().updates).toBe(0);
  });

  test("learning rate 1e308 is refused; the rate stays", () => {
    setLearningRate(1e308);
    expect(state().learningRate).toBe(0.0002);
    expect(state().notice?.text).toMatch(/learning rate must be from 0 to 1,000,000/);
  });

  test("1e308 typed into the target filter is refused; the target stays", () => {
    const before = state().targetKernel;
    const huge = createGrid(3, 3);
    huge.data[4] = 1e308;
    setTargetKernel(huge);
    expect(state().targetKernel).toBe(before);
    expect(state().notice?.text).toMatch(/Target filter values must be from −1,000,000/);
  });

  test("a file with a finite 1e308 kernel is refused with a message for a person", async () => {
    const before = exportState();
    const doc = fileDoc(before) as { kernel: { data: number[] } };
    doc.kernel.data[0] = 1e308;
    expect(await importState(JSON.stringify(doc))).toBe(false);
    expect(state().notice?.text).toMatch(/"kernel\.data\[0\]" is 1e\+308; filter weights must be/);
    expect(exportState()).toBe(before);
  });
});

describe("7. the update counter never outgrows the file's limit", () => {
  test("at the limit, Apply update and Train are refused with a message", async () => {
    const linked = { ...fiveByFive(null), updates: MAX_UPDATES };
    await fileOf(linked);
    finishSweep();
    applyUpdate();
    await settle();
    expect(state().updates).toBe(MAX_UPDATES);
    expect(state().notice?.text).toMatch(/update counter has reached its limit/);
    await train(10);
    expect(state().updates).toBe(MAX_UPDATES);
    await expectRoundTrip("at the counter's limit");
  });

  test("near the limit, training stops at it", async () => {
    await fileOf({ ...fiveByFive(null), updates: MAX_UPDATES - 3, learningRate: 1e-6 });
    await train(10);
    await settle();
    expect(state().updates).toBe(MAX_UPDATES);
    await expectRoundTrip("trained up to the counter's limit");
  });
});

// ─── The property ────────────────────────────────────────────────────────────

/** A random valid state (small, so each run is quick). */
function randomLinked(seed: number): LinkedState {
  const random = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  for (;;) {
    const image = createGrid(int(1, 12), int(1, 12));
    image.data.forEach((_, i) => {
      image.data[i] = random() < 0.5 ? 0 : Math.round(random() * 100) / 100;
    });
    const kernel = createGrid(int(1, 5), int(1, 5));
    kernel.data.forEach((_, i) => {
      kernel.data[i] = (random() - 0.5) * 2;
    });
    const options = { stride: int(1, 4), padding: int(0, 3), dilation: int(1, 3) };
    let out: { height: number; width: number };
    try {
      out = outputShape(image, kernel, options);
    } catch {
      continue;
    }
    const withFilter = random() < 0.5;
    const targetKernel = withFilter
      ? createGrid(
          kernel.height,
          kernel.width,
          kernel.data.map(() => random() - 0.5),
        )
      : null;
    const target = createGrid(out.height, out.width);
    target.data.forEach((_, i) => {
      target.data[i] = random() * 4 - 2;
    });
    return {
      image,
      kernel,
      bias: random() - 0.5,
      target,
      targetKernel,
      options,
      reduction: random() < 0.5 ? "sum" : "mean",
      learningRate: [0, 1e-4, 0.01, 0.5, 1e3][int(0, 4)] as number,
      updates: random() < 0.2 ? MAX_UPDATES - int(0, 2) : int(0, 50),
      position: int(0, out.height * out.width),
    };
  }
}

type Act =
  | { kind: "import"; seed: number }
  | { kind: "options"; stride: number; padding: number; dilation: number }
  | { kind: "preset"; index: number }
  | { kind: "targetKernel"; height: number; width: number; value: number }
  | { kind: "learningRate"; value: number }
  | { kind: "update" }
  | { kind: "position"; fraction: number }
  | { kind: "train"; steps: number }
  | { kind: "trainThenImport"; seed: number }
  | { kind: "reset" }
  | { kind: "reduction"; mean: boolean }
  | { kind: "stroke"; row: number; col: number }
  | { kind: "imagePreset" };

const act: fc.Arbitrary<Act> = fc.oneof(
  fc.record({ kind: fc.constant("import" as const), seed: fc.integer({ min: 1, max: 1e6 }) }),
  fc.record({
    kind: fc.constant("options" as const),
    stride: fc.integer({ min: 1, max: 4 }),
    padding: fc.integer({ min: 0, max: 3 }),
    dilation: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant("preset" as const),
    index: fc.integer({ min: 0, max: FILTER_PRESETS.length - 1 }),
  }),
  fc.record({
    kind: fc.constant("targetKernel" as const),
    height: fc.integer({ min: 1, max: 5 }),
    width: fc.integer({ min: 1, max: 5 }),
    value: fc.constantFrom(0.5, -3, 1e6, 1e7, 1e308),
  }),
  fc.record({
    kind: fc.constant("learningRate" as const),
    value: fc.constantFrom(0, 1e-4, 0.5, 1e3, 1e6, 1e308, -1, Number.NaN),
  }),
  fc.constant({ kind: "update" as const }),
  fc.record({ kind: fc.constant("position" as const), fraction: fc.double({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant("train" as const), steps: fc.integer({ min: 1, max: 30 }) }),
  fc.record({
    kind: fc.constant("trainThenImport" as const),
    seed: fc.integer({ min: 1, max: 1e6 }),
  }),
  fc.constant({ kind: "reset" as const }),
  fc.record({ kind: fc.constant("reduction" as const), mean: fc.boolean() }),
  fc.record({
    kind: fc.constant("stroke" as const),
    row: fc.double({ min: 0, max: 12, noNaN: true }),
    col: fc.double({ min: 0, max: 12, noNaN: true }),
  }),
  fc.constant({ kind: "imagePreset" as const }),
);

async function perform(a: Act): Promise<void> {
  switch (a.kind) {
    case "import":
      await restoreSaved(linkDocument(randomLinked(a.seed)));
      return;
    case "options":
      setOptions({ stride: a.stride, padding: a.padding, dilation: a.dilation });
      return;
    case "preset":
      setTargetPreset(FILTER_PRESETS[a.index] ?? "blur");
      return;
    case "targetKernel":
      setTargetKernel(
        createGrid(a.height, a.width, new Float64Array(a.height * a.width).fill(a.value)),
      );
      return;
    case "learningRate":
      setLearningRate(a.value);
      return;
    case "update":
      finishSweep();
      applyUpdate();
      return;
    case "position":
      setPosition(a.fraction * (state().sweep?.outHeight ?? 0) * (state().sweep?.outWidth ?? 0));
      return;
    case "train":
      await train(a.steps);
      return;
    case "trainThenImport": {
      const running = train(100_000);
      await new Promise((done) => setTimeout(done, 2));
      await restoreSaved(linkDocument(randomLinked(a.seed)));
      await running;
      return;
    }
    case "reset":
      reset();
      return;
    case "reduction":
      setReduction(a.mean ? "mean" : "sum");
      return;
    case "stroke":
      await paintStroke(null, { row: a.row, col: a.col });
      return;
    case "imagePreset":
      loadImagePreset("checkerboard");
      return;
  }
}

describe("the state always exports and re-imports to itself", () => {
  test("random sequences of imports, options, edits, updates and training (seeded)", async () => {
    const refusedBefore = refusedChanges;
    await fc.assert(
      fc.asyncProperty(fc.array(act, { minLength: 1, maxLength: 14 }), async (acts) => {
        resetApp();
        await requestSweep();
        for (const [i, a] of acts.entries()) {
          await perform(a);
          await settle();
          const where = `after action ${i} ${JSON.stringify(a)}`;
          expect(state().engineError, where).toBeNull();
          expect(state().notice?.text ?? "", where).not.toMatch(/NaN|undefined|null/);
          await expectRoundTrip(where);
        }
      }),
      { seed: 17, numRuns: 150 },
    );
    // Every action checked what it was asked first: the store's guard never had to step in.
    expect(refusedChanges).toBe(refusedBefore);
  });
});
