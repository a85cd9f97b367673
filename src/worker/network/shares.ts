/**
 * Data-parallel training of the real network: each step's batch splits into chunks of a few
 * images (batchShares, CHUNKS_PER_WORKER per worker), handed out one at a time to whichever
 * worker is free — the training worker itself and its helper workers — so a worker slowed by
 * the rest of the machine takes fewer. Each chunk's gradient is summed on its own, and the
 * step's gradient is the sum of the chunks' sums added in chunk order — the seed's rule across
 * workers. A helper that fails or goes silent is replaced, and its chunk summed again here, so
 * a step never loses an image.
 */
import {
  applyStep,
  batchShares,
  createNetworkTrainer,
  type DigitsDataset,
  type NetworkSpec,
  type NetworkTrainer,
  shareGradient,
  type TrainSettings,
} from "../../engine";

/** One helper's task: the gradient of images `from`..`to − 1` of step `steps`'s batch. */
export interface ShareRequest {
  readonly type: "share";
  readonly id: number;
  readonly spec: NetworkSpec;
  readonly settings: TrainSettings;
  /** The step's parameters; null when this helper already has them (an earlier chunk of the step). */
  readonly params: Float64Array | null;
  readonly steps: number;
  readonly from: number;
  readonly to: number;
  /** The images trained on (dataKey.ts; the helper loads and keeps them). */
  readonly data: string;
}

/** A helper's answer: the share's summed gradient, loss (unscaled) and correct count. */
export type ShareReply =
  | {
      readonly type: "share";
      readonly id: number;
      readonly grads: Float64Array;
      readonly loss: number;
      readonly correct: number;
    }
  | { readonly type: "shareError"; readonly id: number; readonly message: string };

/** What the pool needs of a helper: a Worker, or an in-process stand-in in the tests. */
export interface ShareWorker {
  postMessage(message: ShareRequest): void;
  onmessage: ((event: { readonly data: ShareReply }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  terminate(): void;
}

/** Makes a helper. */
export type ShareWorkerFactory = () => ShareWorker;

/** The most workers a run uses (the "at most 8"), the trainer's own included. */
export const MAX_TRAINING_WORKERS = 8;

/** A helper that has not answered in this long is taken for gone (a step takes ~10–100 ms). */
export const SHARE_TIMEOUT_MS = 60_000;

/** Chunks per worker in a step: enough that a slowed worker takes fewer, few enough to be cheap. */
export const CHUNKS_PER_WORKER = 4;

/** The trainer a helper keeps between tasks (one network and settings at a time). */
let kept: { key: string; trainer: NetworkTrainer } | null = null;

/** What a helper does with a task: its share's gradient (used by share.worker.ts and the tests). */
export async function computeShare(
  request: ShareRequest,
  loadData: (key: string) => Promise<DigitsDataset>,
): Promise<ShareReply> {
  const data = await loadData(request.data);
  const key = JSON.stringify([request.spec, request.settings, request.data]);
  if (kept?.key !== key) {
    kept = {
      key,
      trainer: createNetworkTrainer(request.spec, request.settings, data.train),
    };
  }
  const { trainer } = kept;
  if (request.params !== null) {
    trainer.params.set(request.params);
    trainer.steps = request.steps;
  } else if (trainer.steps !== request.steps) {
    throw new Error(`no parameters for step ${request.steps}`);
  }
  const grads = new Float64Array(trainer.net.paramCount);
  shareGradient(trainer, request.from, request.to, grads);
  const [loss = 0, correct = 0] = trainer.share;
  return { type: "share", id: request.id, grads, loss, correct };
}

/** Helpers for a training run; `helpers` of them, made now, ended by `dispose`. */
export class SharePool {
  readonly #make: ShareWorkerFactory;
  readonly #workers: ShareWorker[];
  /** Each helper's failures in a row: at 2 it is dropped (a browser that cannot start it). */
  readonly #failures: number[];
  /** The chunks' gradient buffers of this thread, reused from step to step. */
  readonly #buffers: (Float64Array | undefined)[] = [];
  #nextId = 0;

  constructor(helpers: number, make: ShareWorkerFactory) {
    this.#make = make;
    this.#workers = Array.from({ length: helpers }, () => make());
    this.#failures = this.#workers.map(() => 0);
  }

  /** Asks helper k for a share; resolves with its answer, or null when it failed or went silent. */
  #ask(
    k: number,
    request: Omit<ShareRequest, "id" | "type">,
  ): Promise<Extract<ShareReply, { type: "share" }> | null> {
    const worker = this.#workers[k] as ShareWorker;
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), SHARE_TIMEOUT_MS);
      const finish = (reply: Extract<ShareReply, { type: "share" }> | null) => {
        clearTimeout(timer);
        worker.onmessage = null;
        worker.onerror = null;
        resolve(reply);
      };
      worker.onmessage = (event) => {
        const reply = event.data;
        if (reply.id !== id) return;
        finish(reply.type === "share" ? reply : null);
      };
      worker.onerror = () => finish(null);
      try {
        worker.postMessage({ type: "share", id, ...request });
      } catch {
        finish(null);
      }
    });
  }

  /**
   * The trainer's next step with its batch split into chunks that this thread and the helpers
   * take in turn: the chunks' gradients summed into `trainer.grads` in chunk order, then the
   * momentum update. Returns the batch's loss and accuracy, and how many images each worker
   * summed (a chunk summed here for a helper that failed counts as this worker's).
   */
  async step(
    trainer: NetworkTrainer,
    data: string,
    yieldToEvents: () => Promise<void>,
  ): Promise<{ loss: number; accuracy: number; shares: number[] }> {
    const b = trainer.settings.batchSize;
    const chunks = batchShares(b, Math.min(b, (this.#workers.length + 1) * CHUNKS_PER_WORKER));
    const sums: (Float64Array | null)[] = chunks.map(() => null);
    const losses = new Float64Array(chunks.length);
    const corrects = new Int32Array(chunks.length);
    const counts = new Array<number>(this.#workers.length + 1).fill(0);
    const missed: number[] = [];
    let next = 0;
    const helper = async (k: number) => {
      let first = true;
      while (next < chunks.length) {
        const c = next++;
        const [from, to] = chunks[c] as [number, number];
        const answer = await this.#ask(k, {
          spec: trainer.net.spec,
          settings: trainer.settings,
          params: first ? trainer.params : null,
          steps: trainer.steps,
          from,
          to,
          data,
        });
        first = false;
        if (answer === null || answer.grads.length !== trainer.params.length) {
          missed.push(c);
          return false;
        }
        sums[c] = answer.grads;
        losses[c] = answer.loss;
        corrects[c] = answer.correct;
        counts[k + 1] = (counts[k + 1] as number) + (to - from);
      }
      return true;
    };
    const local = (c: number) => {
      const [from, to] = chunks[c] as [number, number];
      this.#buffers[c] ??= new Float64Array(trainer.params.length);
      const buffer = this.#buffers[c] as Float64Array;
      buffer.fill(0);
      shareGradient(trainer, from, to, buffer);
      sums[c] = buffer;
      losses[c] = trainer.share[0] as number;
      corrects[c] = trainer.share[1] as number;
      counts[0] = (counts[0] as number) + (to - from);
    };
    const helpers = this.#workers.map((_, k) => helper(k));
    while (next < chunks.length) {
      local(next++);
      // Lets the helpers' answers in, so that each is handed its next chunk at once.
      await yieldToEvents();
    }
    const ok = await Promise.all(helpers);
    for (const c of missed) local(c);
    const grads = trainer.grads;
    grads.fill(0);
    let loss = 0;
    let correct = 0;
    for (let c = 0; c < chunks.length; c++) {
      const sum = sums[c] as Float64Array;
      for (let i = 0; i < grads.length; i++) grads[i] = (grads[i] as number) + (sum[i] as number);
      loss += losses[c] as number;
      correct += corrects[c] as number;
    }
    // Failed helpers are replaced, or dropped after two failures in a row (last first, so
    // the indices of the others hold).
    for (let k = ok.length - 1; k >= 0; k--) {
      this.#failures[k] = ok[k] ? 0 : (this.#failures[k] ?? 0) + 1;
      if (ok[k]) continue;
      this.#workers[k]?.terminate();
      if ((this.#failures[k] as number) >= 2) {
        this.#workers.splice(k, 1);
        this.#failures.splice(k, 1);
      } else {
        this.#workers[k] = this.#make();
      }
    }
    applyStep(trainer, loss, correct);
    const [batchLoss = 0, accuracy = 0] = trainer.last;
    return { loss: batchLoss, accuracy, shares: counts.filter((n) => n > 0) };
  }

  dispose(): void {
    for (const w of this.#workers) w.terminate();
  }
}
