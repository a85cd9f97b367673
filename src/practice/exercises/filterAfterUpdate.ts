import { createGrid, type Grid, RECORD_KERNEL_GRAD } from "../../engine/index";
import {
  type Choice,
  type Exercise,
  fullSums,
  type Generator,
  num,
  PANELS,
  shuffled,
  tied,
} from "../exercise";

/** w − scale · g, cell by cell. */
function step(kernel: Grid, gradient: ArrayLike<number>, scale: number): Grid {
  return createGrid(
    kernel.height,
    kernel.width,
    kernel.data.map((w, i) => w - scale * (gradient[i] as number)),
  );
}

function sameGrid(a: Grid, b: Grid): boolean {
  return a.data.every((v, i) => tied(v, b.data[i] as number));
}

/**
 * The filter after one update, among three drawn candidates: w − η·Σ (right), w + η·Σ (the
 * wrong direction) and w − η·(the first position's terms alone). Candidates that coincide
 * (Σ = 0, η = 0) are all right.
 */
export const filterAfterUpdate: Generator = (state, random): Exercise => {
  const { kernel, learningRate: eta, sweep } = state;
  const sum = fullSums(sweep).kernelGrad.data;
  const first = sweep.records.subarray(RECORD_KERNEL_GRAD, RECORD_KERNEL_GRAD + kernel.data.length);
  const candidates = [
    { grid: step(kernel, sum, eta), right: true },
    { grid: step(kernel, sum, -eta), right: false },
    { grid: step(kernel, first, eta), right: false },
  ];
  // A random order, so the right one is not always first.
  const order = shuffled([0, 1, 2], random);
  const letters = ["A", "B", "C"];
  const right = candidates[0]?.grid as Grid;
  const choices: Choice[] = order.map((c, i) => ({
    id: letters[i] as string,
    label: `Filter ${letters[i]}`,
    grid: (candidates[c] as { grid: Grid }).grid,
  }));
  const correct = choices.filter((c) => c.grid && sameGrid(c.grid, right)).map((c) => c.id);
  const tie = correct.length > 1;
  return {
    kind: "filterAfterUpdate",
    title: "The filter after one update",
    question: `The sweep's summed gradient Σ is applied with η = ${num(eta)}. Which filter is the result?`,
    choices,
    correct,
    answer: `Filter ${correct.join(" and filter ")}: w − η·Σ${tie ? " (the candidates coincide: Σ or η is 0, so the update changes nothing)" : ""}.`,
    reason: `The update moves against the gradient, by all of it at once: w − η·Σ, with Σ the sum of all ${sweep.outHeight * sweep.outWidth} positions' terms (e.g. w[0][0]: ${num(kernel.data[0] as number)} − ${num(eta)} · ${num(sum[0] as number)} = ${num(right.data[0] as number)}). w + η·Σ climbs the loss; one position's terms alone are not the gradient of the shared filter.`,
    panel: PANELS.update,
  };
};
