import {
  type Choice,
  deltaAt,
  type Exercise,
  type Generator,
  num,
  PANELS,
  pick,
  positionCount,
  positionName,
  shuffled,
  tied,
} from "../exercise";

/**
 * Which of four positions has the largest δ in size: the largest of the whole map among
 * three others. Positions that tie are all right; "all equal" when the four tie (all 0).
 */
export const largestDelta: Generator = (state, random): Exercise => {
  const { sweep } = state;
  const n = positionCount(sweep);
  let best = 0;
  for (let p = 1; p < n; p++)
    if (Math.abs(deltaAt(sweep, p)) > Math.abs(deltaAt(sweep, best))) best = p;
  const picked = new Set([best]);
  for (let tries = 0; picked.size < Math.min(4, n) && tries < 100; tries++)
    picked.add(pick(random, n));
  const positions = shuffled([...picked], random);
  const sizes = positions.map((p) => Math.abs(deltaAt(sweep, p)));
  const max = Math.max(...sizes);
  const choices: Choice[] = positions.map((p) => ({
    id: `p${p}`,
    label: `Position ${positionName(p, sweep.outWidth)}`,
  }));
  choices.push({ id: "equal", label: "They are all equal in size" });
  const top = positions.filter((_, i) => tied(sizes[i] as number, max)).map((p) => `p${p}`);
  const allEqual = top.length === positions.length;
  return {
    kind: "largestDelta",
    title: "The largest δ",
    question: `Of these positions, which has the largest error signal |δ| = |∂L/∂out|${state.painted ? " (the painted δ)" : ""}?`,
    choices,
    correct: allEqual ? [...top, "equal"] : top,
    answer: allEqual
      ? `They are all equal in size: |δ| = ${num(max)}.`
      : `${top.map((id) => `Position ${positionName(Number(id.slice(1)), sweep.outWidth)}`).join(" and ")}: |δ| = ${num(max)}.`,
    reason: `δ there: ${positions.map((p) => `${positionName(p, sweep.outWidth)} ${num(deltaAt(sweep, p))}`).join(", ")}. ${state.painted ? "The painted δ is what you set." : "δ = out − target (÷ N for the mean): it is largest where the output misses the target most."} The largest δ gives the position the loudest voice in the shared sum.`,
    panel: PANELS.forward,
  };
};
