// The kinds about one position's terms and the bias: contributionSign, termSize, zeroDelta,
// biasSign, graded against the sweep's records, with zero and tie states.
import { describe, expect, test } from "vitest";
import { createGrid, gridFromRows, RECORD_KERNEL_GRAD } from "../../../src/engine/index";
import { grade } from "../../../src/practice/exercise";
import { biasSign } from "../../../src/practice/exercises/biasSign";
import { contributionSign } from "../../../src/practice/exercises/contributionSign";
import { termSize } from "../../../src/practice/exercises/termSize";
import { zeroDelta } from "../../../src/practice/exercises/zeroDelta";
import { filled, practiceState, random, rightLabels, zeroState } from "./states";

describe("contributionSign", () => {
  test("the right sign is the sign of the record's term δ·x, for every seed", () => {
    const state = practiceState({ position: 13 });
    for (let seed = 1; seed <= 20; seed++) {
      const exercise = contributionSign(state, random(seed));
      const tap = Number(/w\[(\d)\]\[(\d)\]/.exec(exercise.question)?.slice(1, 3).join("")) || 0;
      const a = Math.floor(tap / 10);
      const b = tap % 10;
      const term = state.sweep.records[
        13 * state.sweep.recordLength + RECORD_KERNEL_GRAD + a * 3 + b
      ] as number;
      const want = term > 0 ? "positive" : term < 0 ? "negative" : "zero";
      expect(exercise.correct).toEqual([want]);
      expect(grade(exercise, want).right).toBe(true);
    }
  });

  test("δ = 0: the answer is zero, and the reason says why", () => {
    const exercise = contributionSign(zeroState(), random(2));
    expect(exercise.correct).toEqual(["zero"]);
    expect(exercise.reason).toMatch(/δ is 0 there/);
  });

  test("a black input cell: zero although δ is not", () => {
    const state = practiceState({ image: createGrid(12, 12), delta: filled(10, 10, 2) });
    const exercise = contributionSign(state, random(4));
    expect(exercise.correct).toEqual(["zero"]);
    expect(exercise.reason).toMatch(/input cell .* is 0/);
  });
});

describe("termSize", () => {
  test("the right value is δ·x", () => {
    const state = practiceState({ delta: filled(10, 10, 0.5), image: filled(12, 12, 0.25) });
    const exercise = termSize(state, random(1));
    expect(rightLabels(exercise)).toEqual(["0.125"]);
  });

  test("x = 1 makes δ·x tie with δ: they merge into one right choice", () => {
    const state = practiceState({ delta: filled(10, 10, 0.5), image: filled(12, 12, 1) });
    const exercise = termSize(state, random(1));
    expect(rightLabels(exercise)).toEqual(["0.5"]);
    expect(exercise.choices.filter((c) => c.label === "0.5")).toHaveLength(1);
  });

  test("δ = 0: zero is right", () => {
    const exercise = termSize(zeroState(), random(3));
    expect(rightLabels(exercise)).toEqual(["0"]);
  });
});

describe("zeroDelta", () => {
  test("a state with a zero δ asks about that position; nothing is the answer", () => {
    const delta = filled(10, 10, 1);
    delta.data[23] = 0;
    const exercise = zeroDelta(practiceState({ delta }), random(1));
    expect(exercise.question).toMatch(/Position \(2, 3\) has δ = 0/);
    expect(rightLabels(exercise)).toEqual(["0"]);
  });

  test("no zero δ: the question supposes one; a zero input cell ties x and x·w with 0", () => {
    const exercise = zeroDelta(
      practiceState({ image: createGrid(12, 12), delta: filled(10, 10, 3) }),
      random(1),
    );
    expect(exercise.question).toMatch(/Suppose δ at position/);
    expect(exercise.correct.length).toBe(1);
    expect(rightLabels(exercise)).toEqual(["0"]);
  });
});

describe("biasSign", () => {
  test("the sign of Σ δ", () => {
    expect(biasSign(practiceState({ delta: filled(10, 10, -1) }), random()).correct).toEqual([
      "negative",
    ]);
    expect(biasSign(practiceState({ delta: filled(10, 10, 2) }), random()).correct).toEqual([
      "positive",
    ]);
  });

  test("δ that cancel, and δ all 0, give exactly zero", () => {
    const cancel = gridFromRows([
      [1, -1],
      [-1, 1],
    ]);
    const state = practiceState({ image: filled(4, 4, 1), kernel: filled(3, 3, 1), delta: cancel });
    expect(biasSign(state, random()).correct).toEqual(["zero"]);
    expect(biasSign(zeroState(), random()).correct).toEqual(["zero"]);
  });
});
