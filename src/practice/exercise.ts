import {
  emptySums,
  type Grid,
  RECORD_DELTA,
  type Reduction,
  type ResolvedConvOptions,
  type Sweep,
  type SweepSums,
  sumsAt,
} from "../engine/index";
import { formatNumber } from "../viz/format";

/**
 * What every practice exercise is: a question built from the live state, a few choices, the
 * ones the engine's numbers make right (more than one when they tie), and the worked reason,
 * pointing at the panel that shows it. Pure: no DOM, no store.
 */

/** What an exercise is built from: the app's state at the moment it is asked. */
export interface PracticeState {
  /** The input image. */
  readonly image: Grid;
  /** The shared filter. */
  readonly kernel: Grid;
  readonly bias: number;
  readonly options: ResolvedConvOptions;
  readonly reduction: Reduction;
  /** η. */
  readonly learningRate: number;
  /** The sweep of the current state (its records hold every δ and term). */
  readonly sweep: Sweep;
  /** Positions accumulated so far (0 … outH·outW): "the next position" is this one. */
  readonly position: number;
  /** True when δ is painted by hand (Paint δ) rather than derived from the target. */
  readonly painted: boolean;
}

/** One answer offered. */
export interface Choice {
  /** Stable within the exercise; what a grade names. */
  readonly id: string;
  /** What the person reads (and a screen reader says). */
  readonly label: string;
  /** A filter drawn with the choice (the "filter after one update" candidates). */
  readonly grid?: Grid;
  /** The significant digits the grid's cells are printed with: enough to tell the grids apart. */
  readonly digits?: number;
}

/** The panel whose picture is the answer's reason. */
export interface PanelRef {
  /** The panel's element id (src/panels/…: id="running-sum"). */
  readonly id: string;
  /** Its title as the page shows it. */
  readonly name: string;
}

/** One exercise: generated from a PracticeState, graded against the engine's numbers. */
export interface Exercise {
  /** Which kind made it. */
  readonly kind: string;
  /** A short title ("Sign of the next term"). */
  readonly title: string;
  /** The question, with the numbers it needs. */
  readonly question: string;
  readonly choices: readonly Choice[];
  /** Ids of the right choices: several when their values tie. */
  readonly correct: readonly string[];
  /** The answer in one sentence. */
  readonly answer: string;
  /** Why, with the numbers worked out. */
  readonly reason: string;
  /** Where to see it. */
  readonly panel: PanelRef;
}

/** The result of answering. */
export interface Grade {
  /** True when the chosen answer is one of the right ones. */
  readonly right: boolean;
  /** The right choices' ids (to mark them). */
  readonly correct: readonly string[];
}

/** Grades an answer: right when it is any of the exercise's right choices (ties all count). */
export function grade(exercise: Exercise, choiceId: string): Grade {
  return { right: exercise.correct.includes(choiceId), correct: exercise.correct };
}

/** A generator of one kind: the exercise for a state, with `random` picking what to ask about. */
export type Generator = (state: PracticeState, random: () => number) => Exercise;

/** The panels the reasons point at (ids of src/panels/…). */
export const PANELS = {
  thisPosition: { id: "this-position", name: "This position" },
  runningSum: { id: "running-sum", name: "Running sum: the one shared gradient" },
  inputGradient: { id: "input-gradient", name: "Input gradient ∂L/∂x" },
  update: { id: "update", name: "Update: one step for the one filter" },
  forward: { id: "forward", name: "Forward pass" },
  weightMaps: { id: "weight-maps", name: "Where each weight's gradient comes from" },
  reduction: { id: "reduction", name: "Sum or mean" },
  options: { id: "options", name: "Stride, padding, dilation" },
} as const satisfies Record<string, PanelRef>;

/** Two numbers the same up to rounding (ties are judged with this). */
export function tied(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/** A number as the reasons print it. */
export function num(value: number): string {
  return formatNumber(value);
}

/** A whole number from 0 to n − 1. */
export function pick(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** A copy of `items` in a random order (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = pick(random, i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** "w[a][b]" for tap t of a kernel `width` wide. */
export function weightName(tap: number, width: number): string {
  return `w[${Math.floor(tap / width)}][${tap % width}]`;
}

/** "(row, col)" of output position p. */
export function positionName(p: number, outWidth: number): string {
  return `(${Math.floor(p / outWidth)}, ${p % outWidth})`;
}

/** Number of output positions of a sweep. */
export function positionCount(sweep: Sweep): number {
  return sweep.outHeight * sweep.outWidth;
}

/** δ at position p. */
export function deltaAt(sweep: Sweep, p: number): number {
  return sweep.records[p * sweep.recordLength + RECORD_DELTA] as number;
}

/** The sums over the whole sweep (what the running sum holds when it is finished). */
export function fullSums(sweep: Sweep): SweepSums {
  return sumsAt(sweep, emptySums(sweep), positionCount(sweep));
}

/** The position "next" asks about: the cursor's, or the first when the sweep is complete. */
export function nextPosition(state: PracticeState): number {
  return state.position < positionCount(state.sweep) ? state.position : 0;
}

/**
 * Choices for numbers: one per distinct value (in the order given), labelled by `label`; the
 * right ones are those tied with `answer`. Values that tie each other merge into one choice.
 */
export function numberChoices(
  values: readonly number[],
  answer: number,
  label: (value: number) => string,
): { choices: Choice[]; correct: string[] } {
  const choices: Choice[] = [];
  const correct: string[] = [];
  const seen: number[] = [];
  for (const value of values) {
    if (seen.some((v) => tied(v, value))) continue;
    seen.push(value);
    const id = `n${choices.length}`;
    choices.push({ id, label: label(value) });
    if (tied(value, answer)) correct.push(id);
  }
  return { choices, correct };
}

/** The sign of a value as the choices name it. */
export type Sign = "positive" | "negative" | "zero";

/** The sign of a value. */
export function signOf(value: number): Sign {
  return value > 0 ? "positive" : value < 0 ? "negative" : "zero";
}

/** The three sign choices. */
export const SIGN_CHOICES: readonly Choice[] = [
  { id: "positive", label: "Positive" },
  { id: "negative", label: "Negative" },
  { id: "zero", label: "Exactly zero" },
];
