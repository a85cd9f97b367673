import {
  type Exercise,
  fullSums,
  type Generator,
  num,
  PANELS,
  positionCount,
  tied,
} from "../exercise";

/**
 * Sum or mean: the learning rate that makes the mean's update equal the sum's at η. The
 * mean's gradient is the sum's divided by N, so it is η·N. When η or the gradient is 0,
 * every choice gives the same (empty) update: all tie.
 */
export const meanLearningRate: Generator = (state): Exercise => {
  const n = positionCount(state.sweep);
  const eta = state.learningRate;
  const sums = fullSums(state.sweep);
  // The gradient under the sum: a painted δ is the sum's δ; a mean sweep's δ is N times smaller.
  const scale = state.reduction === "mean" && !state.painted ? n : 1;
  const g = sums.kernelGrad.data.map((v) => v * scale);
  const zero = eta === 0 || g.every((v) => v === 0);
  const formulas = [
    { id: "overN", label: "η / N", value: eta / n },
    { id: "same", label: "η", value: eta },
    { id: "timesN", label: "η · N", value: eta * n },
    { id: "timesN2", label: "η · N²", value: eta * n * n },
  ];
  const choices = formulas.map((f) => ({ id: f.id, label: `${f.label} = ${num(f.value)}` }));
  const correct = formulas.filter((f) => zero || tied(f.value, eta * n)).map((f) => f.id);
  return {
    kind: "meanLearningRate",
    title: "Sum or mean",
    question: `With the sum, L = ½ Σ (out − target)², the update uses η = ${num(eta)}. With the mean, L = ½ · (1/N) Σ (out − target)² over the N = ${n} positions, which η gives exactly the same update?`,
    choices,
    correct,
    answer: zero
      ? "Any of them: the update is η times a zero gradient (or η is 0), so every choice changes nothing."
      : `η = ${num(eta * n)}, that is η · N.`,
    reason: `The mean divides every δ by N, so its gradient is the sum's / N (w[0][0]: ${num(g[0] as number)} / ${n} = ${num((g[0] as number) / n)}); the mean's η must be N times larger: ${num(eta)} · ${n} = ${num(eta * n)}.`,
    panel: PANELS.reduction,
  };
};
