// States to build exercises from: an ordinary one, one where every δ is 0, and ties.
import {
  computeSweep,
  conv2d,
  createGrid,
  type Grid,
  type Reduction,
  type ResolvedConvOptions,
  seededRandom,
} from "../../../src/engine/index";
import type { Exercise, PracticeState } from "../../../src/practice/exercise";
import { presetFilter, randomFilter } from "../../../src/state/filters";
import { presetImage } from "../../../src/state/images";

/** What a test state may set; the rest is the app's default problem. */
export interface StateSpec {
  image?: Grid;
  kernel?: Grid;
  bias?: number;
  /** The target; default: made by the vertical-edge filter. */
  target?: Grid;
  /** A painted δ (Paint δ mode). */
  delta?: Grid;
  options?: Partial<ResolvedConvOptions>;
  reduction?: Reduction;
  learningRate?: number;
  position?: number;
}

/** A PracticeState with the engine's own sweep of it. */
export function practiceState(spec: StateSpec = {}): PracticeState {
  const image = spec.image ?? presetImage("digit", 12, 12);
  const kernel = spec.kernel ?? randomFilter(3);
  const bias = spec.bias ?? 0.1;
  const options = { stride: 1, padding: 0, dilation: 1, ...spec.options };
  const target = spec.target ?? conv2d(image, presetFilter("verticalEdge"), 0, options);
  const reduction = spec.reduction ?? "sum";
  const sweep = computeSweep(image, kernel, bias, target, options, reduction, spec.delta ?? null);
  return {
    image,
    kernel,
    bias,
    options,
    reduction,
    learningRate: spec.learningRate ?? 0.01,
    sweep,
    position: spec.position ?? 0,
    painted: spec.delta !== undefined,
  };
}

/** A state where the output already equals the target: every δ is 0. */
export function zeroState(spec: StateSpec = {}): PracticeState {
  const image = spec.image ?? presetImage("digit", 12, 12);
  const kernel = spec.kernel ?? randomFilter(3);
  const bias = spec.bias ?? 0.1;
  const options = { stride: 1, padding: 0, dilation: 1, ...spec.options };
  return practiceState({
    ...spec,
    image,
    kernel,
    bias,
    target: conv2d(image, kernel, bias, options),
  });
}

/** A grid filled with one value. */
export function filled(height: number, width: number, value: number): Grid {
  return createGrid(height, width, new Float64Array(height * width).fill(value));
}

/** The exercise's choice ids. */
export function ids(exercise: Exercise): string[] {
  return exercise.choices.map((c) => c.id);
}

/** A seeded random source for a generator. */
export function random(seed = 1): () => number {
  return seededRandom(seed);
}

/** The labels of the right choices. */
export function rightLabels(exercise: Exercise): string[] {
  return exercise.choices.filter((c) => exercise.correct.includes(c.id)).map((c) => c.label);
}
