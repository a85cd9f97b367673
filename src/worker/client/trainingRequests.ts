/**
 * The request-table entry of a training run, for any kind of parameters `P`: it streams
 * progress, resumes from the last report when its worker is replaced (a retry runs only the
 * steps not yet reported, from the parameters reached), and can be stopped keeping what it
 * reached.
 */

import type {
  EngineReply,
  ProblemMessage,
  Schedule,
  TrainingEnd,
  TrainingProgress,
} from "../protocol";
import { type Cross, crossFields, problemPart, snapshot } from "./crossing";
import { type RequestBody, type RequestKind, reportLater } from "./requestKind";

/** What tells one kind of training from another. */
export interface TrainingSpec<P, T extends string> {
  /** How a run is named in an error message. */
  readonly noun: string;
  /** The request's type, and the types of its reports and of its end. */
  readonly type: T;
  readonly progress: EngineReply["type"];
  readonly done: EngineReply["type"];
  /** The parameters' own fields of a request or a reply. */
  pick(from: P): P;
}

/** The table entry of one kind of training. */
export function trainingKind<P extends object, T extends "train" | "trainUntied">(
  spec: TrainingSpec<P, T>,
): RequestKind<ProblemMessage & P & Schedule, TrainingEnd<P>, TrainingProgress<P>> {
  return {
    noun: spec.noun,
    start(request, onProgress) {
      /** The parameters of the last report (a copy: the report's own go to the caller). */
      let params = spec.pick(request);
      /** Steps reported before the current attempt; a retry resumes from there. */
      let offset = 0;
      /** Steps reported in total. */
      let reported = 0;
      return {
        encode: (cross: Cross) => {
          offset = reported;
          const { steps } = request;
          return {
            type: spec.type,
            problem: problemPart(request, cross),
            params: crossFields(params, cross),
            learningRate: request.learningRate,
            // A retry resumes: it runs only the steps not yet reported.
            steps: typeof steps === "number" ? steps - offset : steps,
            reportEvery: request.reportEvery,
          } as RequestBody;
        },
        receive(reply) {
          if (reply.type === spec.progress) {
            const report = reply as unknown as TrainingProgress<P>;
            reported = offset + report.step;
            params = snapshot(spec.pick(report));
            try {
              onProgress({
                ...spec.pick(report),
                step: reported,
                loss: report.loss,
                losses: report.losses,
              });
            } catch (error) {
              reportLater(error);
            }
            return "progress";
          }
          if (reply.type !== spec.done) return null;
          const end = reply as unknown as TrainingEnd<P>;
          return {
            done: {
              ...spec.pick(end),
              steps: offset + end.steps,
              diverged: end.diverged,
              cancelled: end.cancelled,
              losses: end.losses,
            },
          };
        },
        stopped: () => ({
          ...snapshot(params),
          steps: reported,
          diverged: false,
          cancelled: true,
          losses: new Float64Array(0),
        }),
      };
    },
  };
}
