import { useCallback, useState } from "react";
import {
  type Grid,
  type LocalParams,
  outputShape,
  type Reduction,
  type ResolvedConvOptions,
  untie,
} from "../../engine/index";
import { useEngineRequest } from "../../state/useEngineRequest";

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

type SideName = "shared" | "untied";

/** The comparison with a report of one side's run landed. */
function reported<K extends SideName>(
  c: Comparison,
  side: K,
  losses: Float64Array,
  params: Comparison[K]["params"],
  steps: number,
): Comparison {
  return { ...c, [side]: { ...c[side], losses: appended(c[side].losses, losses), params, steps } };
}

/** The comparison with the end of one side's run landed. */
function ended<K extends SideName>(
  c: Comparison,
  side: K,
  end: { losses: Float64Array; steps: number; diverged: boolean; cancelled: boolean },
  params: Comparison[K]["params"],
): Comparison {
  return {
    ...c,
    [side]: {
      losses: appended(c[side].losses, end.losses),
      params,
      steps: end.steps,
      finished: true,
      diverged: end.diverged,
      stopped: end.cancelled,
    },
  };
}

/** The learning rate of the untied layer for η and N positions. */
export function untiedRateFor(mode: UntiedRate, learningRate: number, positions: number): number {
  return mode === "scaled" ? learningRate * positions : learningRate;
}

/** One start of the comparison: what each side's request is made from. */
interface Started {
  /** Counts the starts, so that each one runs the requests again. */
  count: number;
  inputs: ComparisonInputs;
  settings: ComparisonSettings;
  untiedRate: number;
  untiedStart: LocalParams;
}

/**
 * Trains the shared filter and the untied layer side by side in the worker, each on a lane of
 * its own (useEngineRequest). A newer start supersedes the running one, and reports of a
 * superseded start never reach the comparison.
 */
export function useComparison() {
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [started, setStarted] = useState<Started | null>(null);

  const start = useCallback((inputs: ComparisonInputs, settings: ComparisonSettings) => {
    const out = outputShape(inputs.image, inputs.kernel, inputs.options);
    const positions = out.height * out.width;
    const untiedRate = untiedRateFor(settings.untiedRate, inputs.learningRate, positions);
    const untiedStart = untie(inputs.kernel, inputs.bias, out);
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
      sharedRate: inputs.learningRate,
      untiedRate,
      shared: side({ kernel: inputs.kernel, bias: inputs.bias }),
      untied: side(untiedStart),
      error: null,
    });
    setStarted((s) => ({ count: (s?.count ?? 0) + 1, inputs, settings, untiedRate, untiedStart }));
  }, []);

  /** Changes the comparison while the request that asks is the current one. */
  const updateIf = (current: () => boolean, change: (c: Comparison) => Comparison) => {
    if (current()) setComparison((c) => (c === null ? c : change(c)));
  };

  const shared = useEngineRequest(
    SHARED_LANE,
    started === null
      ? null
      : async (lane, current) => {
          const { image, target, options, reduction, kernel, bias, learningRate } = started.inputs;
          const steps = started.settings.steps;
          const o = await lane.trainShared(
            {
              image,
              target,
              options,
              reduction,
              kernel,
              bias,
              learningRate,
              steps,
              reportEvery: reportEveryFor(steps),
            },
            (p) =>
              updateIf(current, (c) =>
                reported(c, "shared", p.losses, { kernel: p.kernel, bias: p.bias }, p.step),
              ),
          );
          updateIf(current, (c) => ended(c, "shared", o, { kernel: o.kernel, bias: o.bias }));
          return o;
        },
    [started],
  );

  const untied = useEngineRequest(
    UNTIED_LANE,
    started === null
      ? null
      : async (lane, current) => {
          const { image, target, options, reduction } = started.inputs;
          const steps = started.settings.steps;
          const o = await lane.trainUntied(
            {
              image,
              target,
              options,
              reduction,
              weights: started.untiedStart.weights,
              biases: started.untiedStart.biases,
              learningRate: started.untiedRate,
              steps,
              reportEvery: reportEveryFor(steps),
            },
            (p) =>
              updateIf(current, (c) =>
                reported(c, "untied", p.losses, { weights: p.weights, biases: p.biases }, p.step),
              ),
          );
          updateIf(current, (c) => ended(c, "untied", o, { weights: o.weights, biases: o.biases }));
          return o;
        },
    [started],
  );

  /** Stops both runs where they are; what they reached is kept. */
  const stop = useCallback(() => {
    shared.stop();
    untied.stop();
  }, [shared.stop, untied.stop]);

  const error = shared.error ?? untied.error;
  return {
    comparison: comparison === null || error === null ? comparison : { ...comparison, error },
    start,
    stop,
  };
}

/** How often each side reports: about 50 times a run. */
function reportEveryFor(steps: number): number {
  return Math.max(1, Math.floor(steps / 50));
}
