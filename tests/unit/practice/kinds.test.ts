// Every kind of exercise, on many states: well formed, deterministic, graded by its own right
// answers, and never without a right answer (zero and tie states included).
import { describe, expect, test } from "vitest";
import { createGrid } from "../../../src/engine/index";
import { grade } from "../../../src/practice/exercise";
import { exerciseAt, KIND_NAMES, KINDS } from "../../../src/practice/kinds";
import { presetImage } from "../../../src/state/images";
import { filled, practiceState, random, zeroState } from "./states";

const STATES = {
  ordinary: practiceState(),
  "mid-sweep, stride 2, padding 1, mean": practiceState({
    options: { stride: 2, padding: 1 },
    reduction: "mean",
    position: 7,
  }),
  "every δ is 0": zeroState(),
  "a blank image": practiceState({ image: presetImage("blank", 12, 12) }),
  "a painted δ of ones (every δ ties)": practiceState({ delta: filled(10, 10, 1) }),
  "a painted zero δ": practiceState({ delta: createGrid(10, 10) }),
  "η = 0": practiceState({ learningRate: 0 }),
  "the sweep finished": practiceState({ position: 100 }),
};

describe.each(Object.entries(STATES))("every kind on %s", (_, state) => {
  test.each(KIND_NAMES)("%s: choices, a right answer among them, a reason and a panel", (kind) => {
    const exercise = KINDS[kind](state, random(5));
    expect(exercise.kind).toBe(kind);
    expect(exercise.choices.length).toBeGreaterThanOrEqual(2);
    const ids = exercise.choices.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(exercise.correct.length).toBeGreaterThan(0);
    for (const id of exercise.correct) expect(ids).toContain(id);
    expect(new Set(exercise.choices.map((c) => c.label)).size).toBe(ids.length);
    for (const text of [exercise.question, exercise.answer, exercise.reason]) {
      expect(text).not.toMatch(/NaN|undefined|Infinity/);
    }
    expect(exercise.panel.id).toMatch(/^[a-z-]+$/);
    for (const id of ids) expect(grade(exercise, id).right).toBe(exercise.correct.includes(id));
  });
});

describe("the session", () => {
  test("kinds come in turn, at least 8 of them, and the same seed gives the same exercise", () => {
    expect(KIND_NAMES.length).toBeGreaterThanOrEqual(8);
    const state = STATES.ordinary;
    const kinds = KIND_NAMES.map((_, i) => exerciseAt(state, i, 3).kind);
    expect(kinds).toEqual(KIND_NAMES);
    expect(exerciseAt(state, 4, 3)).toEqual(exerciseAt(state, 4, 3));
  });

  test("exercises follow the live state: another image asks other numbers", () => {
    const a = exerciseAt(STATES.ordinary, 7, 1);
    const b = exerciseAt(practiceState({ image: presetImage("checkerboard", 12, 12) }), 7, 1);
    expect(a.answer).not.toBe(b.answer);
  });
});
