import { seededRandom } from "../engine/index";
import type { Exercise, Generator, PracticeState } from "./exercise";
import { biasSign } from "./exercises/biasSign";
import { contributionSign } from "./exercises/contributionSign";
import { filterAfterUpdate } from "./exercises/filterAfterUpdate";
import { largestDelta } from "./exercises/largestDelta";
import { largestWeight } from "./exercises/largestWeight";
import { maskedPositions } from "./exercises/maskedPositions";
import { meanLearningRate } from "./exercises/meanLearningRate";
import { mostTerms } from "./exercises/mostTerms";
import { strideTerms } from "./exercises/strideTerms";
import { termSize } from "./exercises/termSize";
import { zeroDelta } from "./exercises/zeroDelta";

/** Every kind of exercise, in the order Practice offers them. */
export const KINDS = {
  contributionSign,
  termSize,
  largestWeight,
  filterAfterUpdate,
  maskedPositions,
  meanLearningRate,
  largestDelta,
  biasSign,
  zeroDelta,
  mostTerms,
  strideTerms,
} as const satisfies Record<string, Generator>;

/** The name of a kind. */
export type ExerciseKind = keyof typeof KINDS;

/** The kinds in order. */
export const KIND_NAMES = Object.keys(KINDS) as ExerciseKind[];

/**
 * The `index`-th exercise of a practice session (kinds in turn), built from the state with a
 * seeded choice of what it asks about: the same state, seed and index give the same exercise.
 */
export function exerciseAt(state: PracticeState, index: number, seed: number): Exercise {
  const kind = KIND_NAMES[index % KIND_NAMES.length] as ExerciseKind;
  return KINDS[kind](state, seededRandom(seed * 7919 + index));
}
