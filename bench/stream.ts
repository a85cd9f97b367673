// The stream benchmark's page: measures the engine worker from the main thread (driven by
// scripts/bench-stream.mjs through `window.streamBench`) and checks it against the engine
// run on the main thread (driven by tests/e2e/worker.test.ts).
import { type ConvOptions, computeSweep, conv2d, type Grid, train } from "../src/engine";
import { seededRandom } from "../src/engine/index";
import {
  createEngineClient,
  type EngineClient,
  EngineRequestError,
  EngineWorkerError,
  SupersededError,
  type SweepRequest,
  type TrainProgress,
  type TrainRequest,
} from "../src/worker/client";
import type { DeliveryChunk, DeliveryMode, DeliveryRequest } from "./stream.worker";

function randomGrid(rand: () => number, height: number, width: number, lo: number, hi: number) {
  const data = new Float64Array(height * width);
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * rand();
  return { height, width, data };
}

/** A size x size image, a 3x3 starting kernel and the target a hidden 3x3 filter makes. */
function makeCase(size: number, seed = 1, options: ConvOptions = {}): SweepRequest {
  const rand = seededRandom(seed);
  const image = randomGrid(rand, size, size, 0, 1);
  const hidden = randomGrid(rand, 3, 3, -1, 1);
  return {
    image,
    kernel: randomGrid(rand, 3, 3, -0.5, 0.5),
    bias: 0.1,
    target: conv2d(image, hidden, 0.2, options),
    options,
    reduction: "mean",
  };
}

/** Summary of a set of timings, in milliseconds. */
export interface Stats {
  median: number;
  p90: number;
  min: number;
  mean: number;
  n: number;
}

function stats(times: number[]): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    median: at(0.5),
    p90: at(0.9),
    min: sorted[0] ?? 0,
    mean: times.reduce((s, t) => s + t, 0) / times.length,
    n: times.length,
  };
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const engineWorker = () =>
  new Worker(new URL("../src/worker/host/engine.worker.ts", import.meta.url), { type: "module" });

let shared: EngineClient | null = null;
function client(): EngineClient {
  shared ??= createEngineClient({ createWorker: engineWorker });
  return shared;
}

let sink = 0; // keeps results alive so no work is optimised away

/** Median time from a lane's sweep() to every record being on the main thread. */
async function sweepLatency(size: number, reps: number): Promise<Stats & { positions: number }> {
  const engine = client();
  const request = makeCase(size);
  for (let i = 0; i < 20; i++) sink += (await engine.lane("sweep").sweep(request)).loss;
  const times: number[] = [];
  let positions = 0;
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    const sweep = await engine.lane("sweep").sweep(request);
    times.push(performance.now() - start);
    positions = sweep.outHeight * sweep.outWidth;
    sink += sweep.records[sweep.records.length - 1] ?? 0;
  }
  return { ...stats(times), positions };
}

let deliveryWorker: Worker | null = null;
let deliveryRun = 0;

/** One sweep through the comparison worker, delivered in the given way; resolves when all arrived. */
function deliver(mode: DeliveryMode, request: SweepRequest): Promise<number> {
  deliveryWorker ??= new Worker(new URL("./stream.worker.ts", import.meta.url), {
    type: "module",
  });
  const worker = deliveryWorker;
  const runId = ++deliveryRun;
  return new Promise((resolve) => {
    let received = 0;
    worker.onmessage = ({ data }: MessageEvent<DeliveryChunk>) => {
      if (data.runId !== runId) return;
      sink += data.records[0] ?? 0;
      if (++received === data.count) resolve(received);
    };
    const message: DeliveryRequest = {
      mode,
      runId,
      image: request.image,
      kernel: request.kernel,
      bias: request.bias,
      target: request.target,
      reduction: request.reduction,
    };
    worker.postMessage(message);
  });
}

/** Time to get a 32x32 sweep's records as 1 buffer, one message per row, one per position. */
async function messageOverhead(size: number, reps: number) {
  const request = makeCase(size);
  const result: Record<string, Stats & { messages: number }> = {};
  for (const mode of ["one", "rows", "positions"] as const) {
    const n = mode === "positions" ? Math.max(10, Math.floor(reps / 4)) : reps;
    let messages = 0;
    for (let i = 0; i < 10; i++) messages = await deliver(mode, request);
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await deliver(mode, request);
      times.push(performance.now() - start);
    }
    result[mode] = { ...stats(times), messages };
  }
  return result;
}

/** SGD steps per second in the worker while this thread runs a requestAnimationFrame loop. */
async function trainThroughput(size: number, steps: number, reportEvery: number) {
  const engine = client();
  const c = makeCase(size, 2);
  const request: TrainRequest = { ...c, learningRate: 0.05, steps: 2000, reportEvery };
  await engine.lane("train").trainShared(request, () => {}); // warm-up

  let running = true;
  let previous: number | null = null;
  let worstGap = 0;
  const gaps: number[] = [];
  const frame = (now: number) => {
    if (previous !== null) {
      gaps.push(now - previous);
      worstGap = Math.max(worstGap, now - previous);
    }
    previous = now;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  await new Promise((resolve) => setTimeout(resolve, 100)); // the loop is running

  let reports = 0;
  const start = performance.now();
  const outcome = await engine.lane("train").trainShared({ ...request, steps }, () => {
    reports++;
  });
  const seconds = (performance.now() - start) / 1000;
  running = false;
  sink += outcome.bias;
  return {
    steps: outcome.steps,
    seconds,
    stepsPerSecond: outcome.steps / seconds,
    reports,
    frames: gaps.length,
    worstFrameGap: worstGap,
    medianFrameGap: stats(gaps).median,
  };
}

/** The engine's train() alone on this thread, for reference. */
function mainThreadTrain(size: number, steps: number) {
  const c = makeCase(size, 2);
  const problem = { input: c.image, target: c.target, options: {}, reduction: c.reduction };
  train(problem, { kernel: c.kernel, bias: c.bias }, 0.05, 2000);
  const start = performance.now();
  const result = train(problem, { kernel: c.kernel, bias: c.bias }, 0.05, steps);
  const seconds = (performance.now() - start) / 1000;
  sink += result.params.bias;
  return { steps, seconds, stepsPerSecond: steps / seconds };
}

/** The engine's computeSweep alone on this thread: the floor under a worker round trip. */
function mainThreadSweep(size: number, reps: number): Stats {
  const c = makeCase(size);
  const times: number[] = [];
  for (let i = 0; i < reps + 20; i++) {
    const start = performance.now();
    const sweep = computeSweep(c.image, c.kernel, c.bias, c.target, c.options, c.reduction);
    if (i >= 20) times.push(performance.now() - start);
    sink += sweep.loss;
  }
  return stats(times);
}

/** What the page and the browser say about themselves. */
function environment() {
  return {
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    usesWorker: client().usesWorker,
  };
}

/** One check of the browser test. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** A worker script that throws on every message: a crash the client must survive. */
function crashingWorker(): Worker {
  const source = "self.onmessage = () => { throw new Error('simulated crash'); };";
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  return new Worker(url);
}

/** The engine worker checked against the engine on this thread, for the browser test. */
async function selfCheck(): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail = "") => checks.push({ name, ok, detail });
  const engine = createEngineClient({ createWorker: engineWorker });
  check("the client runs in a real Worker", engine.usesWorker);

  const c = makeCase(32, 3, { padding: 1, stride: 2 });
  const expected = computeSweep(c.image, c.kernel, c.bias, c.target, c.options, c.reduction);
  const sweep = await engine.lane("sweep").sweep(c);
  check(
    "sweep records equal computeSweep's, bit for bit",
    sameBits(sweep.records, expected.records) && sweep.loss === expected.loss,
    `${sweep.records.length} numbers`,
  );
  check("the caller's image is not detached", c.image.data.length === 32 * 32);

  const request: TrainRequest = {
    ...makeCase(32, 4),
    learningRate: 0.05,
    steps: 250,
    reportEvery: 50,
  };
  const progress: TrainProgress[] = [];
  const outcome = await engine.lane("train").trainShared(request, (p) => progress.push(p));
  const reference = train(
    { input: request.image, target: request.target, options: {}, reduction: request.reduction },
    { kernel: request.kernel, bias: request.bias },
    request.learningRate,
    request.steps,
  );
  check(
    "progress every 50 steps",
    progress.map((p) => p.step).join() === "50,100,150,200,250",
    progress.map((p) => p.step).join(),
  );
  check(
    "streamed losses and final kernel equal train()'s, bit for bit",
    sameBits(concat([...progress.map((p) => p.losses), outcome.losses]), reference.losses) &&
      sameBits(outcome.kernel.data, reference.params.kernel.data) &&
      outcome.bias === reference.params.bias,
  );

  const bad = makeCase(8);
  const badImage: Grid = { ...bad.image, data: bad.image.data.slice() };
  badImage.data.fill(Number.NaN);
  const error = await engine
    .lane("sweep")
    .sweep({ ...bad, image: badImage })
    .catch((e: unknown) => e);
  check(
    "a bad request rejects with the engine's message",
    error instanceof EngineRequestError &&
      error.message === "input.data[0] must be a finite number; got NaN",
    String(error),
  );

  const older = engine
    .lane("sweep")
    .sweep(makeCase(32, 5))
    .catch((e: unknown) => e);
  const newer = engine.lane("sweep").sweep(makeCase(32, 6));
  const [olderResult, newerSweep] = await Promise.all([older, newer]);
  const newerCase = makeCase(32, 6);
  check(
    "a newer sweep supersedes the older one",
    olderResult instanceof SupersededError &&
      sameBits(
        newerSweep.records,
        computeSweep(
          newerCase.image,
          newerCase.kernel,
          newerCase.bias,
          newerCase.target,
          {},
          newerCase.reduction,
        ).records,
      ),
  );
  engine.dispose();

  let made = 0;
  const recovering = createEngineClient({
    createWorker: () => (made++ === 0 ? crashingWorker() : engineWorker()),
  });
  const retried = await recovering
    .lane("sweep")
    .sweep(c)
    .catch((e: unknown) => e);
  check(
    "a worker that throws is replaced and the sweep retried",
    made === 2 &&
      !(retried instanceof Error) &&
      sameBits((retried as typeof sweep).records, expected.records),
    `${made} workers`,
  );
  recovering.dispose();

  const doomed = createEngineClient({ createWorker: crashingWorker });
  const failure = await doomed
    .lane("sweep")
    .sweep(c)
    .catch((e: unknown) => e);
  check(
    "a second failure rejects with a readable error",
    failure instanceof EngineWorkerError && /failed twice/.test(failure.message),
    String(failure),
  );
  doomed.dispose();
  return checks;
}

declare global {
  interface Window {
    streamBench: {
      environment: typeof environment;
      sweepLatency: typeof sweepLatency;
      messageOverhead: typeof messageOverhead;
      trainThroughput: typeof trainThroughput;
      mainThreadTrain: typeof mainThreadTrain;
      mainThreadSweep: typeof mainThreadSweep;
      selfCheck: typeof selfCheck;
      sink: () => number;
    };
  }
}

window.streamBench = {
  environment,
  sweepLatency,
  messageOverhead,
  trainThroughput,
  mainThreadTrain,
  mainThreadSweep,
  selfCheck,
  sink: () => sink,
};
