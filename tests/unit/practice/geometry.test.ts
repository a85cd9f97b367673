// The kinds about where terms go: maskedPositions, mostTerms and strideTerms, with zero and
// tie states.
import { describe, expect, test } from "vitest";
import { outputShape } from "../../../src/engine/index";
import { maskedPositions } from "../../../src/practice/exercises/maskedPositions";
import { mostTerms, termCounts } from "../../../src/practice/exercises/mostTerms";
import { strideTerms } from "../../../src/practice/exercises/strideTerms";
import { presetImage } from "../../../src/state/images";
import { filled, practiceState, random, rightLabels, zeroState } from "./states";

describe("maskedPositions", () => {
  test("δ everywhere non-zero: the mask's size", () => {
    const exercise = maskedPositions(practiceState({ delta: filled(10, 10, 1) }), random(4));
    const [, top, bottom, left, right] =
      /rows (\d+)–(\d+) and columns (\d+)–(\d+)/.exec(exercise.question)?.map(Number) ?? [];
    const inside =
      ((bottom as number) - (top as number) + 1) * ((right as number) - (left as number) + 1);
    expect(rightLabels(exercise)).toEqual([String(inside)]);
  });

  test("every δ 0: none contribute, and 0 is right", () => {
    expect(rightLabels(maskedPositions(zeroState(), random(4)))).toEqual(["0"]);
  });
});

describe("mostTerms", () => {
  test("termCounts: a 3x3 kernel, stride 1, on 5x5: 9 in the centre, 1 in a corner", () => {
    const counts = termCounts(5, 5, 3, 3, 3, 3, { stride: 1, padding: 0, dilation: 1 });
    expect(counts[12]).toBe(9);
    expect(counts[0]).toBe(1);
    expect(counts[2]).toBe(3);
  });

  test("with padding 2 every cell of a 3x3 kernel's input receives 9", () => {
    const counts = termCounts(4, 4, 3, 3, 6, 6, { stride: 1, padding: 2, dilation: 1 });
    expect(new Set(counts)).toEqual(new Set([9]));
    const state = practiceState({ options: { padding: 2 } });
    const exercise = mostTerms(state, random(3));
    expect(exercise.correct).toHaveLength(exercise.choices.length);
    expect(exercise.answer).toMatch(/a tie/);
  });

  test("no padding: the centre beats the corner; another interior cell ties with it", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const exercise = mostTerms(practiceState(), random(seed));
      expect(exercise.correct).toContain("c65"); // (5, 5) of 12x12
      expect(exercise.correct).not.toContain("c0");
    }
  });

  test("stride 2 with a 1-cell gap: some cells receive no term at all", () => {
    const counts = termCounts(5, 5, 1, 1, 3, 3, { stride: 2, padding: 0, dilation: 1 });
    expect(counts[1]).toBe(0);
    expect(counts[0]).toBe(1);
  });
});

describe("strideTerms", () => {
  test("the count is the engine's output shape at the other stride", () => {
    const state = practiceState();
    const exercise = strideTerms(state, random(2));
    const stride = Number(/With stride (\d)/.exec(exercise.question)?.[1]);
    const out = outputShape(state.image, state.kernel, { ...state.options, stride });
    expect(rightLabels(exercise)).toEqual([`${out.height * out.width} positions`]);
  });

  test("a 3x3 image: every stride gives one position, so all tie in one choice", () => {
    const exercise = strideTerms(practiceState({ image: presetImage("noise", 3, 3) }), random(1));
    expect(exercise.choices).toHaveLength(1);
    expect(rightLabels(exercise)).toEqual(["1 position"]);
  });
});
