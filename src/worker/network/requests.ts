/**
 * The request-table entries of the real network (see client/requests.ts): training (streams
 * progress, resumes from its last report on a fresh worker, can be stopped keeping what it
 * reached), predicting a drawn digit, and one filter's sweep. Their arrays cross by structured
 * clone (copied, never transferred from the caller: the store keeps its own).
 */

import { type RequestBody, type RequestKind, reportLater } from "../client/requestKind";
import type {
  NetworkDoneReply,
  NetworkOnnxReply,
  NetworkPredictRequestMessage,
  NetworkProgressReply,
  NetworkSweepReply,
  NetworkSweepRequestMessage,
  NetworkTrainingBody,
  NetworkTrainRequestMessage,
} from "./protocol";

/** A training run of the network, as the caller asks for it. */
export type NetworkTrainRequest = Omit<NetworkTrainRequestMessage, "type" | "runId" | "lane">;
/** A report of a network training run (its step is the run's total). */
export type NetworkTrainProgress = NetworkTrainingBody;
/** How a network training run ended. */
export type NetworkTrainOutcome = NetworkTrainingBody & {
  readonly diverged: boolean;
  readonly cancelled: boolean;
};
/** A drawn digit's prediction request. */
export type NetworkPredictRequest = Omit<NetworkPredictRequestMessage, "type" | "runId">;
/** A filter's sweep request. */
export type NetworkSweepRequest = Omit<NetworkSweepRequestMessage, "type" | "runId">;
/** A filter's sweep and the batch step seen from it. */
export type NetworkSweepResult = Omit<NetworkSweepReply, "type" | "runId">;

/** Trains the network; reports go to onProgress; resumes after a worker failure. */
export const trainNetwork: RequestKind<
  NetworkTrainRequest,
  NetworkTrainOutcome,
  NetworkTrainProgress
> = {
  noun: "network training run",
  start(request, onProgress) {
    /** Where the last report left the run: a retry resumes from there. */
    let at = { params: request.network.params, velocity: request.velocity, step: request.steps };
    return {
      encode: () =>
        ({
          ...request,
          type: "networkTrain",
          network: { spec: request.network.spec, params: at.params },
          velocity: at.velocity,
          steps: at.step,
          run: Math.max(0, request.run - (at.step - request.steps)),
        }) as RequestBody,
      receive(reply) {
        if (reply.type === "networkProgress") {
          const report = reply as NetworkProgressReply;
          at = { params: report.params, velocity: report.velocity, step: report.step };
          try {
            const { type: _t, runId: _r, ...progress } = report;
            onProgress(progress);
          } catch (error) {
            reportLater(error);
          }
          return "progress";
        }
        if (reply.type !== "networkDone") return null;
        const { type: _t, runId: _r, ...end } = reply as NetworkDoneReply;
        return { done: end };
      },
      stopped: () => ({
        step: at.step,
        params: at.params,
        velocity: at.velocity,
        losses: new Float64Array(0),
        accuracies: new Float64Array(0),
        evaluations: [],
        shares: [],
        diverged: false,
        cancelled: true,
      }),
    };
  },
};

/** The ten probabilities of a drawn digit. */
export const predictNetwork: RequestKind<NetworkPredictRequest, Float64Array> = {
  noun: "prediction",
  start: (request) => ({
    encode: () => ({ ...request, type: "networkPredict" }) as RequestBody,
    receive: (reply) => (reply.type === "networkPrediction" ? { done: reply.probabilities } : null),
  }),
};

/** One filter's sweep inside the network, and the run's next step seen from that filter. */
export const sweepNetwork: RequestKind<NetworkSweepRequest, NetworkSweepResult> = {
  noun: "sweep inside the network",
  start: (request) => ({
    encode: () => ({ ...request, type: "networkSweep" }) as RequestBody,
    receive(reply) {
      if (reply.type !== "networkSweep") return null;
      const { type: _t, runId: _r, ...result } = reply;
      return { done: result };
    },
  }),
};

/** An ONNX model read in the worker: its spec and parameters. */
export const importOnnxModel: RequestKind<
  { readonly bytes: Uint8Array },
  Omit<NetworkOnnxReply, "type" | "runId">
> = {
  noun: "model",
  start: (request) => ({
    encode: () => ({ type: "networkImportOnnx", bytes: request.bytes }) as RequestBody,
    receive(reply) {
      if (reply.type !== "networkOnnx") return null;
      const { spec, params, folded } = reply as NetworkOnnxReply;
      return { done: folded === undefined ? { spec, params } : { spec, params, folded } };
    },
  }),
};
