import {
  deltaAt,
  type Exercise,
  type Generator,
  num,
  numberChoices,
  PANELS,
  pick,
  positionCount,
} from "../exercise";

/**
 * How many positions contribute anything when δ is masked to a block of rows and columns:
 * those inside the block whose δ is not 0 (a position with δ = 0 adds nothing, not even to
 * the bias).
 */
export const maskedPositions: Generator = (state, random): Exercise => {
  const { sweep } = state;
  const { outHeight: h, outWidth: w } = sweep;
  const top = pick(random, h);
  const left = pick(random, w);
  const bottom = top + pick(random, h - top);
  const right = left + pick(random, w - left);
  const inside = (bottom - top + 1) * (right - left + 1);
  let count = 0;
  for (let r = top; r <= bottom; r++) {
    for (let c = left; c <= right; c++) if (deltaAt(sweep, r * w + c) !== 0) count++;
  }
  const zeros = inside - count;
  const { choices, correct } = numberChoices(
    [count, inside, positionCount(sweep), 0].sort((a, b) => a - b),
    count,
    (v) => String(v),
  );
  return {
    kind: "maskedPositions",
    title: "Positions that contribute",
    question: `δ is masked: kept on output rows ${top}–${bottom} and columns ${left}–${right}, set to 0 everywhere else. How many of the ${positionCount(sweep)} positions then add anything to the running sum?`,
    choices,
    correct,
    answer: `${count}.`,
    reason: `Every term of a position is δ times something, so a position with δ = 0 adds nothing. The mask keeps ${inside} positions${zeros > 0 ? `, of which ${zeros} already have δ = 0` : ""}: ${count} contribute. Elsewhere δ = 0, so the other ${positionCount(sweep) - inside} add nothing (δ at (${top}, ${left}) is ${num(deltaAt(sweep, top * w + left))}).`,
    panel: PANELS.forward,
  };
};
