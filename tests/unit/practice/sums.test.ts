// The kinds about the whole sweep: largestWeight, filterAfterUpdate, meanLearningRate and
// largestDelta, graded against the engine's sums, with zero and tie states.
import { describe, expect, test } from "vitest";
import { createGrid, gridFromRows } from "../../../src/engine/index";
import { fullSums } from "../../../src/practice/exercise";
import { filterAfterUpdate } from "../../../src/practice/exercises/filterAfterUpdate";
import { largestDelta } from "../../../src/practice/exercises/largestDelta";
import { largestWeight } from "../../../src/practice/exercises/largestWeight";
import { meanLearningRate } from "../../../src/practice/exercises/meanLearningRate";
import { filled, practiceState, random, rightLabels, zeroState } from "./states";

describe("largestWeight", () => {
  test("the weight with the largest |Σ δ·x|, as conv2dBackward computes it", () => {
    const state = practiceState();
    const out = state.sweep;
    const sums = fullSums(out).kernelGrad.data;
    const best = sums.reduce((b, v, i) => (Math.abs(v) > Math.abs(sums[b] as number) ? i : b), 0);
    expect(largestWeight(state, random()).correct).toEqual([`w${best}`]);
  });

  test("a one-hot δ on a patch with one bright cell: that weight alone", () => {
    const image = createGrid(4, 4);
    image.data[1 * 4 + 2] = 1; // seen by w[0][1] at position (1, 1)
    const delta = createGrid(2, 2);
    delta.data[3] = -2;
    const exercise = largestWeight(practiceState({ image, delta }), random());
    expect(rightLabels(exercise)).toEqual(["w[0][1]"]);
  });

  test("a constant image ties every weight: each and 'all equal' are right", () => {
    const exercise = largestWeight(practiceState({ image: filled(12, 12, 1) }), random());
    expect(exercise.correct).toHaveLength(10);
    expect(exercise.correct).toContain("equal");
  });

  test("every δ 0: all weights tie at 0", () => {
    const exercise = largestWeight(zeroState(), random());
    expect(exercise.correct).toContain("equal");
    expect(exercise.answer).toMatch(/all equal in size \(0\)/);
  });
});

describe("filterAfterUpdate", () => {
  test("the right candidate is w − η·Σ, and it is one of three different filters", () => {
    const state = practiceState({ learningRate: 0.05 });
    const exercise = filterAfterUpdate(state, random(9));
    expect(exercise.choices).toHaveLength(3);
    expect(exercise.correct).toHaveLength(1);
    const right = exercise.choices.find((c) => c.id === exercise.correct[0])?.grid;
    const sums = fullSums(state.sweep).kernelGrad.data;
    state.kernel.data.forEach((w, i) => {
      expect(right?.data[i]).toBeCloseTo(w - 0.05 * (sums[i] as number), 12);
    });
  });

  test("the right one moves around with the seed", () => {
    const state = practiceState();
    const places = new Set(
      [1, 2, 3, 4, 5, 6, 7, 8].map((s) => filterAfterUpdate(state, random(s)).correct[0]),
    );
    expect(places.size).toBeGreaterThan(1);
  });

  test("Σ = 0 or η = 0: filters that coincide with the right one are not offered", () => {
    // Every term 0: no wrong filter differs, so it asks whether the filter changes.
    expect(filterAfterUpdate(zeroState(), random()).correct).toEqual(["same"]);
    // η = 0: w − Σ (η left out) is the one wrong filter that differs (update.test.ts).
    const eta0 = filterAfterUpdate(practiceState({ learningRate: 0 }), random());
    expect(eta0.choices).toHaveLength(2);
    expect(eta0.correct).toHaveLength(1);
  });
});

describe("meanLearningRate", () => {
  test("η · N is right", () => {
    const exercise = meanLearningRate(practiceState({ learningRate: 0.001 }), random());
    expect(exercise.correct).toEqual(["timesN"]);
    expect(rightLabels(exercise)).toEqual(["η · N = 0.1"]);
  });

  test("N = 1 ties η, η/N and η·N", () => {
    const state = practiceState({ image: filled(3, 3, 0.5), learningRate: 0.1 });
    expect(meanLearningRate(state, random()).correct).toEqual([
      "overN",
      "same",
      "timesN",
      "timesN2",
    ]);
  });

  test("a zero gradient: every η gives the same update", () => {
    const exercise = meanLearningRate(zeroState(), random());
    expect(exercise.correct).toHaveLength(4);
    expect(exercise.answer).toMatch(/Any of them/);
  });
});

describe("largestDelta", () => {
  test("the largest |δ| of the map is offered and right", () => {
    const delta = filled(10, 10, 0.1);
    delta.data[57] = -4;
    const exercise = largestDelta(practiceState({ delta }), random(3));
    expect(exercise.correct).toEqual(["p57"]);
    expect(exercise.choices.map((c) => c.id)).toContain("p57");
  });

  test("ties: two cells of the same size, either sign, are both right", () => {
    const delta = gridFromRows([
      [3, 0],
      [0, -3],
    ]);
    const exercise = largestDelta(practiceState({ image: filled(4, 4, 1), delta }), random(2));
    expect([...exercise.correct].sort()).toEqual(["p0", "p3"]);
  });

  test("every δ 0: all equal", () => {
    const exercise = largestDelta(zeroState(), random());
    expect(exercise.correct).toContain("equal");
    expect(exercise.correct).toHaveLength(exercise.choices.length);
  });
});
