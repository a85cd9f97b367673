import {
  type Choice,
  type Exercise,
  fullSums,
  type Generator,
  num,
  PANELS,
  tied,
  weightName,
} from "../exercise";

/**
 * Which weight's summed gradient is largest in size after the whole sweep. Weights that tie
 * for the largest are all right; "all equal" is right when every weight ties (all zero, say).
 */
export const largestWeight: Generator = (state): Exercise => {
  const sums = fullSums(state.sweep).kernelGrad.data;
  const width = state.kernel.width;
  const sizes = Array.from(sums, Math.abs);
  const max = Math.max(...sizes);
  const choices: Choice[] = sizes.map((_, t) => ({ id: `w${t}`, label: weightName(t, width) }));
  choices.push({ id: "equal", label: "They are all equal in size" });
  const top = sizes.flatMap((s, t) => (tied(s, max) ? [`w${t}`] : []));
  const allEqual = top.length === sizes.length;
  const names = top.map((id) => weightName(Number(id.slice(1)), width));
  return {
    kind: "largestWeight",
    title: "The largest summed gradient",
    question:
      "After the whole sweep, which weight's summed gradient Σ δ·x is the largest in size (|Σ|)?",
    choices,
    correct: allEqual ? [...top, "equal"] : top,
    answer: allEqual
      ? `They are all equal in size (${num(max)}).`
      : `${names.join(" and ")}, with |Σ| = ${num(max)}${names.length > 1 ? " (a tie)" : ""}.`,
    reason: `Each weight sums δ times the cell it sees at every position: a weight whose cells line up with large δ of one sign collects the most. The sums are ${Array.from(sums, (v, t) => `${weightName(t, width)} = ${num(v)}`).join(", ")}. The weight maps show where each sum comes from.`,
    panel: PANELS.weightMaps,
  };
};
