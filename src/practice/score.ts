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

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
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

/** The score after one more answer. */
export function scored(score: Score, right: boolean): Score {
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

/** Stores the score; a full or refused storage keeps it for this page only (returns false). */
export function saveScore(storage: ScoreStorage | null, score: Score): boolean {
  try {
    storage?.setItem(SCORE_KEY, JSON.stringify(score));
    return storage !== null;
  } catch {
    return false;
  }
}
