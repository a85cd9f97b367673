import {
  type Exercise,
  fullSums,
  type Generator,
  num,
  PANELS,
  positionCount,
  tied,
  weightName,
} from "../exercise";

/**
 * Sum or mean: the learning rate that makes the mean's update equal the sum's at η. Apply
 * update moves the filter and the bias, each by η times its gradient. Derived from the target,
 * the mean's δ is the sum's divided by N, and so is every gradient: the answer is η·N. A
 * painted δ is ∂L/∂out itself under either reduction, so the gradient is the same and the
 * answer is η. When η is 0, or the gradient is 0 in every weight and in the bias, every
 * choice gives the same (empty) update: all are right. The reasons say which case it is.
 */
export const meanLearningRate: Generator = (state): Exercise => {
  const n = positionCount(state.sweep);
  const eta = state.learningRate;
  const { painted } = state;
  const sums = fullSums(state.sweep);
  // The gradient under the sum: a painted δ is the same under both; a mean sweep's δ is the
  // sum's / N.
  const scale = state.reduction === "mean" && !painted ? n : 1;
  const kernelGrad = Array.from(sums.kernelGrad.data, (v) => v * scale);
  const biasGrad = sums.biasGrad * scale;
  const zeroGradient = biasGrad === 0 && kernelGrad.every((v) => v === 0);
  const zero = eta === 0 || zeroGradient;
  // The mean's η that gives the sum's update.
  const answer = painted ? eta : eta * n;
  const formulas = [
    { id: "overN", label: "η / N", value: eta / n },
    { id: "same", label: "η", value: eta },
    { id: "timesN", label: "η · N", value: eta * n },
    { id: "timesN2", label: "η · N²", value: eta * n * n },
  ];
  const choices = formulas.map((f) => ({ id: f.id, label: `${f.label} = ${num(f.value)}` }));
  const correct = formulas.filter((f) => zero || tied(f.value, answer)).map((f) => f.id);
  // The worked example: a weight whose gradient is not 0, else the bias (Apply update moves both).
  const tap = kernelGrad.findIndex((v) => v !== 0);
  const name = tap >= 0 ? weightName(tap, state.kernel.width) : "the bias";
  const g = tap >= 0 ? (kernelGrad[tap] as number) : biasGrad;
  const loss = painted
    ? `In Paint δ mode ∂L/∂out is the δ you painted (L = Σ δ·out). With the sum selected`
    : "With the sum, L = ½ Σ (out − target)²,";
  const mean = painted
    ? `With the mean selected, over the N = ${n} position${n === 1 ? "" : "s"},`
    : `With the mean, L = ½ · (1/N) Σ (out − target)² over the N = ${n} position${n === 1 ? "" : "s"},`;
  return {
    kind: "meanLearningRate",
    title: "Sum or mean",
    question: `${loss} the update uses η = ${num(eta)}. ${mean} which η gives exactly the same update?`,
    choices,
    correct,
    answer: zero
      ? `Any of them: ${eta === 0 ? "η is 0, so every choice is 0" : "the gradient is 0 in every weight and in the bias"}, and every choice changes nothing.`
      : painted
        ? `η = ${num(eta)} itself: the painted δ is not divided by N.`
        : `η = ${num(eta * n)}, that is η · N.`,
    reason: painted
      ? `A painted δ is ∂L/∂out as you painted it, under the sum and the mean alike: no δ is divided by N, so the gradient is the same (${name}: ${num(g)} with either) and the same η = ${num(eta)} gives the same update.`
      : `The mean divides every δ by N, so every gradient is the sum's / N (${name}: ${num(g)} / ${n} = ${num(g / n)}); the mean's η must be N times larger: ${num(eta)} · ${n} = ${num(eta * n)}.${zeroGradient ? " Here that gradient is 0 in every weight and in the bias, so no η changes anything." : ""}`,
    panel: PANELS.reduction,
  };
};
