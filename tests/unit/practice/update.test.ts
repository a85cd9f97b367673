// Practice's update exercises grade what Apply update really does (issue 26, item 9): each
// choice is applied with the engine's own sgdUpdate, and a choice is graded right exactly when
// it gives the same update; the reasons say why, in the case at hand.
import { describe, expect, test } from "vitest";
import { createGrid, type Grid, type Reduction, sgdUpdate } from "../../../src/engine/index";
import { type Exercise, fullSums, type PracticeState } from "../../../src/practice/exercise";
import { filterAfterUpdate } from "../../../src/practice/exercises/filterAfterUpdate";
import { meanLearningRate } from "../../../src/practice/exercises/meanLearningRate";
import { presetImage } from "../../../src/state/images";
import { formatNumber } from "../../../src/viz/format";
import { filled, practiceState, random, type StateSpec, zeroState } from "./states";

/** What Apply update makes of a state's filter and bias with its whole sweep's Σ, at η. */
function applied(state: PracticeState, eta: number): { kernel: Grid; bias: number } {
  const sums = fullSums(state.sweep);
  return sgdUpdate({ kernel: state.kernel, bias: state.bias }, sums.kernelGrad, sums.biasGrad, eta);
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

function sameUpdate(a: { kernel: Grid; bias: number }, b: { kernel: Grid; bias: number }) {
  return close(a.bias, b.bias) && a.kernel.data.every((v, i) => close(v, b.kernel.data[i] ?? 0));
}

/** The choice's value of η ("η · N = 0.1" → η·N computed again exactly). */
function etaOf(id: string, eta: number, n: number): number {
  return { overN: eta / n, same: eta, timesN: eta * n, timesN2: eta * n * n }[id] as number;
}

/** A one-position (1x1 output) state: a 3x3 image under the 3x3 filter. */
const onePosition: StateSpec = { image: filled(3, 3, 0.5) };

describe("Sum or mean: right exactly when the mean's update equals the sum's", () => {
  const specs: [string, StateSpec][] = [
    ["an ordinary state", {}],
    ["an all-zero image (the bias still moves)", { image: presetImage("blank", 12, 12) }],
    ["a painted δ", { delta: filled(10, 10, 0.3) }],
    ["a painted δ on an all-zero image", { image: createGrid(12, 12), delta: filled(10, 10, 1) }],
    ["η = 0", { learningRate: 0 }],
    ["one position", onePosition],
  ];
  test.each(specs)("%s, asked under either reduction", (_, spec) => {
    const byReduction = (reduction: Reduction) => practiceState({ ...spec, reduction });
    const sum = byReduction("sum");
    const mean = byReduction("mean");
    const n = sum.sweep.outHeight * sum.sweep.outWidth;
    const target = applied(sum, sum.learningRate);
    for (const asked of [sum, mean]) {
      const exercise = meanLearningRate(asked, random());
      for (const choice of exercise.choices) {
        const same = sameUpdate(applied(mean, etaOf(choice.id, sum.learningRate, n)), target);
        expect(exercise.correct.includes(choice.id), choice.label).toBe(same);
      }
    }
  });

  test("an all-zero image: the bias's gradient is not 0, so only η·N is right, and why", () => {
    const state = practiceState({ image: presetImage("blank", 12, 12) });
    expect(fullSums(state.sweep).biasGrad).not.toBe(0);
    const exercise = meanLearningRate(state, random());
    expect(exercise.correct).toEqual(["timesN"]);
    expect(exercise.answer).not.toMatch(/Any of them/);
    expect(exercise.reason).toMatch(/the bias: /);
  });

  test("Paint δ with the mean selected: η itself is right, and the reveal says why", () => {
    const exercise = meanLearningRate(
      practiceState({ delta: filled(10, 10, 0.3), reduction: "mean" }),
      random(),
    );
    expect(exercise.correct).toEqual(["same"]);
    expect(exercise.answer).toMatch(/itself: the painted δ is not divided by N/);
    expect(`${exercise.answer} ${exercise.reason}`).not.toMatch(/η · N|N times larger/);
  });

  test("a zero gradient everywhere: every choice is right, and the reason says so", () => {
    const exercise = meanLearningRate(zeroState(), random());
    expect(exercise.correct).toHaveLength(4);
    expect(exercise.answer).toMatch(/gradient is 0 in every weight and in the bias/);
  });
});

/** The filters a choice list prints, as the page prints them. */
function printedFilters(exercise: Exercise): string[] {
  return exercise.choices.map((c) =>
    Array.from(c.grid?.data ?? [], (v) => formatNumber(v, c.digits ?? 3)).join(" "),
  );
}

describe("The filter after one update: the right filter is Apply update's, to the bit", () => {
  const specs: [string, StateSpec][] = [
    ["an ordinary state", {}],
    ["one position (1x1 output)", onePosition],
    ["η = 1e−9", { learningRate: 1e-9 }],
    ["η = 0", { learningRate: 0 }],
    ["an all-zero image", { image: presetImage("blank", 12, 12) }],
    ["a painted zero δ", { delta: createGrid(10, 10) }],
    ["η = 1e6 on one position", { ...onePosition, learningRate: 1e6 }],
  ];
  test.each(specs)("%s: one right filter, every filter prints differently", (_, spec) => {
    for (const seed of [1, 2, 3]) {
      const state = practiceState(spec);
      const exercise = filterAfterUpdate(state, random(seed));
      expect(exercise.correct).toHaveLength(1);
      const update = applied(state, state.learningRate).kernel;
      for (const choice of exercise.choices) {
        if (choice.grid === undefined) continue;
        const same = choice.grid.data.every((v, i) => v === update.data[i]);
        expect(exercise.correct.includes(choice.id)).toBe(same);
      }
      const filters = printedFilters(exercise);
      if (exercise.choices.every((c) => c.grid !== undefined)) {
        expect(new Set(filters).size).toBe(filters.length);
      }
      expect(exercise.answer).not.toMatch(/coincide|Σ or η is 0/);
    }
  });

  test("one position: the first position's terms are Σ, so that filter is not offered", () => {
    const state = practiceState(onePosition);
    const exercise = filterAfterUpdate(state, random());
    expect(exercise.choices).toHaveLength(3);
    expect(exercise.correct).toHaveLength(1);
    expect(exercise.reason).not.toMatch(/first position's terms/);
    expect(exercise.reason).toMatch(/w \+ η·Σ climbs the loss/);
  });

  test("η = 1e−9: the three filters are printed with enough digits to tell them apart", () => {
    const exercise = filterAfterUpdate(practiceState({ learningRate: 1e-9 }), random());
    expect(exercise.choices).toHaveLength(3);
    expect(exercise.choices[0]?.digits).toBeGreaterThan(3);
    expect(new Set(printedFilters(exercise)).size).toBe(3);
  });

  test("η = 0: the filter does not move; w − Σ (η left out) is offered instead", () => {
    const exercise = filterAfterUpdate(practiceState({ learningRate: 0 }), random());
    expect(exercise.choices).toHaveLength(2);
    expect(exercise.reason).toMatch(/η is 0/);
    expect(exercise.reason).toMatch(/w − Σ leaves η out/);
  });

  test("no mistake would move the filter either (every term 0): it asks whether it changes", () => {
    const exercise = filterAfterUpdate(zeroState(), random());
    expect(exercise.choices.map((c) => c.id)).toEqual(["same", "moves"]);
    expect(exercise.correct).toEqual(["same"]);
    expect(exercise.reason).toMatch(/Σ is 0 in every weight/);
  });
});
