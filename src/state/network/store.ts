/**
 * The real network's state ("Inside a real network"): a store of its own, made when the
 * section's lazy chunk loads. The page's main store is in the first load, whose JavaScript is
 * at its budget; this one, its actions and its file format load only with the section, and
 * nothing of the main view depends on it.
 */
import { useMemo } from "react";
import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
import {
  DEFAULT_TRAIN_SETTINGS,
  IMAGE_SIDE,
  initNetworkParams,
  type LayerSpec,
  NETWORK_PRESETS,
  type Network,
  type NetworkSpec,
  type TrainSettings,
} from "../../engine";
import type { NetworkSweepResult } from "../../worker/client";
import type { NetworkEvaluation, SweepImage } from "../../worker/network/protocol";
import { type DataWords, DIGITS, dataWords, drawnInput, fitOf, type SectionData } from "./data";
import { convLayers, sectionNetwork, sectionSpec } from "./spec";
import type { StepSeries } from "./stepSeries";

export {
  type DataWords,
  DIGITS,
  dataWords,
  drawnInput,
  fitOf,
  type ImageSetInfo,
  labelText,
  type SectionData,
} from "./data";
export type { NetworkEvaluation, NetworkSweepResult };

/** The images a sweep can be about: a training or test digit, or the drawn one. */
export type SweepChoice =
  | { readonly set: "train" | "test"; readonly index: number }
  | { readonly set: "drawn"; readonly label: number };

/** Where the data set stands in the worker (the digits asset, or a person's stored images). */
export type DigitsStatus = "idle" | "loading" | "ready" | "error";

/** The network's state. Arrays are replaced, never changed in place. */
export interface NetworkState {
  /** The network's layers (a spec the section can train on `data`: spec.ts's sectionNetwork). */
  readonly spec: NetworkSpec;
  /** The images trained on, swept and evaluated: the digits or a person's own. */
  readonly data: SectionData;
  /**
   * Layers being edited that do not make a network yet, and why (null: the editor shows
   * `spec`). Kept so that no edit is lost; training waits until they make a network.
   */
  readonly draft: { readonly layers: readonly LayerSpec[]; readonly problem: string } | null;
  /** Batch size, η, μ, sum or mean, seed. */
  readonly settings: TrainSettings;
  /** Every parameter (the layout of createNetwork(spec): PyTorch's order). */
  readonly params: Float64Array;
  /** The momentum buffer, same layout. */
  readonly velocity: Float64Array;
  /** Training steps taken since the seed's initial parameters. */
  readonly steps: number;
  /**
   * Each step's batch loss and fraction of its batch correct (index = step − 1): a plain array,
   * or while training a view of a buffer that grows in place (stepSeries.ts).
   */
  readonly losses: StepSeries;
  readonly batchAccuracies: StepSeries;
  /** Every evaluation of the held-out digits, in step order. */
  readonly evaluations: readonly NetworkEvaluation[];
  /** A training run is live. */
  readonly training: boolean;
  /** The digits asset, fetched by the worker when first needed. */
  readonly digits: DigitsStatus;
  /** A message about the last failure (null: none). */
  readonly message: string | null;
  /** Something the page says about the network that is not a failure (null: nothing). */
  readonly notice: string | null;
  /** The drawn digit, 32·32 values in [0, 1], and its ten probabilities (null: not yet asked). */
  readonly drawn: Float64Array;
  readonly probabilities: Float64Array | null;
  /** The image of the sweep inside the network. */
  readonly choice: SweepChoice;
  /** The conv layer swept (its index in spec.layers) and its filter. */
  readonly layer: number;
  readonly filter: number;
  /** The latest sweep of that choice (null: none yet, or it no longer matches the network). */
  readonly sweep: NetworkSweepResult | null;
  /**
   * The parameters the sweep was made from (the store's `params` array itself). When training
   * or a step has replaced `params` since, the sweep is of an earlier network: its batch step
   * is not applied and its sums are not saved with the later one.
   */
  readonly sweepParams: Float64Array | null;
  /** How many of the sweep's positions are summed (0..positions). */
  readonly position: number;
  /** Workers that share each training step's batch (1–8): a setting of this machine, not saved. */
  readonly workers: number;
  /** The images each worker summed in the last step trained (empty before the first). */
  readonly shares: readonly number[];
}

/** The most training workers. */
export const MAX_WORKERS = 8;

/**
 * The default number of training workers: one per core but one, which the page keeps for
 * itself (at least 1, at most 8). Measured on a 2-core machine (docs/performance.md), a
 * second worker beside the page made training slower, not faster.
 */
export function defaultWorkers(): number {
  const cores = typeof navigator === "object" ? navigator.hardwareConcurrency : 1;
  return Math.min(MAX_WORKERS, Math.max(1, (Number.isInteger(cores) ? cores : 1) - 1));
}

/**
 * The seed's initial parameters and a zero momentum buffer for a spec (one the section can
 * train on `data`; anything else throws, naming the layer).
 */
export function freshNetwork(given: NetworkSpec, seed: number, data: SectionData = DIGITS) {
  const spec = sectionSpec(given.layers, given.input);
  const params = initNetworkParams(sectionNetwork(spec, fitOf(data)), seed);
  return {
    spec,
    draft: null,
    params,
    velocity: new Float64Array(params.length),
    steps: 0,
    losses: [],
    batchAccuracies: [],
    evaluations: [],
    sweep: null,
    sweepParams: null,
    position: 0,
    notice: null,
  } satisfies Partial<NetworkState>;
}

/**
 * The section's default settings: the engine's (batch 64, η 0.1 halving every 1,000 steps,
 * μ 0.9, mean, training images shifted by up to 1 pixel), which reach 97% on the held-out
 * digits (bench/cnn-accuracy.ts). Weight decay stays off, so one step is exactly "the batch's
 * summed gradient (of the shifted images), then v ← μv + g, w ← w − η_t·v", as the sweep's
 * batch view shows it.
 */
export const NETWORK_DEFAULT_SETTINGS: TrainSettings = {
  batchSize: DEFAULT_TRAIN_SETTINGS.batchSize,
  learningRate: DEFAULT_TRAIN_SETTINGS.learningRate,
  momentum: DEFAULT_TRAIN_SETTINGS.momentum,
  reduction: DEFAULT_TRAIN_SETTINGS.reduction,
  seed: DEFAULT_TRAIN_SETTINGS.seed,
  maxShift: DEFAULT_TRAIN_SETTINGS.maxShift ?? 0,
  learningRateHalfLife: DEFAULT_TRAIN_SETTINGS.learningRateHalfLife ?? 0,
};

/** The state of a first visit: the default network, untrained. */
export function initialNetworkState(): NetworkState {
  const settings = NETWORK_DEFAULT_SETTINGS;
  return {
    ...freshNetwork(NETWORK_PRESETS.default(), settings.seed),
    data: DIGITS,
    settings,
    training: false,
    digits: "idle",
    message: null,
    drawn: new Float64Array(IMAGE_SIDE * IMAGE_SIDE),
    probabilities: null,
    choice: { set: "train", index: 0 },
    layer: 0,
    filter: 0,
    workers: defaultWorkers(),
    shares: [],
  };
}

/** The network's store. */
export const networkStore = createStore<NetworkState>()(() => initialNetworkState());

/** Reads one value of the network's store in a component. */
export function useNetwork<T>(selector: (state: NetworkState) => T): T {
  return useStore(networkStore, selector);
}

/** The network's checked form (shapes, parameter layout), made again only when its spec changes. */
export function useNetworkModel(): Network {
  const spec = useNetwork((s) => s.spec);
  const data = useNetwork((s) => s.data);
  return useMemo(() => sectionNetwork(spec, fitOf(data)), [spec, data]);
}

/** How the page names the section's images and classes (dataWords), made again when they change. */
export function useDataWords(): DataWords {
  const data = useNetwork((s) => s.data);
  return useMemo(() => dataWords(data), [data]);
}

/** The latest test accuracy (null before the first evaluation). */
export function latestEvaluation(state: NetworkState): NetworkEvaluation | null {
  return state.evaluations.at(-1) ?? null;
}

/**
 * The sweep's layer and filter kept for a new spec: the same layer when it is still a conv
 * layer, else the first conv layer; the filter within its count.
 */
export function sweepTargetIn(
  spec: NetworkSpec,
  layer: number,
  filter: number,
): { layer: number; filter: number } {
  const convs = convLayers(spec);
  const at = convs.includes(layer) ? layer : (convs[0] ?? 0);
  const l = spec.layers[at];
  const count = l?.type === "conv2d" ? l.filters : 1;
  return { layer: at, filter: Math.max(0, Math.min(filter, count - 1)) };
}

/** The sweep when it was made from the network as it is now (null: none, or an earlier one's). */
export function currentSweep(state: NetworkState): NetworkSweepResult | null {
  return state.sweepParams === state.params ? state.sweep : null;
}

/** The worker's form of a sweep choice (a drawn digit only where the network reads digits). */
export function sweepImageOf(state: NetworkState): SweepImage {
  const c = state.choice;
  if (c.set !== "drawn") return c;
  const image = drawnInput(state);
  return image === null ? { set: "train", index: 0 } : { set: "drawn", image, label: c.label };
}
