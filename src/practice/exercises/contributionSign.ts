import { RECORD_KERNEL_GRAD } from "../../engine/index";
import {
  deltaAt,
  type Exercise,
  type Generator,
  nextPosition,
  num,
  PANELS,
  pick,
  positionName,
  SIGN_CHOICES,
  signOf,
  weightName,
} from "../exercise";
import { seenCell } from "./seenCell";

/**
 * The sign of the next position's contribution to one weight: δ there times the input cell
 * the weight sees. Zero when either is zero.
 */
export const contributionSign: Generator = (state, random): Exercise => {
  const { sweep } = state;
  const p = nextPosition(state);
  const tap = pick(random, state.kernel.data.length);
  const term = sweep.records[p * sweep.recordLength + RECORD_KERNEL_GRAD + tap] as number;
  const delta = deltaAt(sweep, p);
  const x = seenCell(state, p, tap);
  const w = weightName(tap, state.kernel.width);
  const where = positionName(p, sweep.outWidth);
  const sign = signOf(term);
  const why =
    sign === "zero"
      ? delta === 0
        ? "δ is 0 there, so every term of this position is 0, whatever the input."
        : `the input cell ${w} sees is 0 (black, or padding), so δ · 0 = 0.`
      : `the signs multiply: δ is ${signOf(delta)} and the input cell is ${signOf(x)}.`;
  return {
    kind: "contributionSign",
    title: "Sign of the next term",
    question: `At the next position ${where}, what is the sign of the term it adds to ${w}'s gradient?`,
    choices: SIGN_CHOICES,
    correct: [sign],
    answer: `${sign === "zero" ? "Exactly zero" : sign === "positive" ? "Positive" : "Negative"}: the term is ${num(term)}.`,
    reason: `The term is δ · x = ${num(delta)} · ${num(x)} = ${num(term)}: ${why}`,
    panel: PANELS.thisPosition,
  };
};
