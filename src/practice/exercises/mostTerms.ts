import { type Exercise, type Generator, PANELS, pick, shuffled, tied } from "../exercise";

/** How many (position, tap) terms land on each input cell (input-shaped, row-major). */
export function termCounts(
  inputHeight: number,
  inputWidth: number,
  kernelHeight: number,
  kernelWidth: number,
  outHeight: number,
  outWidth: number,
  options: { stride: number; padding: number; dilation: number },
): Int32Array {
  const counts = new Int32Array(inputHeight * inputWidth);
  const { stride, padding, dilation } = options;
  for (let i = 0; i < outHeight; i++) {
    for (let j = 0; j < outWidth; j++) {
      for (let a = 0; a < kernelHeight; a++) {
        const r = i * stride - padding + a * dilation;
        if (r < 0 || r >= inputHeight) continue;
        for (let b = 0; b < kernelWidth; b++) {
          const c = j * stride - padding + b * dilation;
          if (c >= 0 && c < inputWidth)
            counts[r * inputWidth + c] = (counts[r * inputWidth + c] as number) + 1;
        }
      }
    }
  }
  return counts;
}

/**
 * Which input-gradient cell receives the most terms (one per position whose window covers
 * it): a corner, an edge cell, the centre, or another cell. Cells with the same count tie.
 */
export const mostTerms: Generator = (state, random): Exercise => {
  const { sweep, options } = state;
  const { inputHeight: h, inputWidth: w } = sweep;
  const counts = termCounts(
    h,
    w,
    sweep.kernelHeight,
    sweep.kernelWidth,
    sweep.outHeight,
    sweep.outWidth,
    options,
  );
  const cells = [
    { name: "the top-left corner", cell: 0 },
    { name: "the middle of the top edge", cell: Math.floor((w - 1) / 2) },
    { name: "the centre", cell: Math.floor((h - 1) / 2) * w + Math.floor((w - 1) / 2) },
    { name: "a random cell", cell: pick(random, h * w) },
  ];
  const distinct = cells.filter((c, i) => cells.findIndex((d) => d.cell === c.cell) === i);
  const shown = shuffled(distinct, random);
  const max = Math.max(...shown.map((c) => counts[c.cell] as number));
  const label = (cell: number) => `(${Math.floor(cell / w)}, ${cell % w})`;
  const choices = shown.map((c) => ({ id: `c${c.cell}`, label: `${label(c.cell)}, ${c.name}` }));
  const correct = shown.filter((c) => tied(counts[c.cell] as number, max)).map((c) => `c${c.cell}`);
  return {
    kind: "mostTerms",
    title: "Where the input gradient gathers",
    question: `Each position adds δ·w onto the ${sweep.kernelHeight}x${sweep.kernelWidth} cells its window covers. Which of these input cells receives the most terms over the whole sweep (stride ${options.stride}, padding ${options.padding}, dilation ${options.dilation})?`,
    choices,
    correct,
    answer: `${correct.map((id) => label(Number(id.slice(1)))).join(" and ")}: ${max} terms${correct.length > 1 ? " each (a tie)" : ""}.`,
    reason: `A cell gets one term from each position whose window covers it: ${shown.map((c) => `${label(c.cell)} ${counts[c.cell]}`).join(", ")}. Cells near the border are covered by fewer windows (padding adds windows there; stride and dilation can skip cells entirely).`,
    panel: PANELS.inputGradient,
  };
};
