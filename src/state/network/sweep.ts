/**
 * The drawn digit (a stroke → a prediction on the lane "network-predict", superseded like
 * every other request) and the sweep inside the network (the chosen image, layer, filter and
 * cursor; a sweep on the lane "network-sweep").
 */
import { errorText, IMAGE_SIDE } from "../../engine";
import { SupersededError } from "../../worker/client";
import { engine } from "../engineClient";
import { sectionDataKey } from "./digits";
import { MAX_PARAM, MAX_STEPS, MAX_VELOCITY } from "./file";
import {
  drawnInput,
  type NetworkState,
  type NetworkSweepResult,
  networkStore,
  type SweepChoice,
  sweepImageOf,
  sweepTargetIn,
} from "./store";
// Every change to the network's store passes the network file's rules (guard.ts).
import "./guard";

const get = () => networkStore.getState();
const set = (change: Partial<NetworkState>) => networkStore.setState(change);

/**
 * The message the worker's last failed answer left (its code or the digits could not be
 * fetched, say), taken down when a later answer comes: the failure is over.
 */
let failure: string | null = null;

/** Shows why the worker's answer failed (and more of the state `change` gives). */
function failed(error: unknown, change: Partial<NetworkState> = {}): void {
  failure = errorText(error);
  set({ message: failure, ...change });
}

/** A later answer came: the failure's message, if it still shows, goes. */
function answered(): void {
  if (failure !== null && get().message === failure) set({ message: null });
  failure = null;
}

/** The brush's radius in cells: about the width of an MNIST stroke. */
export const BRUSH_RADIUS = 1.4;

/**
 * The drawn digit with a stroke from `from` to `to` (cell coordinates, fractional) added: cells
 * near the segment get ink that fades over the brush's last cell, never less than they had.
 * Null when nothing changed.
 */
export function paintedDigit(
  image: Float64Array,
  from: { x: number; y: number },
  to: { x: number; y: number },
): Float64Array | null {
  let out: Float64Array | null = null;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length2 = dx * dx + dy * dy;
  const r = BRUSH_RADIUS;
  const top = Math.max(0, Math.floor(Math.min(from.y, to.y) - r - 1));
  const bottom = Math.min(IMAGE_SIDE - 1, Math.ceil(Math.max(from.y, to.y) + r + 1));
  const left = Math.max(0, Math.floor(Math.min(from.x, to.x) - r - 1));
  const right = Math.min(IMAGE_SIDE - 1, Math.ceil(Math.max(from.x, to.x) + r + 1));
  for (let row = top; row <= bottom; row++) {
    for (let col = left; col <= right; col++) {
      const px = col + 0.5;
      const py = row + 0.5;
      const t =
        length2 === 0
          ? 0
          : Math.max(0, Math.min(1, ((px - from.x) * dx + (py - from.y) * dy) / length2));
      const d = Math.hypot(px - (from.x + t * dx), py - (from.y + t * dy));
      const ink = Math.max(0, Math.min(1, r - d + 0.5));
      const i = row * IMAGE_SIDE + col;
      if (ink > (image[i] as number)) {
        out ??= image.slice();
        out[i] = ink;
      }
    }
  }
  return out;
}

/** Adds a stroke to the drawn digit and asks for its probabilities. */
export function paintNetworkDigit(
  from: { x: number; y: number },
  to: { x: number; y: number },
): void {
  const drawn = paintedDigit(get().drawn, from, to);
  if (drawn === null) return;
  set({ drawn });
  requestPrediction();
  if (get().choice.set === "drawn") requestNetworkSweep();
}

/** Clears the drawn digit. */
export function clearNetworkDigit(): void {
  // A prediction in flight is of the digit cleared: it is not shown.
  predicting = null;
  predictAgain = false;
  set({ drawn: new Float64Array(IMAGE_SIDE * IMAGE_SIDE), probabilities: null });
  if (get().choice.set === "drawn") requestNetworkSweep();
}

/** The prediction in flight (null: none), and whether the digit or network changed since. */
let predicting: object | null = null;
let predictAgain = false;
/** When the last prediction was asked for (performance.now()). */
let predictedAt = Number.NEGATIVE_INFINITY;

/** How often training's reports ask again for the drawn digit's probabilities, at most. */
export const TRAINING_PREDICT_MS = 200;

/**
 * The drawn digit's probabilities as training moves the network on: asked for at most every
 * TRAINING_PREDICT_MS and never while another is in flight, which keeps the worker's answer to
 * a stroke from waiting behind them.
 */
export function refreshPrediction(): void {
  if (get().probabilities === null || predicting !== null) return;
  if (performance.now() - predictedAt < TRAINING_PREDICT_MS) return;
  requestPrediction();
}

/**
 * Asks for the drawn digit's ten probabilities. One request is in flight at a time: a change
 * meanwhile (a stroke, a training report) is asked for as soon as it lands, with the digit and
 * network as they are then. Superseding each request by the next instead would starve the page
 * whenever changes come faster than the worker answers (a pen drawing while the network trains:
 * the worker finishes its step first), and the probabilities would freeze until the pen lifts.
 * `fresh` is for a network that replaced the old one (reset, import, a new shape): the request
 * in flight is superseded, so no probability of the old network is shown.
 */
export function requestPrediction(fresh = false): void {
  if (predicting !== null && !fresh) {
    predictAgain = true;
    return;
  }
  const token = {};
  predicting = token;
  predictAgain = false;
  predictedAt = performance.now();
  const state = get();
  const { spec, params } = state;
  const drawn = drawnInput(state);
  if (drawn === null) {
    predicting = null;
    return;
  }
  const landed = () => {
    if (predicting !== token) return;
    predicting = null;
    if (predictAgain) requestPrediction();
  };
  engine()
    .lane("network-predict")
    .predictNetwork({ network: { spec, params }, image: drawn })
    .then(
      (probabilities) => {
        if (predicting === token) {
          set({ probabilities });
          answered();
        }
        landed();
      },
      (error: unknown) => {
        if (!(error instanceof SupersededError) && predicting === token) failed(error);
        landed();
      },
    );
}

/** Positions of the current sweep (0 when there is none). */
export function sweepPositions(state: NetworkState): number {
  const s = state.sweep?.sweep.shape;
  return s === undefined ? 0 : s.outHeight * s.outWidth;
}

/**
 * Asks for the sweep of the chosen image, layer and filter with the network as it is now; it
 * lands keeping the cursor where it was (within the new sweep's positions).
 */
export function requestNetworkSweep(): void {
  requestNetworkSweepThen(() => {});
}

/** requestNetworkSweep, then `landed` sees the sweep (not when a newer one superseded it). */
export function requestNetworkSweepThen(landed: (sweep: NetworkSweepResult) => void): void {
  const state = get();
  const basis = state.params;
  const request = {
    network: { spec: state.spec, params: state.params },
    velocity: state.velocity,
    steps: state.steps,
    settings: state.settings,
    image: sweepImageOf(state),
    layer: state.layer,
    filter: state.filter,
    data: sectionDataKey(state),
  };
  if (state.digits !== "ready" && !state.training) set({ digits: "loading" });
  engine()
    .lane("network-sweep")
    .sweepNetwork(request)
    .then(
      (sweep) => {
        const positions = sweep.sweep.shape.outHeight * sweep.sweep.shape.outWidth;
        set({
          sweep,
          sweepParams: basis,
          position: Math.min(get().position, positions),
          ...(get().training ? {} : { digits: "ready" }),
        });
        answered();
        landed(sweep);
      },
      (error: unknown) => {
        if (error instanceof SupersededError) return;
        failed(error, get().training ? {} : { digits: "error" });
      },
    );
}

/** Sweeps another image (a training or test digit, or the drawn one with its label). */
export function chooseSweepImage(choice: SweepChoice): void {
  set({ choice });
  requestNetworkSweep();
}

/** Sweeps another conv layer (its index in the layers; the filter kept when it has one by that number). */
export function chooseSweepLayer(layer: number): void {
  const { spec, filter } = get();
  if (spec.layers[layer]?.type !== "conv2d") return;
  set({ ...sweepTargetIn(spec, layer, filter), position: 0 });
  requestNetworkSweep();
}

/** Sweeps another filter of the layer. */
export function chooseSweepFilter(filter: number): void {
  set({ filter, position: 0 });
  requestNetworkSweep();
}

/** Moves the cursor: positions 0..p−1 are summed. */
export function setNetworkPosition(position: number): void {
  const positions = sweepPositions(get());
  set({ position: Math.max(0, Math.min(positions, Math.round(position))) });
}

/** Moves the cursor to just past the next position whose δ is not zero (or to the end). */
export function nextContributing(): void {
  const { sweep, position } = get();
  if (sweep === null) return;
  const delta = sweep.sweep.delta;
  let p = position;
  while (p < delta.length && delta[p] === 0) p++;
  set({ position: Math.min(delta.length, p + 1) });
}

/**
 * Applies the batch step the sweep shows: every parameter moves as one training step would
 * (all K filters at once); the sweep is then made again for the network one step on.
 */
export function applyBatchStep(): void {
  const state = get();
  const batch = state.sweep?.batch;
  if (batch === undefined || state.training) return;
  if (state.sweepParams !== state.params) {
    // Computed from the network before the last training or step: never applied to this one.
    set({
      message:
        "That step was computed for the network as it was before; its step for the network as it is now is on the way.",
    });
    requestNetworkSweep();
    return;
  }
  if (state.steps >= MAX_STEPS) {
    set({
      message: `The network has taken ${MAX_STEPS.toLocaleString("en-US")} steps, the most a network file counts.`,
    });
    return;
  }
  const far = batch.params.findIndex((w) => !(Math.abs(w) <= MAX_PARAM));
  const fast = batch.velocity.findIndex((v) => !(Math.abs(v) <= MAX_VELOCITY));
  if (far !== -1 || fast !== -1 || !(batch.loss <= 1e12)) {
    set({
      message: `That step would leave what a network holds (a weight within ±${MAX_PARAM.toLocaleString("en-US")}, a momentum value within ±${MAX_VELOCITY.toLocaleString("en-US")}, a batch loss of at most 1e12): lower η. The network stays as it was.`,
    });
    return;
  }
  set({
    params: batch.params,
    velocity: batch.velocity,
    steps: state.steps + 1,
    losses: [...state.losses, batch.loss],
    batchAccuracies: [...state.batchAccuracies, batch.accuracy],
    sweep: null,
  });
  requestNetworkSweep();
  if (get().probabilities !== null) requestPrediction();
}
