import { createGrid, type Grid, RECORD_KERNEL_GRAD } from "../../engine/index";
import { formatNumber } from "../../viz/format";
import {
  type Choice,
  type Exercise,
  fullSums,
  type Generator,
  num,
  PANELS,
  positionCount,
  shuffled,
  weightName,
} from "../exercise";

/** w − scale · g, cell by cell, as Apply update computes it (engine sgdUpdate). */
function step(kernel: Grid, gradient: ArrayLike<number>, scale: number): Grid {
  return createGrid(
    kernel.height,
    kernel.width,
    kernel.data.map((w, i) => w - scale * (gradient[i] as number)),
  );
}

/** The same filter, to the last bit (what Apply update would make is exact, not rounded). */
function sameGrid(a: Grid, b: Grid): boolean {
  return a.data.every((v, i) => v === b.data[i]);
}

/** A filter offered: how it is made, the filter, and why it is not the update (distractors). */
interface Candidate {
  readonly grid: Grid;
  readonly why: string;
}

/** The cells of a grid as printed with `digits` significant digits. */
function printed(grid: Grid, digits: number): string {
  return Array.from(grid.data, (v) => formatNumber(v, digits)).join(" ");
}

/**
 * The fewest significant digits (at least 3) with which no two of `grids` print alike. Grids
 * that differ in any bit differ at 17 digits (float64's shortest exact form needs no more).
 */
export function digitsToTellApart(grids: readonly Grid[]): number {
  for (let digits = 3; digits < 17; digits++) {
    const texts = new Set(grids.map((g) => printed(g, digits)));
    if (texts.size === grids.length) return digits;
  }
  return 17;
}

/** Why w − η·Σ is w itself, worked out from the numbers. */
function whyNoChange(eta: number, sum: Float64Array): string {
  if (eta === 0) return "η is 0, so η·Σ is 0";
  if (sum.every((g) => g === 0)) {
    return "Σ is 0 in every weight (the positions' terms are all 0, or cancel)";
  }
  return "η·Σ is too small to change any weight in float64 (below the last of a weight's ~16 digits)";
}

/**
 * The filter after one update with the whole sweep's Σ: the right filter, w − η·Σ exactly as
 * Apply update makes it, among wrong ones (w + η·Σ; one position's terms alone; the filter
 * unchanged; η left out), offering only those that differ from the right one and from each
 * other, and printing them with enough digits to tell apart (η = 1e−9 needs about ten). When
 * no wrong filter differs (the update changes nothing and no mistake would either), it asks
 * whether the filter changes. The reasons are computed from the numbers.
 */
export const filterAfterUpdate: Generator = (state, random): Exercise => {
  const { kernel, learningRate: eta, sweep } = state;
  const n = positionCount(sweep);
  const sum = fullSums(sweep).kernelGrad.data;
  const first = sweep.records.subarray(RECORD_KERNEL_GRAD, RECORD_KERNEL_GRAD + kernel.data.length);
  const right = step(kernel, sum, eta);
  const moved = !sameGrid(right, kernel);
  const all = n === 1 ? "its one position" : `all ${n} positions`;
  const terms = n === 1 ? "the one position's terms" : `all ${n} positions' terms`;
  const question = `The whole sweep's summed gradient Σ (${all}, as after Finish sweep) is applied with η = ${num(eta)}.`;
  const wrong: Candidate[] = [
    { grid: step(kernel, sum, -eta), why: "w + η·Σ climbs the loss" },
    {
      grid: step(kernel, first, eta),
      why: "w − η·(the first position's terms) uses one position alone, not the gradient of the shared filter",
    },
    {
      grid: kernel,
      why: "the filter as it is would mean the update did nothing, but η·Σ moves it",
    },
    { grid: step(kernel, sum, 1), why: "w − Σ leaves η out" },
  ];
  const offered: Candidate[] = [{ grid: right, why: "" }];
  for (const c of wrong) {
    if (offered.length < 3 && !offered.some((o) => sameGrid(o.grid, c.grid))) offered.push(c);
  }
  const noChange = moved ? "" : ` Here ${whyNoChange(eta, sum)}: w − η·Σ is the filter as it is.`;
  if (offered.length < 2) {
    return {
      kind: "filterAfterUpdate",
      title: "The filter after one update",
      question: `${question} What happens to the filter?`,
      choices: [
        { id: "same", label: "It stays exactly as it is" },
        { id: "moves", label: "Some of its weights change" },
      ],
      correct: ["same"],
      answer: "It stays exactly as it is: w − η·Σ = w.",
      reason: `The update is w − η·Σ, with Σ the sum of ${terms}.${noChange}`,
      panel: PANELS.update,
    };
  }
  // A random order, so the right one is not always first.
  const order = shuffled(
    offered.map((_, i) => i),
    random,
  );
  const letters = ["A", "B", "C"];
  const digits = digitsToTellApart(offered.map((c) => c.grid));
  const choices: Choice[] = order.map((c, i) => ({
    id: letters[i] as string,
    label: `Filter ${letters[i]}`,
    grid: (offered[c] as Candidate).grid,
    digits,
  }));
  const correct = choices.filter((c) => c.grid === right).map((c) => c.id);
  // The worked example: a weight where the right filter prints unlike another one offered.
  const shown = (v: number) => formatNumber(v, Math.max(4, digits));
  const tap = Math.max(
    0,
    kernel.data.findIndex((_, t) =>
      offered.some((c) => shown(c.grid.data[t] as number) !== shown(right.data[t] as number)),
    ),
  );
  const wrongs = offered.slice(1).map((c) => c.why);
  return {
    kind: "filterAfterUpdate",
    title: "The filter after one update",
    question: `${question} Which filter is the result?`,
    choices,
    correct,
    answer: `Filter ${correct[0]}: w − η·Σ.`,
    reason: `The update moves against the gradient, by all of it at once: w − η·Σ, with Σ the sum of ${terms} (${weightName(tap, kernel.width)}: ${shown(kernel.data[tap] as number)} − ${num(eta)} · ${num(sum[tap] as number)} = ${shown(right.data[tap] as number)}).${noChange} The others: ${wrongs.join("; ")}.`,
    panel: PANELS.update,
  };
};
