import { RECORD_KERNEL_GRAD } from "../../engine/index";
import {
  deltaAt,
  type Exercise,
  type Generator,
  num,
  numberChoices,
  PANELS,
  pick,
  positionCount,
  positionName,
  weightName,
} from "../exercise";
import { seenCell } from "./seenCell";

/**
 * What a position with δ = 0 adds to a weight's running sum: nothing, whatever the input it
 * sees. A position of the state whose δ is 0 when there is one (its record is the proof), or
 * the nearest to it (the smallest |δ|) set to 0 in thought otherwise.
 */
export const zeroDelta: Generator = (state, random): Exercise => {
  const { sweep, kernel } = state;
  const n = positionCount(sweep);
  const zeros: number[] = [];
  let smallest = 0;
  for (let p = 0; p < n; p++) {
    const d = Math.abs(deltaAt(sweep, p));
    if (d === 0) zeros.push(p);
    if (d < Math.abs(deltaAt(sweep, smallest))) smallest = p;
  }
  const real = zeros.length > 0;
  const p = real ? (zeros[pick(random, zeros.length)] as number) : smallest;
  const tap = pick(random, kernel.data.length);
  const x = seenCell(state, p, tap);
  const weight = kernel.data[tap] as number;
  // The record's own term when δ really is 0; 0 · x otherwise.
  const term = real
    ? (sweep.records[p * sweep.recordLength + RECORD_KERNEL_GRAD + tap] as number)
    : 0 * x;
  const w = weightName(tap, kernel.width);
  const where = positionName(p, sweep.outWidth);
  const { choices, correct } = numberChoices(
    [0, x, weight, x * weight].sort((a, b) => a - b),
    term,
    num,
  );
  return {
    kind: "zeroDelta",
    title: "A position with δ = 0",
    question: `${real ? `Position ${where} has δ = 0.` : `Suppose δ at position ${where} were 0 (it is ${num(deltaAt(sweep, p))}).`} ${w} sees the input cell x = ${num(x)} there, and the weight is ${num(weight)}. What does this position add to ${w}'s running sum?`,
    choices,
    correct,
    answer: `${num(term)}: nothing.`,
    reason: `Every term of a position is δ times something: δ · x = 0 · ${num(x)} = 0 for the weight, δ · w = 0 for the input gradient, δ = 0 for the bias. A position where the output is already right teaches the shared filter nothing, however bright its input.${choices.length < 4 ? " (Some choices were equal, so they merged.)" : ""}`,
    panel: PANELS.thisPosition,
  };
};
