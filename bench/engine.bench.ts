/**
 * `npm run bench`: how long one full SGD step takes (forward, loss gradient, backward for
 * kernel and bias, update) with a 3x3 kernel, stride 1, no padding, mean squared error, at
 * 32x32, 128x128 and 512x512, for:
 *   1. the engine's fused path: fusedStep3x3 on a FusedState (and train(…, 1) per call),
 *   2. the engine's public API: conv2d, squaredErrorGrad, conv2dBackward, sgdUpdate,
 *   3. TensorFlow.js, CPU backend: tf.variableGrads on kernel and bias, then the update,
 *   4. convnetjs: ConvLayer forward + backward and a manual SGD update.
 * The contenders run interleaved in rounds in one process, after a warm-up; each round
 * times a batch of steps per contender (rotating who goes first) and the table reports the
 * median over rounds. Not part of the test suite.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import convnetjs from "convnetjs";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  type FusedState,
  fusedStep3x3,
  type Grid,
  type Params,
  sgdUpdate,
  squaredErrorGrad,
  train,
} from "../src/engine";
import { seededRandom } from "../src/engine/index";
import { loadTfjs, type Tensor4D, type Tf } from "./tfjs";

const SIZES = [32, 128, 512] as const;
/** Rounds per size: fewer at 512x512, where TensorFlow.js takes longest. */
const ROUNDS: Record<number, number> = { 32: 61, 128: 41, 512: 15 };
/** Each timed batch runs at least this long (ms), so the timer's resolution does not matter. */
const BATCH_MS = 4;
const WARMUP_MS = 300;
const LEARNING_RATE = 0.1;
const GOALS = { fusedTfjs: 50, fusedConvnetjs: 8, apiTfjs: 30, apiConvnetjs: 5 };

interface Problem {
  size: number;
  input: Grid;
  target: Grid;
  kernel: Grid;
  bias: number;
}

function makeProblem(size: number): Problem {
  const rand = seededRandom(size);
  const input = createGrid(size, size);
  for (let i = 0; i < input.data.length; i++) input.data[i] = rand();
  const sobel = createGrid(3, 3, Float64Array.from([1, 0, -1, 2, 0, -2, 1, 0, -1]));
  const kernel = createGrid(3, 3);
  for (let i = 0; i < 9; i++) kernel.data[i] = rand() - 0.5;
  return { size, input, target: conv2d(input, sobel, 0), kernel, bias: 0.1 };
}

/** A contender: `step` runs one SGD step; `params` reads its current kernel and bias. */
interface Contender {
  name: string;
  step: () => void;
  params: () => { kernel: ArrayLike<number>; bias: number };
  dispose?: () => void;
}

function fusedContender(p: Problem): Contender {
  const state: FusedState = {
    kernel: p.kernel.data.slice(),
    bias: p.bias,
    kernelGrad: new Float64Array(9),
    biasGrad: 0,
    loss: 0,
  };
  const { data: x, height, width } = p.input;
  const t = p.target.data;
  return {
    name: "engine fused: fusedStep3x3",
    step: () => fusedStep3x3(x, height, width, t, state, "mean", LEARNING_RATE),
    params: () => ({ kernel: state.kernel, bias: state.bias }),
  };
}

function trainContender(p: Problem): Contender {
  let params: Params = { kernel: p.kernel, bias: p.bias };
  const problem = { input: p.input, target: p.target, reduction: "mean" as const };
  return {
    name: "engine fused: train(…, 1)",
    step: () => {
      params = train(problem, params, LEARNING_RATE, 1).params;
    },
    params: () => ({ kernel: params.kernel.data, bias: params.bias }),
  };
}

function apiContender(p: Problem): Contender {
  let params: Params = { kernel: p.kernel, bias: p.bias };
  return {
    name: "engine API: conv2d…sgdUpdate",
    step: () => {
      const out = conv2d(p.input, params.kernel, params.bias);
      const outputGrad = squaredErrorGrad(out, p.target, "mean");
      const grads = conv2dBackward(p.input, params.kernel, outputGrad);
      params = sgdUpdate(params, grads.kernelGrad, grads.biasGrad, LEARNING_RATE);
    },
    params: () => ({ kernel: params.kernel.data, bias: params.bias }),
  };
}

function tfjsContender(tf: Tf, p: Problem): Contender {
  const n = p.size - 2;
  const x = tf.tensor4d(Float32Array.from(p.input.data), [1, p.size, p.size, 1]);
  const target = tf.tensor4d(Float32Array.from(p.target.data), [1, n, n, 1]);
  const kernel = tf.variable(tf.tensor4d(Float32Array.from(p.kernel.data), [3, 3, 1, 1]));
  const bias = tf.variable(tf.scalar(p.bias));
  const rate = tf.scalar(LEARNING_RATE);
  return {
    name: "TensorFlow.js cpu (float32)",
    step: () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const out = tf.add(tf.conv2d(x, kernel as Tensor4D, 1, "valid"), bias);
          return tf.mul(0.5, tf.mean(tf.square(tf.sub(out, target))));
        }, [kernel, bias]);
        const gk = grads[kernel.name];
        const gb = grads[bias.name];
        if (gk === undefined || gb === undefined) throw new Error("tfjs returned no gradient");
        kernel.assign(tf.sub(kernel, tf.mul(rate, gk)));
        bias.assign(tf.sub(bias, tf.mul(rate, gb)));
      }),
    params: () => ({ kernel: kernel.dataSync(), bias: bias.dataSync()[0] as number }),
    dispose: () => tf.dispose([x, target, kernel, bias, rate]),
  };
}

function convnetjsContender(p: Problem): Contender {
  const layer = new convnetjs.ConvLayer({
    in_sx: p.size,
    in_sy: p.size,
    in_depth: 1,
    sx: 3,
    filters: 1,
    stride: 1,
    pad: 0,
  });
  const filter = layer.filters[0];
  if (filter === undefined) throw new Error("convnetjs made no filter");
  filter.w.set(p.kernel.data);
  layer.biases.w[0] = p.bias;
  const input = new convnetjs.Vol(p.size, p.size, 1, 0);
  input.w.set(p.input.data);
  const t = p.target.data;
  const n = t.length;
  return {
    name: "convnetjs ConvLayer",
    step: () => {
      const out = layer.forward(input);
      for (let i = 0; i < n; i++) out.dw[i] = ((out.w[i] as number) - (t[i] as number)) / n;
      filter.dw.fill(0); // backward() adds into these
      layer.biases.dw[0] = 0;
      layer.backward();
      for (let k = 0; k < 9; k++) {
        filter.w[k] = (filter.w[k] as number) - LEARNING_RATE * (filter.dw[k] as number);
      }
      layer.biases.w[0] = (layer.biases.w[0] as number) - LEARNING_RATE * (layer.biases.dw[0] ?? 0);
    },
    params: () => ({ kernel: filter.w, bias: layer.biases.w[0] as number }),
  };
}

/** One step of every contender from the same start must land on the same parameters. */
function checkAgreement(contenders: Contender[]): void {
  const reference = contenders[0];
  if (reference === undefined) return;
  for (const c of contenders) c.step();
  const want = reference.params();
  for (const c of contenders) {
    const got = c.params();
    const tolerance = c.name.startsWith("TensorFlow") ? 1e-4 : 1e-12;
    const values = [...Array.from(got.kernel), got.bias];
    const expected = [...Array.from(want.kernel), want.bias];
    values.forEach((v, i) => {
      const e = expected[i] as number;
      if (!(Math.abs(v - e) <= tolerance * Math.max(1, Math.abs(e)))) {
        throw new Error(`${c.name} disagrees after one step: parameter ${i} is ${v}, not ${e}`);
      }
    });
  }
}

function timeBatch(step: () => void, reps: number): number {
  const start = performance.now();
  for (let r = 0; r < reps; r++) step();
  return ((performance.now() - start) * 1000) / reps; // µs per step
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Result {
  size: number;
  name: string;
  micros: number;
  rounds: number;
  reps: number;
}

function benchSize(tf: Tf, size: number): Result[] {
  const p = makeProblem(size);
  const contenders = [
    fusedContender(p),
    trainContender(p),
    apiContender(p),
    tfjsContender(tf, p),
    convnetjsContender(p),
  ];
  checkAgreement(contenders);

  // Warm-up, then pick each contender's batch size from its warm speed.
  const reps = contenders.map((c) => {
    const end = performance.now() + WARMUP_MS;
    let steps = 0;
    const start = performance.now();
    while (performance.now() < end || steps < 3) {
      c.step();
      steps++;
    }
    const perStepMs = (performance.now() - start) / steps;
    return Math.max(1, Math.ceil(BATCH_MS / perStepMs));
  });

  const rounds = ROUNDS[size] ?? 15;
  const samples: number[][] = contenders.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length; // rotate who goes first
      const c = contenders[i] as Contender;
      samples[i]?.push(timeBatch(c.step, reps[i] as number));
    }
  }
  const tensorsBefore = tf.memory().numTensors;
  (contenders[3] as Contender).step();
  if (tf.memory().numTensors !== tensorsBefore) throw new Error("the tfjs step leaks tensors");
  for (const c of contenders) {
    const { kernel, bias } = c.params();
    if (![...Array.from(kernel), bias].every(Number.isFinite)) {
      throw new Error(`${c.name} ended with non-finite parameters`);
    }
    c.dispose?.();
  }
  return contenders.map((c, i) => ({
    size,
    name: c.name,
    micros: median(samples[i] ?? []),
    rounds,
    reps: reps[i] as number,
  }));
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function formatMicros(us: number): string {
  return us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2);
}

async function main(): Promise<void> {
  const started = performance.now();
  const tf = await loadTfjs();
  const cpus = os.cpus();
  console.log("ConvSweep engine benchmark: one full SGD step");
  console.log(
    "  (forward, mean squared error gradient, backward for kernel and bias, update; 3x3 kernel, stride 1, no padding)",
  );
  console.log(
    `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  );
  console.log(
    "MACs per step = outH·outW·9 (forward) + outH·outW·9 (kernel gradient); GMAC/s = MACs / median time.",
  );
  console.log(
    "The engine and convnetjs compute in float64, TensorFlow.js (CPU backend) in float32. The engine API",
  );
  console.log(
    "path and convnetjs also compute the input gradient; fusedStep3x3, train() and tfjs do not.",
  );
  console.log(
    "Before timing, one step of each contender from the same start must agree (1e-12; tfjs 1e-4).",
  );
  console.log(
    `Median of R rounds, each timing a batch of B steps (≥ ${BATCH_MS} ms) per contender.\n`,
  );

  const results: Result[] = [];
  for (const size of SIZES) results.push(...benchSize(tf, size));

  const header = `${pad("size", 9)}${pad("contender", 31)}${pad("µs/step", 11, true)}${pad("GMAC/s", 9, true)}${pad("R×B", 10, true)}`;
  console.log(header);
  console.log("-".repeat(header.length));
  for (const r of results) {
    const out = r.size - 2;
    const gmacs = (out * out * 18) / (r.micros * 1e3);
    console.log(
      `${pad(`${r.size}x${r.size}`, 9)}${pad(r.name, 31)}${pad(formatMicros(r.micros), 11, true)}${pad(gmacs.toFixed(3), 9, true)}${pad(`${r.rounds}×${r.reps}`, 10, true)}`,
    );
  }

  const at = (size: number, prefix: string) =>
    results.find((r) => r.size === size && r.name.startsWith(prefix))?.micros ?? Number.NaN;
  const fused = (s: number) => at(s, "engine fused: fusedStep3x3");
  const trained = (s: number) => at(s, "engine fused: train");
  const api = (s: number) => at(s, "engine API");
  const tfjs = (s: number) => at(s, "TensorFlow.js");
  const cnn = (s: number) => at(s, "convnetjs");
  const x = (ratio: number) => `${ratio.toFixed(1)}x faster`;

  console.log("\nSpeed-ups (the other's median time / ours):");
  const ratioHeader = `${pad("size", 9)}${pad("fused/tfjs", 16, true)}${pad("fused/convnetjs", 17, true)}${pad("API/tfjs", 16, true)}${pad("API/convnetjs", 16, true)}${pad("train()/tfjs", 16, true)}${pad("train()/convnetjs", 19, true)}`;
  console.log(ratioHeader);
  console.log("-".repeat(ratioHeader.length));
  for (const s of SIZES) {
    console.log(
      `${pad(`${s}x${s}`, 9)}${pad(x(tfjs(s) / fused(s)), 16, true)}${pad(x(cnn(s) / fused(s)), 17, true)}${pad(x(tfjs(s) / api(s)), 16, true)}${pad(x(cnn(s) / api(s)), 16, true)}${pad(x(tfjs(s) / trained(s)), 16, true)}${pad(x(cnn(s) / trained(s)), 19, true)}`,
    );
  }

  console.log("\nGoals (at every size):");
  const goals: [string, (s: number) => number, number][] = [
    ["fused ≥ 50x TensorFlow.js cpu", (s) => tfjs(s) / fused(s), GOALS.fusedTfjs],
    ["fused ≥ 8x convnetjs", (s) => cnn(s) / fused(s), GOALS.fusedConvnetjs],
    ["API ≥ 30x TensorFlow.js cpu", (s) => tfjs(s) / api(s), GOALS.apiTfjs],
    ["API ≥ 5x convnetjs", (s) => cnn(s) / api(s), GOALS.apiConvnetjs],
  ];
  let allMet = true;
  for (const [label, ratio, goal] of goals) {
    const parts = SIZES.map((s) => {
      const r = ratio(s);
      return `${s}x${s} ${r.toFixed(1)}x ${r >= goal ? "met" : "MISSED"}`;
    });
    const met = SIZES.every((s) => ratio(s) >= goal);
    allMet &&= met;
    console.log(`  ${met ? "✓" : "✗"} ${pad(label, 31)} ${parts.join(", ")}`);
  }
  console.log(allMet ? "All goals met." : "Some goals missed.");
  console.log(`\nTotal time ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

await main();
