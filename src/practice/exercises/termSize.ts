import { RECORD_KERNEL_GRAD } from "../../engine/index";
import {
  deltaAt,
  type Exercise,
  type Generator,
  nextPosition,
  num,
  numberChoices,
  PANELS,
  pick,
  positionName,
  weightName,
} from "../exercise";
import { seenCell } from "./seenCell";

/**
 * The size of the next position's term for one weight: δ · x, beside the numbers a guess
 * confuses it with (δ alone, x alone, δ times the weight). Equal values tie.
 */
export const termSize: Generator = (state, random): Exercise => {
  const { sweep, kernel } = state;
  const p = nextPosition(state);
  const tap = pick(random, kernel.data.length);
  const term = sweep.records[p * sweep.recordLength + RECORD_KERNEL_GRAD + tap] as number;
  const delta = deltaAt(sweep, p);
  const x = seenCell(state, p, tap);
  const weight = kernel.data[tap] as number;
  const w = weightName(tap, kernel.width);
  const { choices, correct } = numberChoices(
    [term, delta, x, delta * weight].sort((a, b) => a - b),
    term,
    num,
  );
  return {
    kind: "termSize",
    title: "Size of the next term",
    question: `At the next position ${positionName(p, sweep.outWidth)}, δ = ${num(delta)} and ${w} sees the input cell x = ${num(x)} (the weight itself is ${num(weight)}). What does this position add to ${w}'s gradient?`,
    choices,
    correct,
    answer: `${num(term)}.`,
    reason: `A weight's term is δ times the input cell it sees, not the weight: ${num(delta)} · ${num(x)} = ${num(term)}. (δ times the weight, ${num(delta * weight)}, is what goes to the input gradient.)`,
    panel: PANELS.thisPosition,
  };
};
