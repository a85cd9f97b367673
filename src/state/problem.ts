import {
  errorText,
  type Grid,
  outputShape,
  type Reduction,
  type ResolvedConvOptions,
  resolveOptions,
} from "../engine/index";
import { commit, current, get, pendingFields } from "./commit";
import { type FilterPreset, presetFilter } from "./filters";
import { type CellPoint, type ImagePreset, paintSegment, presetImage } from "./images";
import { fitPaintedDelta } from "./paintedDeltaFit";
import { MAX_LEARNING_RATE, MAX_WEIGHT } from "./stateRules";
import { type AppState, makeTarget } from "./store";
import { requestSweep } from "./sweep";
import { endTraining } from "./trainingRun";
import { withinLimit } from "./update";

/**
 * The problem the filter learns: the image (presets, strokes), the target and its filter,
 * stride/padding/dilation, the loss's reduction and the learning rate. Every change keeps the
 * shapes consistent (the target follows the kernel, the options and the image) or is refused
 * with a message.
 */

/** Something the loss depends on changed: stop training, restart the curve and the sweep. */
function problemChanged(patch: Partial<AppState>): void {
  endTraining();
  // The cursor goes back to 0 at once: the old position may not exist in the new output.
  commit((now) => ({
    ...pendingFields(now),
    ...patch,
    ...fitPaintedDelta(now, patch),
    training: false,
    playing: false,
    lossHistory: [],
    lossStride: 1,
    goodParams: null,
  }));
  void requestSweep();
}

/** The target for the current target filter, or the old target when there is no filter. */
function targetFor(
  image: Grid,
  targetKernel: Grid | null,
  options: ResolvedConvOptions,
  old: Grid,
): Grid {
  if (targetKernel !== null) return makeTarget(image, targetKernel, options);
  return old;
}

/** Replaces the image (values in [0, 1]); the target follows when it comes from a filter. */
export function setImage(image: Grid): void {
  const { targetKernel, options, target } = get();
  problemChanged({ image, target: targetFor(image, targetKernel, options, target) });
}

/** Loads an image preset. */
export function loadImagePreset(preset: ImagePreset): void {
  const { image } = get();
  setImage(presetImage(preset, image.height, image.width));
}

/**
 * Marks a drag (a stroke on the input, the Position slider being dragged) as begun or ended.
 * While it lasts, panels off screen stop following the store (see useLive) and catch up when
 * it ends.
 */
export function setDragging(dragging: boolean): void {
  // The flag does not touch what a stroke changes, and the stroke's last change should still
  // land with its sweep, not ahead of it.
  if (get().dragging !== dragging) commit({ dragging }, { strokeStays: true });
}

/**
 * Paints (or erases) a stroke from `from` to `to`, in fractional cell coordinates
 * (row, col), with the current brush; cells within the brush radius of the segment change.
 * The new image reaches the store together with its sweep (or after STROKE_WAIT_MS without
 * it). Strokes made meanwhile build on it. The promise settles when the sweep has arrived or
 * a later change has superseded it.
 */
export async function paintStroke(from: CellPoint | null, to: CellPoint): Promise<void> {
  const { brushSize, brushMode } = get();
  const image = paintSegment(
    current().image,
    from ?? to,
    to,
    brushSize - 0.5,
    brushMode === "paint" ? 1 : 0,
  );
  if (image !== null) await strokeChanged(image);
}

/** A stroke changed the image: like setImage, but shown together with its sweep. */
function strokeChanged(image: Grid): Promise<void> {
  const s = get();
  endTraining();
  if (s.training || s.playing) commit({ training: false, playing: false });
  const target = targetFor(image, s.targetKernel, s.options, s.target);
  return requestSweep(0, { image, target, lossHistory: [], lossStride: 1, goodParams: null });
}

export function setBrush(patch: Partial<Pick<AppState, "brushSize" | "brushMode">>): void {
  commit(patch);
}

/** Makes the target from a preset filter, drawn at the kernel's shape. */
export function setTargetPreset(preset: FilterPreset): void {
  const { kernel } = get();
  setTargetKernel(presetFilter(preset, kernel.height, kernel.width));
}

/**
 * Makes the target from a typed-in or preset filter. It must have the kernel's shape and
 * weights within ±MAX_WEIGHT; otherwise the message says so and nothing changes.
 */
export function setTargetKernel(targetKernel: Grid): void {
  const { image, kernel, options } = get();
  if (targetKernel.height !== kernel.height || targetKernel.width !== kernel.width) {
    commit({
      notice: {
        kind: "error",
        text: `The target filter must be ${kernel.height}x${kernel.width}, like the filter being learned; this one is ${targetKernel.height}x${targetKernel.width}.`,
      },
    });
    return;
  }
  if (!withinLimit(targetKernel, 0)) {
    commit({
      notice: {
        kind: "error",
        text: `Target filter values must be from −${MAX_WEIGHT.toLocaleString("en-US")} to ${MAX_WEIGHT.toLocaleString("en-US")}; the target filter is unchanged.`,
      },
    });
    return;
  }
  problemChanged({ targetKernel, target: makeTarget(image, targetKernel, options) });
}

/**
 * Changes stride, padding or dilation; refuses (with a message) options that do not fit. A
 * target made by a filter is made again for the new output; an imported target is kept while
 * it still has the output's shape, and otherwise gives way to the vertical-edge filter.
 */
export function setOptions(patch: Partial<ResolvedConvOptions>): void {
  const { image, kernel, options, targetKernel, target } = get();
  let next: ResolvedConvOptions;
  let out: { height: number; width: number };
  try {
    next = resolveOptions({ ...options, ...patch });
    out = outputShape(image, kernel, next);
  } catch (error) {
    commit({ notice: { kind: "error", text: `These options do not fit: ${errorText(error)}.` } });
    return;
  }
  if (targetKernel === null && target.height === out.height && target.width === out.width) {
    problemChanged({ options: next });
    return;
  }
  const filter = targetKernel ?? presetFilter("verticalEdge", kernel.height, kernel.width);
  problemChanged({
    options: next,
    targetKernel: filter,
    target: makeTarget(image, filter, next),
    ...(targetKernel === null
      ? {
          notice: {
            kind: "info",
            text: "The imported target does not fit the new output's shape; the target is now made by the vertical-edge filter.",
          },
        }
      : {}),
  });
}

export function setReduction(reduction: Reduction): void {
  problemChanged({ reduction });
}

/** Sets the learning rate; refuses (with a message) one that is not from 0 to MAX_LEARNING_RATE. */
export function setLearningRate(learningRate: number): boolean {
  if (!(learningRate >= 0 && learningRate <= MAX_LEARNING_RATE)) {
    const limit = MAX_LEARNING_RATE.toLocaleString("en-US");
    commit({
      notice: {
        kind: "error",
        text: Number.isFinite(learningRate)
          ? `The learning rate must be from 0 to ${limit}; ${learningRate} is not. It stays ${get().learningRate}.`
          : `The learning rate must be a number from 0 to ${limit}. It stays ${get().learningRate}.`,
      },
    });
    return false;
  }
  commit({ learningRate });
  return true;
}
