/**
 * The practice score kept in this browser: answers checked and how many were right. An entry
 * that is missing, damaged or of another shape counts as no score yet; it never throws.
 */

/** The localStorage key of the score (its own, beside the saved work's). */
export const SCORE_KEY = "convsweep-practice-score";

/** Answers checked so far and how many were right. */
export interface Score {
  readonly answered: number;
  readonly right: number;
}

/** No answers yet. */
export const NO_SCORE: Score = { answered: 0, right: 0 };

/**
 * The most answers the score counts: past it a count would no longer be exact, and the reader
 * would refuse it. At the limit further answers are graded but not counted (see scored).
 */
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** What the score says once it has reached MAX_COUNT answers. */
export const SCORE_FULL = `The score counts at most ${MAX_COUNT.toLocaleString("en-US")} answers, so this one was not counted.`;

function isCount(value: unknown): value is number {
  return (
    typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= MAX_COUNT
  );
}

/** Reads a stored entry's text; anything but a well-formed score is no score. */
export function parseScore(text: string | null): Score {
  if (text === null) return NO_SCORE;
  try {
    const doc: unknown = JSON.parse(text);
    if (typeof doc !== "object" || doc === null) return NO_SCORE;
    const { answered, right } = doc as Record<string, unknown>;
    if (!isCount(answered) || !isCount(right) || right > answered) return NO_SCORE;
    return { answered, right };
  } catch {
    return NO_SCORE;
  }
}

/** True when the score counts no more answers: one more would pass MAX_COUNT. */
export function scoreFull(score: Score): boolean {
  return score.answered >= MAX_COUNT;
}

/** The score after one more answer; at the limit, the score as it is (see scoreFull). */
export function scored(score: Score, right: boolean): Score {
  if (scoreFull(score)) return score;
  return { answered: score.answered + 1, right: score.right + (right ? 1 : 0) };
}

/** The minimal storage the score needs (localStorage, or a stand-in in tests). */
export type ScoreStorage = Pick<Storage, "getItem" | "setItem">;

/** The stored score (no score when storage cannot be read). */
export function loadScore(storage: ScoreStorage | null): Score {
  try {
    return parseScore(storage?.getItem(SCORE_KEY) ?? null);
  } catch {
    return NO_SCORE;
  }
}

/**
 * Stores the score; a full or refused storage keeps it for this page only (returns false). A
 * score the reader would refuse (parseScore) is never written: false, and the stored one stays.
 */
export function saveScore(storage: ScoreStorage | null, score: Score): boolean {
  const text = JSON.stringify({ answered: score.answered, right: score.right });
  const back = parseScore(text);
  if (back.answered !== score.answered || back.right !== score.right) return false;
  try {
    storage?.setItem(SCORE_KEY, text);
    return storage !== null;
  } catch {
    return false;
  }
}
