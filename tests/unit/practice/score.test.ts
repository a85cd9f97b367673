// The practice score in localStorage: its own key, and a damaged entry is no score, never a crash.
import { describe, expect, test } from "vitest";
import {
  loadScore,
  NO_SCORE,
  parseScore,
  SCORE_KEY,
  saveScore,
  scored,
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
});
