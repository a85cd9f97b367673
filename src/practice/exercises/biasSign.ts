import {
  type Exercise,
  fullSums,
  type Generator,
  num,
  PANELS,
  positionCount,
  SIGN_CHOICES,
  signOf,
} from "../exercise";

/** The sign of the bias's gradient after the whole sweep: Σ δ over every position. */
export const biasSign: Generator = (state): Exercise => {
  const { sweep } = state;
  const sum = fullSums(sweep).biasGrad;
  const sign = signOf(sum);
  return {
    kind: "biasSign",
    title: "The bias's gradient",
    question: `After all ${positionCount(sweep)} positions, is the bias's summed gradient ∂L/∂b positive, negative or zero?`,
    choices: SIGN_CHOICES,
    correct: [sign],
    answer: `${sign === "zero" ? "Exactly zero" : sign === "positive" ? "Positive" : "Negative"}: ∂L/∂b = ${num(sum)}.`,
    reason: `The bias is added at every position with weight 1, so each position adds its δ: ∂L/∂b = Σ δ = ${num(sum)}. ${sign === "positive" ? "The outputs are too high on balance; the update lowers b." : sign === "negative" ? "The outputs are too low on balance; the update raises b." : "The positive and negative δ cancel (or all are 0): the update leaves b alone."}`,
    panel: PANELS.runningSum,
  };
};
