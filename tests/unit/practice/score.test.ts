// The practice score in localStorage: its own key, and a damaged entry is no score, never a crash.
import { describe, expect, test } from "vitest";
import {
  loadScore,
  MAX_COUNT,
  NO_SCORE,
  parseScore,
  SCORE_KEY,
  saveScore,
  scored,
  scoreFull,
} from "../../../src/practice/score";

function memory(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
  } as Storage;
}

describe("the practice score", () => {
  test("counts answers and right ones, and round-trips through storage under its own key", () => {
    const storage = memory();
    const score = scored(scored(NO_SCORE, true), false);
    expect(score).toEqual({ answered: 2, right: 1 });
    expect(saveScore(storage, score)).toBe(true);
    expect(SCORE_KEY).toBe("convsweep-practice-score");
    expect(loadScore(storage)).toEqual(score);
  });

  test.each([
    ["not JSON", "{oops"],
    ["null", "null"],
    ["an array", "[1, 2]"],
    ["strings", '{"answered": "3", "right": 1}'],
    ["negative", '{"answered": -1, "right": 0}'],
    ["more right than answered", '{"answered": 1, "right": 2}'],
    ["fractions", '{"answered": 1.5, "right": 1}'],
  ])("a damaged entry (%s) is no score", (_, text) => {
    expect(parseScore(text)).toEqual(NO_SCORE);
  });

  test("a storage that throws is no score, and saving into it reports false", () => {
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("full");
      },
    };
    expect(loadScore(broken)).toEqual(NO_SCORE);
    expect(saveScore(broken, { answered: 1, right: 1 })).toBe(false);
    expect(loadScore(null)).toEqual(NO_SCORE);
  });

  test("a score at its limit stays readable: the next answer is not counted (issue 26, item 4)", () => {
    const storage = memory();
    const full = { answered: MAX_COUNT, right: MAX_COUNT };
    expect(saveScore(storage, full)).toBe(true);
    expect(loadScore(storage)).toEqual(full);
    // One more answer, right or wrong: the score stays as it is, and stays readable.
    for (const right of [true, false]) {
      const after = scored(loadScore(storage), right);
      expect(after).toEqual(full);
      expect(scoreFull(after)).toBe(true);
      expect(saveScore(storage, after)).toBe(true);
      expect(loadScore(storage)).toEqual(full);
    }
    // The last answer the score counts reaches the limit and reads back.
    const last = scored({ answered: MAX_COUNT - 1, right: 7 }, false);
    expect(last).toEqual({ answered: MAX_COUNT, right: 7 });
    expect(scoreFull(last)).toBe(true);
    expect(saveScore(storage, last)).toBe(true);
    expect(loadScore(storage)).toEqual(last);
  });

  test.each([
    ["past the limit", { answered: MAX_COUNT + 1, right: 0 }],
    ["more right than answered", { answered: 1, right: 2 }],
    ["a fraction", { answered: 1.5, right: 1 }],
    ["negative", { answered: -1, right: -1 }],
  ])("a score the reader refuses (%s) is never written", (_, bad) => {
    const storage = memory();
    const kept = { answered: 3, right: 2 };
    saveScore(storage, kept);
    expect(saveScore(storage, bad)).toBe(false);
    expect(loadScore(storage)).toEqual(kept);
  });
});
