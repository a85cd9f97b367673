import {
  checkLearningRate,
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
import {
  type AppState,
  appStore,
  copySums,
  initialState,
  type LossPoint,
  makeTarget,
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
  client?.cancelTraining();
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
    set((now) => ({
      ...landing,
      sweep,
      sweepPending: false,
      position: at,
      sums: sumsAt(sweep, emptySums(sweep), at),
      engineError: null,
      ...appendLoss({ ...now, ...landing }, [{ update: updates, loss: sweep.loss }]),
    }));
  } catch (error) {
    if (error instanceof SupersededError) return;
    landUnswept();
    set({ sweepPending: false, engineError: errorText(error) });
  }
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

/** One SGD update of the one kernel and bias with a given gradient; then a new sweep at 0. */
export function applyGradient(kernelGrad: Grid, biasGrad: number): void {
  const { kernel, bias, learningRate, updates } = get();
  const params = sgdUpdate({ kernel, bias }, kernelGrad, biasGrad, learningRate);
  set({ kernel: params.kernel, bias: params.bias, updates: updates + 1, playing: false });
  void requestSweep();
}

/** Back to the initial kernel and bias, no updates, position 0; the image stays. */
export function reset(): void {
  engine().cancelTraining();
  const { initialKernel, initialBias } = get();
  set({
    kernel: initialKernel,
    bias: initialBias,
    updates: 0,
    lossHistory: [],
    lossStride: 1,
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
  if (get().training) engine().cancelTraining();
  set({ ...patch, training: false, playing: false, lossHistory: [], lossStride: 1 });
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
  if (s.training) engine().cancelTraining();
  if (s.training || s.playing) set({ training: false, playing: false });
  const target = targetFor(image, s.targetKernel, s.options, s.target);
  return requestSweep(0, { image, target, lossHistory: [], lossStride: 1 });
}

export function setBrush(patch: Partial<Pick<AppState, "brushSize" | "brushMode">>): void {
  set(patch);
}

/** Makes the target from a preset filter. */
export function setTargetPreset(preset: FilterPreset): void {
  setTargetKernel(presetFilter(preset));
}

/** Makes the target from a typed-in or preset filter (the kernel's shape). */
export function setTargetKernel(targetKernel: Grid): void {
  const { image, options } = get();
  problemChanged({ targetKernel, target: makeTarget(image, targetKernel, options) });
}

/** Changes stride, padding or dilation; refuses (with a message) options that do not fit. */
export function setOptions(patch: Partial<ResolvedConvOptions>): void {
  const { image, kernel, options, targetKernel, target } = get();
  let next: ResolvedConvOptions;
  try {
    next = resolveOptions({ ...options, ...patch });
    outputShape(image, kernel, next);
  } catch (error) {
    set({ notice: { kind: "error", text: errorText(error) } });
    return;
  }
  const filter = targetKernel ?? presetFilter("verticalEdge");
  if (targetKernel === null) {
    set({
      notice: {
        kind: "info",
        text: "The imported target does not fit the new shape; the target is now made by the vertical-edge filter.",
      },
    });
  }
  problemChanged({
    options: next,
    targetKernel: filter,
    target: targetFor(image, filter, next, target),
  });
}

export function setReduction(reduction: Reduction): void {
  problemChanged({ reduction });
}

/** Sets the learning rate; refuses (with a message) a negative or non-finite one. */
export function setLearningRate(learningRate: number): boolean {
  try {
    checkLearningRate(learningRate);
  } catch (error) {
    set({ notice: { kind: "error", text: errorText(error) } });
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

/** Trains `steps` SGD steps in the worker, following the curve and the filter as it learns. */
export async function train(steps = get().trainSteps): Promise<void> {
  landUnswept();
  const s = get();
  if (s.training) return;
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
        if (exploded) return;
        appendLosses(progress.step - progress.losses.length, progress.losses);
        reported = progress.step;
        if (explodingIn(progress.losses)) {
          exploded = true;
          engine().stopTraining();
        } else if (first !== null && progress.loss <= first) {
          good = { kernel: progress.kernel, bias: progress.bias, updates: start + progress.step };
        }
        pendingParams = { kernel: progress.kernel, bias: progress.bias, step: progress.step };
        if (typeof requestAnimationFrame !== "function") applyPending();
        else frame ??= requestAnimationFrame(applyWhenDue);
      },
    );
    if (!exploded) appendLosses(reported, outcome.losses);
    flushPending();
    const blewUp = outcome.diverged || exploded || explodingIn(outcome.losses);
    const done = exploded ? reported : outcome.steps;
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
    flushPending();
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
  set((now) => ({
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
    sweep = await engine().sweep({
      image: saved.image,
      kernel: saved.kernel,
      bias: saved.bias,
      target: saved.target,
      options: saved.options,
      reduction: saved.reduction,
    });
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
  if (get().training) engine().cancelTraining();
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
    engineError: null,
    notice: success === null ? null : { kind: "info", text: success },
  });
  return true;
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
