import { useCallback, useEffect, useRef, useState } from "react";
import {
  type Grid,
  type LocalParams,
  outputShape,
  type Reduction,
  type ResolvedConvOptions,
  untie,
} from "../../engine/index";
import { getEngineClient } from "../../state/actions";
import { SupersededError } from "../../worker/client";

/** The client lanes of this view: one per side, so both train at once in the worker. */
const SHARED_LANE = "untied/shared";
const UNTIED_LANE = "untied/untied";

/** What both sides are trained on and from: the app's current problem and shared filter. */
export interface ComparisonInputs {
  image: Grid;
  target: Grid;
  /** The filter the target was made from (null for an imported target). */
  targetKernel: Grid | null;
  options: ResolvedConvOptions;
  reduction: Reduction;
  /** The shared filter's learning rate η. */
  learningRate: number;
  /** The starting shared filter and bias; the untied layer starts from a copy per position. */
  kernel: Grid;
  bias: number;
}

/** How the untied layer's learning rate follows from η. */
export type UntiedRate = "scaled" | "same";

/** The comparison's own settings. */
export interface ComparisonSettings {
  /** Steps each side trains. */
  steps: number;
  /** "scaled": N·η, so the average of the untied filters takes the shared step; "same": η. */
  untiedRate: UntiedRate;
}

/** One side's run so far. */
export interface Side<P> {
  /** losses[s]: the loss before step s's update. */
  losses: number[];
  /** The parameters reached. */
  params: P;
  /** Steps completed. */
  steps: number;
  /** The run has ended (finished, stopped or diverged). */
  finished: boolean;
  diverged: boolean;
  /** Stopped early by the person. */
  stopped: boolean;
}

/** Both runs, and what they were started from. */
export interface Comparison {
  inputs: ComparisonInputs;
  settings: ComparisonSettings;
  /** N: output positions, one untied filter each. */
  positions: number;
  /** The learning rates used. */
  sharedRate: number;
  untiedRate: number;
  shared: Side<{ kernel: Grid; bias: number }>;
  untied: Side<LocalParams>;
  /** Why a run failed, when it did. */
  error: string | null;
}

function appended(losses: number[], more: Float64Array): number[] {
  return more.length === 0 ? losses : losses.concat(Array.from(more));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The learning rate of the untied layer for η and N positions. */
export function untiedRateFor(mode: UntiedRate, learningRate: number, positions: number): number {
  return mode === "scaled" ? learningRate * positions : learningRate;
}

/**
 * Trains the shared filter and the untied layer side by side in the worker, each on a lane of
 * its own. A newer start supersedes the running one; replies of a superseded start never
 * reach the state (a generation counter, on top of the client dropping stale runIds).
 */
export function useComparison() {
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const generation = useRef(0);

  const start = useCallback((inputs: ComparisonInputs, settings: ComparisonSettings) => {
    const gen = ++generation.current;
    const live = () => gen === generation.current;
    const { image, target, options, reduction, kernel, bias, learningRate } = inputs;
    const out = outputShape(image, kernel, options);
    const positions = out.height * out.width;
    const untiedRate = untiedRateFor(settings.untiedRate, learningRate, positions);
    const untiedStart = untie(kernel, bias, out);
    const side = <P>(params: P): Side<P> => ({
      losses: [],
      params,
      steps: 0,
      finished: false,
      diverged: false,
      stopped: false,
    });
    setComparison({
      inputs,
      settings,
      positions,
      sharedRate: learningRate,
      untiedRate,
      shared: side({ kernel, bias }),
      untied: side(untiedStart),
      error: null,
    });
    const update = (change: (c: Comparison) => Comparison) => {
      if (live()) setComparison((c) => (c === null ? c : change(c)));
    };
    const fail = (reason: unknown) => {
      if (reason instanceof SupersededError) return;
      update((c) => ({ ...c, error: errorText(reason) }));
    };
    const problem = { image, target, options, reduction };
    const reportEvery = Math.max(1, Math.floor(settings.steps / 50));
    const client = getEngineClient();
    client
      .lane(SHARED_LANE)
      .trainShared(
        { ...problem, kernel, bias, learningRate, steps: settings.steps, reportEvery },
        (p) =>
          update((c) => ({
            ...c,
            shared: {
              ...c.shared,
              losses: appended(c.shared.losses, p.losses),
              params: { kernel: p.kernel, bias: p.bias },
              steps: p.step,
            },
          })),
      )
      .then(
        (o) =>
          update((c) => ({
            ...c,
            shared: {
              losses: appended(c.shared.losses, o.losses),
              params: { kernel: o.kernel, bias: o.bias },
              steps: o.steps,
              finished: true,
              diverged: o.diverged,
              stopped: o.cancelled,
            },
          })),
        fail,
      );
    client
      .lane(UNTIED_LANE)
      .trainUntied(
        {
          ...problem,
          weights: untiedStart.weights,
          biases: untiedStart.biases,
          learningRate: untiedRate,
          steps: settings.steps,
          reportEvery,
        },
        (p) =>
          update((c) => ({
            ...c,
            untied: {
              ...c.untied,
              losses: appended(c.untied.losses, p.losses),
              params: { weights: p.weights, biases: p.biases },
              steps: p.step,
            },
          })),
      )
      .then(
        (o) =>
          update((c) => ({
            ...c,
            untied: {
              losses: appended(c.untied.losses, o.losses),
              params: { weights: o.weights, biases: o.biases },
              steps: o.steps,
              finished: true,
              diverged: o.diverged,
              stopped: o.cancelled,
            },
          })),
        fail,
      );
  }, []);

  /** Stops both runs where they are; what they reached is kept. */
  const stop = useCallback(() => {
    const client = getEngineClient();
    client.lane(SHARED_LANE).stop();
    client.lane(UNTIED_LANE).stop();
  }, []);

  useEffect(
    () => () => {
      generation.current++;
      const client = getEngineClient();
      client.lane(SHARED_LANE).cancel();
      client.lane(UNTIED_LANE).cancel();
    },
    [],
  );

  return { comparison, start, stop };
}
