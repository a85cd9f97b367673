// The untied comparison's numbers beyond training: both sides evaluated on the training image
// and on a shifted copy, and what the panel says about them.
import {
  conv2d,
  type Grid,
  type LocalParams,
  locallyConnected,
  shiftGrid,
  squaredErrorLoss,
} from "../../engine/index";
import { formatNumber } from "../../viz/format";
import type { Comparison } from "./useComparison";

/** The shifted copy: this many rows down and columns right, zeros moved in. */
export const SHIFT = { down: 2, right: 3 } as const;

/** A whole number with thousands separators (a count, never NaN). */
export function count(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString("en-US") : "—";
}

/** The trained sides evaluated on the training image and on a shifted copy. */
export interface Evaluation {
  sharedLoss: number;
  untiedLoss: number;
  shifted: {
    image: Grid;
    target: Grid;
    shared: Grid;
    untied: Grid;
    sharedLoss: number;
    untiedLoss: number;
  } | null;
}

/** Both trained sides' losses on the training image, and on a copy shifted by SHIFT. */
export function evaluate(c: Comparison): Evaluation {
  const { image, target, targetKernel, options, reduction } = c.inputs;
  const { kernel, bias } = c.shared.params;
  const untied: LocalParams = c.untied.params;
  const sharedLoss = squaredErrorLoss(conv2d(image, kernel, bias, options), target, reduction);
  const untiedLoss = squaredErrorLoss(locallyConnected(image, untied, options), target, reduction);
  if (targetKernel === null) return { sharedLoss, untiedLoss, shifted: null };
  const moved = shiftGrid(image, SHIFT.down, SHIFT.right);
  const movedTarget = conv2d(moved, targetKernel, 0, options);
  const sharedOut = conv2d(moved, kernel, bias, options);
  const untiedOut = locallyConnected(moved, untied, options);
  return {
    sharedLoss,
    untiedLoss,
    shifted: {
      image: moved,
      target: movedTarget,
      shared: sharedOut,
      untied: untiedOut,
      sharedLoss: squaredErrorLoss(sharedOut, movedTarget, reduction),
      untiedLoss: squaredErrorLoss(untiedOut, movedTarget, reduction),
    },
  };
}

/** What the shifted losses say, given untied ÷ shared. */
export function shiftVerdict(ratio: number, positions: number): string {
  if (!Number.isFinite(ratio)) {
    return "Both fit the shifted image alike here: there is no pattern in it to move.";
  }
  if (ratio >= 2) {
    return `On the shifted image the untied layer's loss is ${formatNumber(ratio, 3)}× the shared filter's. Each untied filter only ever saw its own patch: it memorised one picture. The shared filter learned from all ${count(positions)} patches at once, so it works wherever the pattern lands.`;
  }
  return `On this image the shift costs the untied layer little (${formatNumber(ratio, 3)}× the shared filter's loss): its neighbouring patches look alike. Try the digit or the checkerboard.`;
}

/** The panel's status line: where the comparison is, and its losses once done. */
export function statusText(c: Comparison | null, evaluation: Evaluation | null): string {
  if (c === null) return "Not compared yet.";
  if (c.error !== null) return `The comparison failed: ${c.error}`;
  const { shared, untied, settings } = c;
  if (!(shared.finished && untied.finished)) {
    return `Training both in the worker: shared ${shared.steps} and untied ${untied.steps} of ${settings.steps} steps…`;
  }
  const notes = [
    shared.diverged ? `the shared filter diverged after ${shared.steps} steps` : "",
    untied.diverged ? `the untied layer diverged after ${untied.steps} steps` : "",
    shared.stopped || untied.stopped ? "stopped early" : "",
  ].filter(Boolean);
  const stepsText =
    shared.steps === untied.steps
      ? `${shared.steps} steps each`
      : `${shared.steps} steps shared, ${untied.steps} untied`;
  const head = `Done: ${stepsText}${notes.length ? ` (${notes.join("; ")})` : ""}.`;
  if (evaluation === null) return head;
  return `${head} Loss on the training image: shared ${formatNumber(evaluation.sharedLoss)}, untied ${formatNumber(evaluation.untiedLoss)}.${
    evaluation.shifted
      ? ` On the shifted image: shared ${formatNumber(evaluation.shifted.sharedLoss)}, untied ${formatNumber(evaluation.shifted.untiedLoss)}.`
      : ""
  }`;
}
