import {
  emptySums,
  type Grid,
  outputShape,
  type Reduction,
  type ResolvedConvOptions,
  resolveOptions,
  type Sweep,
  type SweepSums,
  sgdUpdate,
  sumsAt,
} from "../engine/index";
import { createEngineClient, type EngineClient, SupersededError } from "../worker/client";
import { type FilterPreset, presetFilter, randomFilter } from "./filters";
import { type ImagePreset, presetImage, segmentDistance } from "./images";
import { decodeLink, encodeLink, LinkError } from "./link";
import { appendLoss } from "./lossHistory";
import {
  type LinkedState,
  parseState,
  readState,
  type SavedState,
  StateFileError,
  serializeState,
} from "./stateFile";
import { MAX_LEARNING_RATE, MAX_UPDATES, MAX_WEIGHT } from "./stateRules";
import {
  type AppState,
  appStore,
  copySums,
  initialState,
  type LossPoint,
  makeTarget,
  type Notice,
} from "./store";

const get = appStore.getState;

/**
 * Every change the actions make goes through here. A stroke's change still waiting for its
 * sweep (see `unswept`) lands first, so that what comes after it is applied after it.
 */
function set(change: Partial<AppState> | ((state: AppState) => Partial<AppState>)): void {
  landUnswept();
  appStore.setState(change);
}

let client: EngineClient | null = null;

/** Uses this engine client from now on (tests pass an in-process one). */
export function setEngineClient(next: EngineClient | null): void {
  client?.dispose();
  client = next;
}

function engine(): EngineClient {
  client ??= createEngineClient();
  return client;
}

/** The app's engine client, for views that make requests of their own (not the main sweep). */
export function getEngineClient(): EngineClient {
  return engine();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Puts the app back to its first state (tests; the page never calls it). */
export function resetApp(): void {
  endTraining();
  dropUnswept();
  appStore.setState(initialState(), true);
}

/** Shows a message to the person; null clears it. */
export function setNotice(notice: AppState["notice"]): void {
  set({ notice });
}

// ─── Sweeps ──────────────────────────────────────────────────────────────────

/**
 * What a stroke has changed (the image, its target, a fresh loss curve) that the store does
 * not hold yet. It lands together with its sweep, in one update: the input, the maps and the
 * sums repaint in the same frame and never disagree. Should the sweep take longer than
 * STROKE_WAIT_MS (a worker being replaced), it lands alone and the panels show "pending", as
 * for any other change.
 */
let unswept: Partial<AppState> | null = null;
let unsweptTimer: ReturnType<typeof setTimeout> | null = null;

/** How long a stroke's change waits for its sweep before it is shown without it. */
export const STROKE_WAIT_MS = 40;

/** The store's state as a stroke has left it, the change not yet shown included. */
function current(): AppState {
  return unswept === null ? get() : { ...get(), ...unswept };
}

/** The store's "a sweep is on its way" fields: position 0 and empty sums. */
function pendingFields(state: AppState): Partial<AppState> {
  return {
    sweepPending: true,
    position: 0,
    sums: state.sweep === null ? null : emptySums(state.sweep),
  };
}

/** Forgets a stroke's change that is waiting for its sweep; returns it (null if none). */
function dropUnswept(): Partial<AppState> | null {
  if (unsweptTimer !== null) clearTimeout(unsweptTimer);
  unsweptTimer = null;
  const change = unswept;
  unswept = null;
  return change;
}

/** Puts a stroke's change that is still waiting for its sweep into the store, now. */
function landUnswept(): void {
  const change = dropUnswept();
  if (change !== null) appStore.setState((now) => ({ ...change, ...pendingFields(now) }));
}

/**
 * Asks the worker for the sweep of the current image, kernel, bias and target, and shows it
 * at `position` once it arrives. A newer request supersedes this one, so an old result never
 * reaches the screen. With `change` (a stroke's), the change is applied with the sweep of it.
 */
export async function requestSweep(
  position = 0,
  change: Partial<AppState> | null = null,
): Promise<void> {
  if (change === null) {
    set((now) => pendingFields(now));
  } else {
    unswept = { ...unswept, ...change };
    unsweptTimer ??= setTimeout(landUnswept, STROKE_WAIT_MS);
  }
  const s = current();
  const updates = s.updates;
  try {
    const sweep = await engine().sweep({
      image: s.image,
      kernel: s.kernel,
      bias: s.bias,
      target: s.target,
      options: s.options,
      reduction: s.reduction,
    });
    const landing = dropUnswept() ?? {};
    const at = Math.min(position, sweep.outHeight * sweep.outWidth);
    set((now) => {
      const curve = appendLoss({ ...now, ...landing }, [{ update: updates, loss: sweep.loss }]);
      return {
        ...landing,
        sweep,
        sweepPending: false,
        position: at,
        sums: sumsAt(sweep, emptySums(sweep), at),
        engineError: null,
        ...curve,
        ...judgeLoss(now, curve.lossHistory, { kernel: s.kernel, bias: s.bias, updates }),
      };
    });
  } catch (error) {
    if (error instanceof SupersededError) return;
    landUnswept();
    set({ sweepPending: false, engineError: errorText(error) });
  }
}

/**
 * What a new loss says about the filter it was measured for: a filter no worse than where
 * the curve started becomes the last good one; after updates by hand (not training, which
 * judges its own run) a loss EXPLODING_FACTOR times the start's says the learning rate is
 * too large, and offers the last good filter back.
 */
function judgeLoss(
  now: AppState,
  curve: LossPoint[],
  params: { kernel: Grid; bias: number; updates: number },
): Partial<AppState> {
  const first = curve[0];
  const latest = curve[curve.length - 1];
  if (first === undefined || latest === undefined || latest.update !== params.updates) return {};
  if (latest.loss <= first.loss) return { goodParams: params };
  if (now.training || latest.update === first.update || !isExploding(latest.loss, first.loss)) {
    return {};
  }
  return {
    notice: {
      kind: "error",
      text: `The loss has grown over ${EXPLODING_FACTOR.toExponential(0)} times in ${latest.update - first.update} updates: the learning rate (η = ${now.learningRate}) is too large. Lower it.`,
      ...backTo(now.goodParams),
    },
  };
}

/** The number of positions in the current sweep (0 before the first arrives). */
export function totalPositions(state: AppState = get()): number {
  return state.sweep === null ? 0 : state.sweep.outHeight * state.sweep.outWidth;
}

/** Moves the cursor to `position` (kept within 0 … total); the sums follow exactly. */
export function setPosition(position: number): void {
  const { sweep, sums, position: current } = get();
  if (sweep === null || sums === null) return;
  const next = Math.max(0, Math.min(totalPositions(), Math.round(position)));
  if (next === current) return;
  set({ position: next, sums: sumsAt(sweep, copySums(sums), next) });
}

/** Accumulates the next position's contribution. */
export function step(): void {
  setPosition(get().position + 1);
}

/** Undoes the last accumulated position. */
export function stepBack(): void {
  setPosition(get().position - 1);
}

/** Accumulates every remaining position. */
export function finishSweep(): void {
  set({ playing: false });
  setPosition(totalPositions());
}

// ─── The update ──────────────────────────────────────────────────────────────

/** kernel ← kernel − learningRate · sums, the same for the bias; then a new sweep at position 0. */
export function applyUpdate(): void {
  const { sums, sweepPending } = get();
  if (sums === null || sweepPending) return;
  applyGradient(sums.kernelGrad, sums.biasGrad);
}

/** The message for an update counter that has reached its limit. */
const COUNTER_FULL = `The update counter has reached its limit (${MAX_UPDATES.toLocaleString("en-US")}): press Reset to start counting from 0 again.`;

/**
 * One SGD update of the one kernel and bias with a given gradient; then a new sweep at 0.
 * An update that would carry a weight past ±MAX_WEIGHT (a learning rate far too large) is not
 * made: the message says so and offers the last good filter.
 */
export function applyGradient(kernelGrad: Grid, biasGrad: number): void {
  const { kernel, bias, learningRate, updates } = get();
  if (updates >= MAX_UPDATES) {
    set({ playing: false, notice: { kind: "error", text: COUNTER_FULL } });
    return;
  }
  const params = sgdUpdate({ kernel, bias }, kernelGrad, biasGrad, learningRate);
  if (!withinLimit(params.kernel, params.bias)) {
    set({
      playing: false,
      notice: {
        kind: "error",
        text: `This update was not applied: η·Σ would move the filter past ±${MAX_WEIGHT.toLocaleString("en-US")}, where its numbers stop being meaningful. The learning rate (η = ${learningRate}) is far too large: lower it.`,
        ...backTo(get().goodParams),
      },
    });
    return;
  }
  endTraining();
  set({
    kernel: params.kernel,
    bias: params.bias,
    updates: updates + 1,
    playing: false,
    training: false,
  });
  void requestSweep();
}

/** True when every weight and the bias are finite and within ±MAX_WEIGHT. */
function withinLimit(kernel: Grid, bias: number): boolean {
  if (!(Math.abs(bias) <= MAX_WEIGHT)) return false;
  return kernel.data.every((w) => Math.abs(w) <= MAX_WEIGHT);
}

/** The "back to the last good filter" remedy, when there is a good filter to go back to. */
function backTo(good: AppState["goodParams"]): Pick<Notice, "action"> {
  if (good === null) return {};
  return { action: { label: "Back to the last good filter", run: () => restoreParams(good) } };
}

/** Back to the initial kernel and bias, no updates, position 0; the image stays. */
export function reset(): void {
  endTraining();
  const { initialKernel, initialBias } = get();
  set({
    kernel: initialKernel,
    bias: initialBias,
    updates: 0,
    lossHistory: [],
    lossStride: 1,
    goodParams: null,
    playing: false,
    training: false,
    notice: null,
  });
  void requestSweep();
}

/** Draws a new random initial filter (next seed) and resets to it. */
export function reinitialise(): void {
  const seed = get().initSeed + 1;
  const kernel = randomFilter(seed);
  set({ initSeed: seed, initialKernel: kernel, initialBias: 0 });
  reset();
}

// ─── The problem: image, target, options ─────────────────────────────────────

/** Something the loss depends on changed: stop training, restart the curve and the sweep. */
function problemChanged(patch: Partial<AppState>): void {
  endTraining();
  // The cursor goes back to 0 at once: the old position may not exist in the new output.
  set((now) => ({
    ...pendingFields(now),
    ...patch,
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
  // Straight to the store: the flag does not touch what a stroke changes, and the stroke's
  // last change should still land with its sweep, not ahead of it.
  if (get().dragging !== dragging) appStore.setState({ dragging });
}

/**
 * Paints (or erases) a stroke from `from` to `to`, in fractional cell coordinates
 * (row, col), with the current brush; cells within the brush radius of the segment change.
 * The new image reaches the store together with its sweep (or after STROKE_WAIT_MS without
 * it). Strokes made meanwhile build on it. The promise settles when the sweep has arrived or
 * a later change has superseded it.
 */
export async function paintStroke(
  from: { row: number; col: number } | null,
  to: { row: number; col: number },
): Promise<void> {
  const { brushSize, brushMode } = get();
  const image = current().image;
  const data = image.data.slice();
  const start = from ?? to;
  const radius = brushSize - 0.5;
  const value = brushMode === "paint" ? 1 : 0;
  let changed = false;
  // Only cells whose centre can be within the radius of the segment: its bounding box, grown.
  const rows = span(start.row, to.row, radius, image.height);
  const cols = span(start.col, to.col, radius, image.width);
  for (let r = rows.from; r < rows.to; r++) {
    for (let c = cols.from; c < cols.to; c++) {
      const d = segmentDistance(r + 0.5, c + 0.5, start.row, start.col, to.row, to.col);
      if (d <= radius && data[r * image.width + c] !== value) {
        data[r * image.width + c] = value;
        changed = true;
      }
    }
  }
  if (changed) await strokeChanged({ height: image.height, width: image.width, data });
}

/**
 * Cells [from, to) along one axis, clipped to 0 … size, that hold every cell whose centre
 * (i + 0.5) lies within `radius` of the interval between a and b (and a few more: the caller
 * measures each).
 */
function span(a: number, b: number, radius: number, size: number): { from: number; to: number } {
  return {
    from: Math.max(0, Math.floor(Math.min(a, b) - radius - 0.5)),
    to: Math.min(size, Math.ceil(Math.max(a, b) + radius + 0.5)),
  };
}

/** A stroke changed the image: like setImage, but shown together with its sweep. */
function strokeChanged(image: Grid): Promise<void> {
  const s = get();
  endTraining();
  if (s.training || s.playing) set({ training: false, playing: false });
  const target = targetFor(image, s.targetKernel, s.options, s.target);
  return requestSweep(0, { image, target, lossHistory: [], lossStride: 1, goodParams: null });
}

export function setBrush(patch: Partial<Pick<AppState, "brushSize" | "brushMode">>): void {
  set(patch);
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
    set({
      notice: {
        kind: "error",
        text: `The target filter must be ${kernel.height}x${kernel.width}, like the filter being learned; this one is ${targetKernel.height}x${targetKernel.width}.`,
      },
    });
    return;
  }
  if (!withinLimit(targetKernel, 0)) {
    set({
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
    set({ notice: { kind: "error", text: `These options do not fit: ${errorText(error)}.` } });
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
    set({
      notice: {
        kind: "error",
        text: Number.isFinite(learningRate)
          ? `The learning rate must be from 0 to ${limit}; ${learningRate} is not. It stays ${get().learningRate}.`
          : `The learning rate must be a number from 0 to ${limit}. It stays ${get().learningRate}.`,
      },
    });
    return false;
  }
  set({ learningRate });
  return true;
}

// ─── Training ────────────────────────────────────────────────────────────────

export function setTrainSteps(trainSteps: number): void {
  set({ trainSteps });
}

/** While training, the curve and the filter are redrawn at most this many times a second. */
export const TRAINING_REDRAW_HZ = 20;

/** While training, the sweep of the changing filter is redone at most this often. */
export const TRAINING_SWEEP_INTERVAL_MS = 200;

/** Training counts as exploding once the loss is this many times the loss it started from. */
export const EXPLODING_FACTOR = 1e6;

/** True when a loss is not finite, or has grown EXPLODING_FACTOR times past `first`. */
export function isExploding(loss: number, first: number): boolean {
  return !Number.isFinite(loss) || loss > EXPLODING_FACTOR * Math.max(first, Number.MIN_VALUE);
}

/**
 * The training run whose reports may still reach the store; null when none is. Whatever
 * replaces the parameters or the problem (Reset, Import, a link, a stroke, an option, an
 * update) ends the run first, so a late report never lands on the newer state.
 */
let liveTraining: object | null = null;

/** Ends the live training run, if any: its worker run is cancelled and its reports dropped. */
function endTraining(): void {
  if (liveTraining === null) return;
  liveTraining = null;
  engine().cancelTraining();
}

/**
 * Trains `steps` SGD steps in the worker, following the curve and the filter as it learns.
 * The steps are cut so the update counter stays within MAX_UPDATES.
 */
export async function train(requested = get().trainSteps): Promise<void> {
  landUnswept();
  const s = get();
  if (s.training) return;
  const steps = Math.min(requested, MAX_UPDATES - s.updates);
  if (steps <= 0) {
    set({ notice: { kind: "error", text: COUNTER_FULL } });
    return;
  }
  const run = {};
  liveTraining = run;
  const live = () => liveTraining === run;
  const start = s.updates;
  // The last parameters known to be no worse than where training started: what "back" restores.
  let good = { kernel: s.kernel, bias: s.bias, updates: s.updates };
  let first: number | null = null;
  let exploded = false;
  set({ training: true, playing: false, notice: null });
  // Reports can come far faster than the screen refreshes: what they bring (losses, the
  // filter, a sweep of it) is applied in an animation frame, at most TRAINING_REDRAW_HZ a second.
  let pendingLosses: LossPoint[] = [];
  let pendingParams: { kernel: Grid; bias: number; step: number } | null = null;
  let frame: number | null = null;
  let lastSweep = Number.NEGATIVE_INFINITY;
  const applyPending = () => {
    frame = null;
    if (!live()) return;
    const losses = pendingLosses;
    const params = pendingParams;
    pendingLosses = [];
    pendingParams = null;
    if (losses.length > 0) set((now) => appendLoss(now, losses));
    if (params !== null) {
      set({ kernel: params.kernel, bias: params.bias, updates: start + params.step });
      // A sweep redraws every panel: a few a second show the filter learning; the last one
      // comes when training ends.
      const now = Date.now();
      if (now - lastSweep >= TRAINING_SWEEP_INTERVAL_MS) {
        lastSweep = now;
        void requestSweep();
      }
    }
  };
  // Reports reach the screen at most TRAINING_REDRAW_HZ times a second: the curve and the
  // filter still move smoothly, and the page keeps most of each frame free.
  let lastApplied = Number.NEGATIVE_INFINITY;
  const applyWhenDue = (now: number) => {
    if (now - lastApplied < 1000 / TRAINING_REDRAW_HZ) {
      frame = requestAnimationFrame(applyWhenDue);
      return;
    }
    lastApplied = now;
    applyPending();
  };
  const flushPending = () => {
    if (frame !== null && typeof cancelAnimationFrame === "function") cancelAnimationFrame(frame);
    applyPending();
  };
  const appendLosses = (from: number, losses: Float64Array) => {
    if (losses.length === 0) return;
    first ??= losses[0] as number;
    losses.forEach((loss, i) => {
      pendingLosses.push({ update: start + from + i, loss });
    });
  };
  const explodingIn = (losses: Float64Array) =>
    first !== null && losses.some((l) => isExploding(l, first as number));
  let reported = 0;
  try {
    const outcome = await engine().train(
      {
        image: s.image,
        target: s.target,
        options: s.options,
        reduction: s.reduction,
        kernel: s.kernel,
        bias: s.bias,
        learningRate: s.learningRate,
        steps,
        reportEvery: Math.max(1, Math.floor(steps / 100)),
      },
      (progress) => {
        if (exploded || !live()) return;
        appendLosses(progress.step - progress.losses.length, progress.losses);
        reported = progress.step;
        const outOfLimit = !withinLimit(progress.kernel, progress.bias);
        if (explodingIn(progress.losses) || outOfLimit) {
          exploded = true;
          engine().stopTraining();
        } else if (first !== null && progress.loss <= first) {
          good = { kernel: progress.kernel, bias: progress.bias, updates: start + progress.step };
        }
        if (!outOfLimit) {
          pendingParams = { kernel: progress.kernel, bias: progress.bias, step: progress.step };
        }
        if (typeof requestAnimationFrame !== "function") applyPending();
        else frame ??= requestAnimationFrame(applyWhenDue);
      },
    );
    if (!live()) return;
    // Past ±MAX_WEIGHT after the last report: the run blew up, and its last report is kept.
    exploded ||= !withinLimit(outcome.kernel, outcome.bias);
    if (!exploded) appendLosses(reported, outcome.losses);
    flushPending();
    liveTraining = null;
    const blewUp = outcome.diverged || exploded || explodingIn(outcome.losses);
    const done = exploded ? get().updates - start : outcome.steps;
    set({
      kernel: exploded ? get().kernel : outcome.kernel,
      bias: exploded ? get().bias : outcome.bias,
      updates: start + done,
      training: false,
      notice: blewUp
        ? {
            kind: "error",
            text: `Training blew up after ${done} steps: the loss ${outcome.diverged ? "or the weights stopped being finite" : `grew over ${EXPLODING_FACTOR.toExponential(0)} times`}, so it was stopped. Lower the learning rate (η = ${get().learningRate}).`,
            action: { label: "Back to the last good filter", run: () => restoreParams(good) },
          }
        : null,
    });
    void requestSweep();
  } catch (error) {
    if (!live()) return;
    flushPending();
    liveTraining = null;
    if (error instanceof SupersededError) {
      set({ training: false });
      return;
    }
    set({
      training: false,
      notice: { kind: "error", text: `Training failed: ${errorText(error)}` },
    });
  }
}

/** Puts back earlier parameters (after a blow-up), trimming the loss curve to match. */
function restoreParams(good: { kernel: Grid; bias: number; updates: number }): void {
  endTraining();
  set((now) => ({
    training: false,
    kernel: good.kernel,
    bias: good.bias,
    updates: good.updates,
    lossHistory: now.lossHistory.filter((p) => p.update <= good.updates),
    notice: { kind: "info", text: `Back to the filter after ${good.updates} updates.` },
  }));
  void requestSweep();
}

/** Stops training at the next chunk, keeping the filter it has reached. */
export function stopTraining(): void {
  engine().stopTraining();
}

// ─── State file ──────────────────────────────────────────────────────────────

/** The current state as a state file's text (CONTRACT.md §2). */
export function exportState(): string {
  const s = get();
  return serializeState({
    ...currentLinkedState(),
    sums: s.sums ?? {
      kernelGrad: {
        height: s.kernel.height,
        width: s.kernel.width,
        data: new Float64Array(s.kernel.data.length),
      },
      biasGrad: 0,
      inputGrad: {
        height: s.image.height,
        width: s.image.width,
        data: new Float64Array(s.image.data.length),
      },
    },
  });
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** Checks that a file's sums are the sum of the first `position` contributions of its sweep. */
function checkSums(saved: SavedState, sweep: Sweep): SweepSums {
  const sums = sumsAt(sweep, emptySums(sweep), saved.position);
  const pairs: [string, Float64Array, Float64Array][] = [
    ["sums.kernelGrad", saved.sums.kernelGrad.data, sums.kernelGrad.data],
    ["sums.inputGrad", saved.sums.inputGrad.data, sums.inputGrad.data],
  ];
  for (const [name, given, computed] of pairs) {
    for (let i = 0; i < given.length; i++) {
      if (!close(given[i] as number, computed[i] as number)) {
        throw new StateFileError(
          `"${name}.data[${i}]" is ${given[i]}, but the first ${saved.position} positions of this image, kernel and target sum to ${computed[i]}.`,
        );
      }
    }
  }
  if (!close(saved.sums.biasGrad, sums.biasGrad)) {
    throw new StateFileError(
      `"sums.biasGrad" is ${saved.sums.biasGrad}, but the first ${saved.position} positions sum to ${sums.biasGrad}.`,
    );
  }
  return sums;
}

/**
 * Opens a state file's text. On any problem, shows a message naming it and leaves the current
 * state as it was. Resolves true when the state was replaced.
 */
export function importState(text: string): Promise<boolean> {
  return loadState(
    () => parseState(text),
    "Import failed, nothing was changed.",
    "State imported.",
  );
}

/**
 * Opens the state of a shared link's fragment value (see link.ts). On a problem, shows a
 * message and keeps the current (default) state.
 */
export function openLink(value: string): Promise<boolean> {
  return loadState(
    () => decodeLink(value),
    "The link could not be opened; showing the default state instead.",
    "Opened the shared state from the link.",
  );
}

/**
 * Reads a state (a file's, with sums to check, or a link's, without), computes its sweep in
 * the worker, and only then replaces the current state; on any problem it says why and
 * changes nothing.
 */
async function loadState(
  read: () => SavedState | LinkedState | Promise<SavedState | LinkedState>,
  failure: string,
  success: string | null,
): Promise<boolean> {
  let saved: SavedState | LinkedState;
  let sweep: Sweep;
  let sums: SweepSums;
  try {
    saved = await read();
    // A state that is going to replace this one: training on this one stops now, so that
    // none of its reports (nor the sweeps they ask for) land after it.
    endTraining();
    if (get().training) set({ training: false });
    sweep = await sweepOf(saved);
    sums =
      "sums" in saved ? checkSums(saved, sweep) : sumsAt(sweep, emptySums(sweep), saved.position);
  } catch (error) {
    if (error instanceof SupersededError) return false;
    const text =
      error instanceof StateFileError || error instanceof LinkError
        ? error.message
        : `It could not be read: ${errorText(error)}`;
    set({ notice: { kind: "error", text: `${failure} ${text}` } });
    // The check may have superseded a sweep of the current state: ask for it again.
    if (get().sweepPending) void requestSweep(get().position);
    return false;
  }
  endTraining();
  set({
    image: saved.image,
    kernel: saved.kernel,
    bias: saved.bias,
    initialKernel: saved.kernel,
    initialBias: saved.bias,
    targetKernel: saved.targetKernel,
    target: saved.target,
    options: saved.options,
    reduction: saved.reduction,
    learningRate: saved.learningRate,
    updates: saved.updates,
    sweep,
    sweepPending: false,
    position: saved.position,
    sums,
    training: false,
    playing: false,
    lossHistory: [{ update: saved.updates, loss: sweep.loss }],
    lossStride: 1,
    goodParams: { kernel: saved.kernel, bias: saved.bias, updates: saved.updates },
    engineError: null,
    notice: success === null ? null : { kind: "info", text: success },
  });
  return true;
}

/**
 * The sweep of a state about to be loaded. A stroke's or the training's sweep asked for
 * meanwhile supersedes it on the worker's sweep lane; the load is what the person asked for
 * last, so it asks again (a few times at most: each retry follows a newer request).
 */
async function sweepOf(state: LinkedState): Promise<Sweep> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine().sweep({
        image: state.image,
        kernel: state.kernel,
        bias: state.bias,
        target: state.target,
        options: state.options,
        reduction: state.reduction,
      });
    } catch (error) {
      if (!(error instanceof SupersededError) || attempt >= 5) throw error;
    }
  }
}

/**
 * Restores work saved in this browser (see saved.ts): a link document. On a problem the
 * message says so and the default state stays.
 */
export function restoreSaved(doc: unknown): Promise<boolean> {
  return loadState(
    () => readState(doc, "link"),
    "Your saved work could not be restored, so the app starts fresh.",
    null,
  );
}

/** The current state without its sums (they are derived): what links and saved work hold. */
export function currentLinkedState(): LinkedState {
  const s = get();
  return {
    image: s.image,
    kernel: s.kernel,
    bias: s.bias,
    target: s.target,
    targetKernel: s.targetKernel,
    options: s.options,
    reduction: s.reduction,
    learningRate: s.learningRate,
    updates: s.updates,
    position: s.position,
  };
}

/** The current state as a link fragment ("state=…"). */
export function shareLink(): Promise<string> {
  return encodeLink(currentLinkedState());
}
