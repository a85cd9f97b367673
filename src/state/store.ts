import { createStore } from "zustand/vanilla";
import {
  conv2d,
  createGrid,
  type Grid,
  type Reduction,
  type ResolvedConvOptions,
  type Sweep,
  type SweepSums,
} from "../engine/index";
import { type BatchSource, defaultSource } from "./batchImages";
import { presetFilter, randomFilter } from "./filters";
import { guardStore } from "./guard";
import { IMAGE_SIDE, presetImage } from "./images";

/** A message for the person: what went wrong (error) or what happened (info). */
export interface Notice {
  kind: "error" | "info";
  text: string;
  /** A one-click remedy offered with the message. */
  action?: { label: string; run: () => void };
}

/**
 * Saved work that could not be restored, moved aside (saved.ts): its message and Download stay
 * on screen until dismissed, whatever notices come after.
 */
export interface SetAsideWork {
  /** Why it was set aside, and where it is kept. */
  text: string;
  /** The saved entry as it was, offered as a file. */
  work: string;
}

/** One point of the loss curve: the loss with the parameters after `update` updates. */
export interface LossPoint {
  update: number;
  loss: number;
}

/** What the picture and the problem are. */
export interface DrawingSlice {
  /** The input image, values in [0, 1]. */
  image: Grid;
  /** Brush radius in cells (1 paints one cell). */
  brushSize: number;
  /** Paint raises cells towards 1, erase lowers them to 0. */
  brushMode: "paint" | "erase";
}

/** The learnable filter, the target and the training settings. */
export interface ModelSlice {
  /** The one shared filter. */
  kernel: Grid;
  /** The one shared bias. */
  bias: number;
  /** What Reset returns to. */
  initialKernel: Grid;
  initialBias: number;
  /** The seed the initial filter was drawn with (shown, and bumped by Re-initialise). */
  initSeed: number;
  /** The filter the target was made from, when it was. */
  targetKernel: Grid | null;
  /** The target output map (the output's shape). */
  target: Grid;
  /**
   * Paint δ mode: the error map δ = ∂L/∂out painted by hand (the output's shape), used for the
   * sweep instead of the target's (the loss is then Σ δ·out); null derives δ from the target.
   */
  paintedDelta: Grid | null;
  options: ResolvedConvOptions;
  reduction: Reduction;
  learningRate: number;
  /** How many updates have been applied since the last reset. */
  updates: number;
}

/** The sweep being played back and the cursor in it. */
export interface RunSlice {
  /** The current sweep's per-position records, from the worker; null until the first arrives. */
  sweep: Sweep | null;
  /** True while a sweep for the current inputs is being computed. */
  sweepPending: boolean;
  /** Positions accumulated so far (0 … outH·outW). */
  position: number;
  /** The sums of the first `position` contributions; a fresh object on every change. */
  sums: SweepSums | null;
  /** The worker failed for good: what to tell the person. */
  engineError: string | null;
}

/** Animation of the sweep. */
export interface PlaybackSlice {
  playing: boolean;
  /** True while a pointer drags on the input (a stroke) or on the Position slider. */
  dragging: boolean;
  /** Positions per second while playing. */
  speed: number;
}

/** Training many steps in the worker. */
export interface TrainingSlice {
  training: boolean;
  /** How many steps "Train" runs. */
  trainSteps: number;
  /** The loss curve since the problem last changed. */
  lossHistory: LossPoint[];
  /** The curve keeps only every lossStride-th update once it grows long (see lossHistory.ts). */
  lossStride: number;
  /** The latest filter whose loss was no worse than the curve's first: what "back" restores. */
  goodParams: { kernel: Grid; bias: number; updates: number } | null;
}

/** A batch of images swept together (the drawn one plus copies): its own cursor and sums. */
export interface BatchSlice {
  /** How the extra images (after the drawn one) are made; batch size = 1 + sources.length. */
  batchSources: BatchSource[];
  /** The batch's images, the drawn one first (null until the first batch sweep). */
  batchImages: Grid[] | null;
  /** One sweep per image, in image order (null while computing). */
  batchSweeps: Sweep[] | null;
  /** Positions accumulated over the whole batch, image after image (0 … B·N). */
  batchPosition: number;
  /** Per-image sums at batchPosition. */
  batchSums: SweepSums[] | null;
  batchPending: boolean;
  batchError: string | null;
}

/** Messages and dialogs. */
export interface UiSlice {
  notice: Notice | null;
  setAside: SetAsideWork | null;
}

export type AppState = DrawingSlice &
  ModelSlice &
  RunSlice &
  PlaybackSlice &
  TrainingSlice &
  BatchSlice &
  UiSlice;

/** The learning rate the app starts with: stable for every image preset with the sum reduction. */
export const DEFAULT_LEARNING_RATE = 0.0002;
/** Playback speeds offered, in positions per second. */
export const SPEEDS = [2, 10, 60, 300, 1800] as const;
export const DEFAULT_SPEED = 60;
export const DEFAULT_SEED = 1;

/** The target for an image and options, made by the target filter (with zero bias). */
export function makeTarget(image: Grid, targetKernel: Grid, options: ResolvedConvOptions): Grid {
  return conv2d(image, targetKernel, 0, options);
}

export function initialState(): AppState {
  const image = presetImage("digit", IMAGE_SIDE);
  const options: ResolvedConvOptions = { stride: 1, padding: 0, dilation: 1 };
  const targetKernel = presetFilter("verticalEdge");
  const kernel = randomFilter(DEFAULT_SEED);
  return {
    image,
    brushSize: 1,
    brushMode: "paint",
    kernel,
    bias: 0,
    initialKernel: kernel,
    initialBias: 0,
    initSeed: DEFAULT_SEED,
    targetKernel,
    target: makeTarget(image, targetKernel, options),
    paintedDelta: null,
    options,
    reduction: "sum",
    learningRate: DEFAULT_LEARNING_RATE,
    updates: 0,
    sweep: null,
    sweepPending: false,
    position: 0,
    sums: null,
    engineError: null,
    playing: false,
    dragging: false,
    speed: DEFAULT_SPEED,
    training: false,
    trainSteps: 200,
    lossHistory: [],
    lossStride: 1,
    goodParams: null,
    batchSources: [defaultSource(1), defaultSource(2), defaultSource(3)],
    batchImages: null,
    batchSweeps: null,
    batchPosition: 0,
    batchSums: null,
    batchPending: false,
    batchError: null,
    notice: null,
    setAside: null,
  };
}

/** The one store of the app. Its actions change it through `commit` (commit.ts), by concern. */
export const appStore = createStore<AppState>()(() => initialState());

/** How many changes the guard has refused since the page opened (tests read it). */
export let refusedChanges = 0;

// No change may leave a state that the app's own Import would refuse (see guard.ts).
guardStore(appStore, (problem) => {
  refusedChanges++;
  if (import.meta.env.DEV) console.error(`ConvSweep refused a change to its state: ${problem}`);
  appStore.setState({
    notice: {
      kind: "error",
      text: `That change was not made: it would leave a state that cannot be saved. ${problem}`,
    },
  });
});

/** A copy of sums, so the store always holds a fresh object. */
export function copySums(sums: SweepSums): SweepSums {
  return {
    kernelGrad: createGrid(
      sums.kernelGrad.height,
      sums.kernelGrad.width,
      sums.kernelGrad.data.slice(),
    ),
    biasGrad: sums.biasGrad,
    inputGrad: createGrid(sums.inputGrad.height, sums.inputGrad.width, sums.inputGrad.data.slice()),
    position: sums.position,
  };
}
