import { outputShape } from "../../engine/index";
import {
  type Exercise,
  type Generator,
  numberChoices,
  PANELS,
  pick,
  positionCount,
} from "../exercise";

/**
 * The effect of the stride on the number of terms: how many positions (each adding one term
 * to every weight) the sweep has with another stride. Strides giving the same count tie.
 */
export const strideTerms: Generator = (state, random): Exercise => {
  const { image, kernel, options, sweep } = state;
  const counts = new Map<number, number>();
  for (const stride of [1, 2, 3, 4]) {
    try {
      const out = outputShape(image, kernel, { ...options, stride });
      counts.set(stride, out.height * out.width);
    } catch {
      // This stride does not fit; it is not asked about.
    }
  }
  const others = [...counts.keys()].filter((s) => s !== options.stride);
  const stride =
    others.length > 0 ? (others[pick(random, others.length)] as number) : options.stride;
  const answer = counts.get(stride) ?? positionCount(sweep);
  const { choices, correct } = numberChoices(
    [...new Set([...counts.values(), positionCount(sweep)])].sort((a, b) => a - b),
    answer,
    (v) => `${v} position${v === 1 ? "" : "s"}`,
  );
  const out = outputShape(image, kernel, { ...options, stride });
  const span = (kernel.height - 1) * options.dilation + 1;
  return {
    kind: "strideTerms",
    title: "Stride and the number of terms",
    question: `Now the stride is ${options.stride} and the sweep has ${positionCount(sweep)} positions, so each weight's gradient is a sum of ${positionCount(sweep)} terms. With stride ${stride} (padding ${options.padding}, dilation ${options.dilation} unchanged), how many terms will each weight's sum have?`,
    choices,
    correct,
    answer: `${answer}: a ${out.height}x${out.width} output.`,
    reason: `The output side is ⌊(in + 2·padding − span) / stride⌋ + 1 with span = ${span}: ⌊(${image.height} + ${2 * options.padding} − ${span}) / ${stride}⌋ + 1 = ${out.height} rows (and ${out.width} columns). One position, one term per weight: ${out.height} · ${out.width} = ${answer}.`,
    panel: PANELS.options,
  };
};
