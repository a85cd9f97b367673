/**
 * Training in the worker, for every kind of parameters: one generic run that advances in
 * chunks, yields between them (so a `cancel` or a newer run is seen), and reports after every
 * `reportEvery` steps. A kind of training is one `TrainingKind` entry.
 */

import { cloneGrid, type LocalParams, type Params, type Problem, train } from "../../engine";
import { loadCode } from "../../engine/loadCode";
import type { EngineReply, Post, TrainingRequestMessage } from "../protocol";
import { bufferOf, checkSchedule, paramsOf, reducedProblemOf } from "./requestChecks";
import type { YieldToEvents } from "./yield";

/** `n` steps of training from `params`. */
export type Advance<P> = (
  problem: Problem,
  params: P,
  learningRate: number,
  n: number,
) => { params: P; losses: Float64Array; diverged: boolean };

/** What the generic run needs to know about one kind of training. */
export interface TrainingKind<P> {
  /** The reply types of its reports and of its end. */
  readonly progress: "progress" | "untiedProgress";
  readonly done: "done" | "untiedDone";
  /** The params' fields, for the message about a malformed `params`. */
  readonly fields: string;
  /**
   * The engine's training function (`n` steps from `params`), loaded when first needed: the
   * untied layer's code is a chunk of its own, so the worker starts without it.
   */
  load(): Promise<Advance<P>>;
  /** Multiply-adds of one step (output cells · filter cells). */
  workPerStep(problem: Problem, params: P): number;
  /** Copies of the parameters to transfer (they train on), with their buffers. */
  copy(params: P): { params: P; buffers: ArrayBuffer[] };
}

/** The kinds of training the handler runs, by request type. */
export const TRAINING_KINDS = {
  train: {
    progress: "progress",
    done: "done",
    fields: "{kernel, bias}",
    load: () => Promise.resolve(train),
    workPerStep: (problem, params) => problem.target.data.length * params.kernel.data.length,
    copy: (params) => {
      const kernel = cloneGrid(params.kernel);
      return { params: { kernel, bias: params.bias }, buffers: [bufferOf(kernel.data)] };
    },
  } satisfies TrainingKind<Params>,
  trainUntied: {
    progress: "untiedProgress",
    done: "untiedDone",
    fields: "{weights, biases}",
    load: () =>
      loadCode("The untied training's code", () => import("../../engine/locallyConnected")).then(
        (m) => m.trainLocallyConnected,
      ),
    workPerStep: (_, params) => params.weights.data.length,
    copy: (params) => {
      const weights = cloneGrid(params.weights);
      const biases = cloneGrid(params.biases);
      return {
        params: { weights, biases },
        buffers: [bufferOf(weights.data), bufferOf(biases.data)],
      };
    },
  } satisfies TrainingKind<LocalParams>,
};

/** What a training run reads from the handler. */
export interface TrainingContext {
  readonly post: Post<EngineReply>;
  readonly yieldToEvents: YieldToEvents;
  /** Most multiply-adds in one chunk. */
  readonly chunkWork: number;
  /** False once a `cancel` for the run or a newer run of its lane has arrived. */
  isLive(lane: string, runId: number): boolean;
}

/**
 * Checks a training request of `lane`, then runs it in chunks of at most `chunkWork` multiply-adds,
 * yielding between chunks; reports fall on multiples of reportEvery, and a shorter last
 * stretch goes with the final reply. Throws for a malformed request before any reply.
 */
export async function runTraining<P>(
  kind: TrainingKind<P>,
  request: TrainingRequestMessage<string, P>,
  lane: string,
  context: TrainingContext,
): Promise<void> {
  const { runId, learningRate, steps, reportEvery } = request;
  const problem = reducedProblemOf(request.problem);
  const start = paramsOf(request.params, kind.fields);
  checkSchedule(steps, reportEvery);
  const advance = await kind.load();
  // Zero steps checks every argument and throws the engine's RangeError for a bad one.
  advance(problem, start, learningRate, 0);
  /** Posts a report or the end; `fields` are the reply's own, beside the parameters. */
  const post = (
    type: string,
    params: P,
    fields: { losses: Float64Array; [field: string]: unknown },
  ) => {
    // A copy: `params` go on training, and transferring detaches.
    const copy = kind.copy(params);
    const reply = { type, runId, ...copy.params, ...fields } as unknown as EngineReply;
    context.post(reply, [...copy.buffers, bufferOf(fields.losses)]);
  };
  const chunkSteps = Math.max(
    1,
    Math.floor(context.chunkWork / Math.max(1, kind.workPerStep(problem, start))),
  );
  let params = start;
  let done = 0;
  let pending = new Float64Array(Math.min(reportEvery, steps));
  let filled = 0;
  let diverged = false;
  let cancelled = false;
  while (done < steps) {
    if (!context.isLive(lane, runId)) {
      cancelled = true;
      break;
    }
    const chunk = advance(
      problem,
      params,
      learningRate,
      Math.min(pending.length - filled, chunkSteps),
    );
    pending.set(chunk.losses, filled);
    filled += chunk.losses.length;
    done += chunk.losses.length;
    params = chunk.params;
    if (chunk.diverged) {
      diverged = true;
      break;
    }
    if (filled === reportEvery) {
      post(kind.progress, params, { step: done, loss: pending[filled - 1], losses: pending });
      pending = new Float64Array(Math.min(reportEvery, steps - done));
      filled = 0;
    }
    if (done < steps) await context.yieldToEvents();
  }
  post(kind.done, params, { steps: done, diverged, cancelled, losses: pending.slice(0, filled) });
}
