import { conv2d, createGrid, type Grid, outputShape, squaredErrorGrad } from "../engine/index";
import { commit, current, get, pendingFields } from "./commit";
import { type CellPoint, paintSegment } from "./images";
import { MAX_PAINTED_DELTA } from "./stateRules";
import type { AppState } from "./store";
import { requestSweep } from "./sweep";
import { endTraining } from "./trainingRun";

/**
 * Paint δ mode: the person paints the error map δ = ∂L/∂out directly instead of deriving it
 * from a target. The loss is then L = Σ δ·out, so ∂L/∂out = δ exactly; the sweep, the sums,
 * the input gradient, the update and the gradient check all follow the painted δ.
 */

/** The presets of the painted δ. */
export type DeltaPreset = "oneHot" | "rowStripe" | "columnStripe" | "real" | "clear";

/** δ = ∂L/∂out of the target's loss for the current state: what Paint δ starts from. */
export function realDelta(state: AppState): Grid {
  const out = conv2d(state.image, state.kernel, state.bias, state.options);
  return squaredErrorGrad(out, state.target, state.reduction);
}

/** A preset δ of the output's shape (`height` x `width`); `value` is the brush's signed value. */
export function presetDelta(
  preset: DeltaPreset,
  height: number,
  width: number,
  value: number,
  state: AppState,
): Grid {
  const grid = createGrid(height, width);
  const midRow = Math.floor((height - 1) / 2);
  const midCol = Math.floor((width - 1) / 2);
  switch (preset) {
    case "oneHot":
      grid.data[midRow * width + midCol] = value;
      return grid;
    case "rowStripe":
      grid.data.fill(value, midRow * width, (midRow + 1) * width);
      return grid;
    case "columnStripe":
      for (let r = 0; r < height; r++) grid.data[r * width + midCol] = value;
      return grid;
    case "real":
      return realDelta(state);
    case "clear":
      return grid;
  }
}

/** A δ with every value finite and within ±MAX_PAINTED_DELTA, or null. */
function withinLimit(delta: Grid): boolean {
  return delta.data.every((v) => Math.abs(v) <= MAX_PAINTED_DELTA);
}

/**
 * Shows a new painted δ (null leaves the mode) with its sweep, keeping the cursor where it is,
 * so the sums at the cursor follow the hand. The loss curve starts again: Σ δ·out is not the
 * loss it follows.
 */
function deltaChanged(paintedDelta: Grid | null, asStroke: boolean): Promise<void> {
  const s = get();
  endTraining();
  const change: Partial<AppState> = {
    paintedDelta,
    training: false,
    playing: false,
    lossHistory: [],
    lossStride: 1,
    goodParams: null,
  };
  if (asStroke) return requestSweep(s.position, change);
  commit((now) => ({ ...pendingFields(now), ...change }));
  return requestSweep(s.position);
}

/** Sets the painted δ; refuses (with a message) one of the wrong shape or out of range. */
export function setPaintedDelta(delta: Grid): Promise<void> {
  const s = current();
  const out = outputShape(s.image, s.kernel, s.options);
  if (delta.height !== out.height || delta.width !== out.width) {
    commit({
      notice: {
        kind: "error",
        text: `A painted δ must have the output's shape, ${out.height}x${out.width}; this one is ${delta.height}x${delta.width}.`,
      },
    });
    return Promise.resolve();
  }
  if (!withinLimit(delta)) {
    const limit = MAX_PAINTED_DELTA.toLocaleString("en-US");
    commit({
      notice: { kind: "error", text: `Painted δ values must be from −${limit} to ${limit}.` },
    });
    return Promise.resolve();
  }
  return deltaChanged(delta, false);
}

/** Enters Paint δ mode, starting from the real δ (nothing changes until the hand paints). */
export function startPaintingDelta(): Promise<void> {
  const s = current();
  if (s.paintedDelta !== null) return Promise.resolve();
  return deltaChanged(realDelta(s), false);
}

/** Leaves Paint δ mode: δ comes from the target again. */
export function stopPaintingDelta(): Promise<void> {
  if (current().paintedDelta === null) return Promise.resolve();
  return deltaChanged(null, false);
}

/** Loads a preset δ (`value` is the brush's signed value for the hot cell and the stripes). */
export function loadDeltaPreset(preset: DeltaPreset, value: number): Promise<void> {
  const s = current();
  const out = outputShape(s.image, s.kernel, s.options);
  return setPaintedDelta(presetDelta(preset, out.height, out.width, value, s));
}

/**
 * Paints `value` (0 erases) along a stroke from `from` to `to` in fractional cell coordinates
 * of the δ map, with a brush of `radius` cells; shown together with its sweep.
 */
export function paintDelta(
  from: CellPoint | null,
  to: CellPoint,
  radius: number,
  value: number,
): Promise<void> {
  const delta = current().paintedDelta;
  if (delta === null || !(Math.abs(value) <= MAX_PAINTED_DELTA)) return Promise.resolve();
  const painted = paintSegment(delta, from ?? to, to, radius, value);
  return painted === null ? Promise.resolve() : deltaChanged(painted, true);
}
