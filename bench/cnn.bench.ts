/**
 * `npm run bench`, CNN section: training throughput (images/s) of the default network of the
 * "Inside a real network" section (32x32x1 → conv 3x3, 8 filters → ReLU → 2x2 max-pool →
 * dense 1800 → 10 → softmax cross-entropy), mini-batch SGD with momentum, batch 32, mean
 * over the batch, on the real digits (the asset scripts/digits.ts builds), for:
 *   1. the engine: trainSteps(trainer, 1) (src/engine/cnn),
 *   1b. the general engine on the same network: trainNetworkSteps (src/engine/net), the A/B
 *       of the general engine against the small CNN's (goal: at least 0.9x),
 *   2. TensorFlow.js, CPU backend: the same layers, tf.train.momentum().minimize,
 *   3. convnetjs: Net (conv relu, pool, softmax) and its Trainer (sgd, momentum).
 * First, from the same initial weights, two steps of each on the same batches must land on
 * the same parameters (1e-9 relative for convnetjs, which is float64 too; 1e-4 for tfjs,
 * float32). Then the three run interleaved in rounds in one process, after a warm-up; each
 * round times a few steps per contender (rotating who goes first) and the table reports
 * the median over rounds. Not part of the test suite.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { buildDigitsAsset } from "../scripts/digits";
import {
  cnnPresetSpec,
  createNetworkTrainer,
  createTrainer,
  imageAt,
  type LabelledImages,
  parseDigits,
  type TrainSettings,
  trainNetworkSteps,
  trainSteps,
} from "../src/engine";
import { convnetjsContender } from "./cnn-convnetjs";
import type { CnnContender, CnnProblem } from "./cnn-layout";
import { tfjsContender } from "./cnn-tfjs";
import { loadTfjs } from "./tfjs";

const SETTINGS: TrainSettings = {
  batchSize: 32,
  learningRate: 0.05,
  momentum: 0.9,
  reduction: "mean",
  seed: 7,
};
const ROUNDS = 21;
/** Each timed batch of steps runs at least this long (ms). */
const BATCH_MS = 40;
const WARMUP_MS = 1500;
const GOALS = { tfjs: 20, convnetjs: 5, general: 0.9 };

function makeProblem(data: LabelledImages): CnnProblem {
  const reference = createTrainer({}, SETTINGS, data);
  const b = SETTINGS.batchSize;
  const batches = Array.from({ length: Math.floor(data.count / b) }, (_, s) =>
    Int32Array.from({ length: b }, (_, i) => imageAt(reference, s * b + i)),
  );
  return { data, settings: SETTINGS, batches, reference };
}

function engineContender(p: CnnProblem): CnnContender {
  const trainer = createTrainer({}, SETTINGS, p.data);
  return {
    name: "engine: trainSteps",
    step: () => trainSteps(trainer, 1),
    params: () => trainer.params.data,
  };
}

function generalContender(p: CnnProblem): CnnContender {
  const trainer = createNetworkTrainer(cnnPresetSpec(), SETTINGS, p.data);
  return {
    name: "general engine: trainNetworkSteps",
    step: () => trainNetworkSteps(trainer, 1),
    params: () => trainer.params,
  };
}

function checkAgreement(contenders: CnnContender[]): string {
  const reference = contenders[0] as CnnContender;
  const start = reference.params().slice();
  for (const c of contenders) {
    const p = c.params();
    for (let i = 0; i < p.length; i++) {
      if (p[i] !== start[i] && Math.abs((p[i] as number) - (start[i] as number)) > 1e-7) {
        throw new Error(`${c.name} does not start from the same weights (parameter ${i})`);
      }
    }
  }
  for (const c of contenders) {
    c.step();
    c.step();
  }
  const want = reference.params();
  const report: string[] = [];
  for (const c of contenders.slice(1)) {
    const tolerance = c.name.startsWith("TensorFlow") ? 1e-4 : 1e-9;
    const got = c.params();
    let worst = 0;
    got.forEach((v, i) => {
      const e = want[i] as number;
      const error = Math.abs(v - e) / Math.max(1e-2, Math.abs(e));
      worst = Math.max(worst, error);
      if (!(error <= tolerance)) {
        throw new Error(`${c.name} disagrees after two steps: parameter ${i} is ${v}, not ${e}`);
      }
    });
    report.push(`${c.name}: largest relative difference ${worst.toExponential(1)}`);
  }
  return report.join("; ");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const started = performance.now();
  const tf = await loadTfjs();
  const { train } = parseDigits(buildDigitsAsset());
  const problem = makeProblem(train);
  const make = (): CnnContender[] => [
    engineContender(problem),
    tfjsContender(tf, problem),
    convnetjsContender(problem),
    generalContender(problem),
  ];
  const checked = make();
  const agreement = checkAgreement(checked);
  for (const c of checked) c.dispose?.();
  const contenders = make();
  const cpus = os.cpus();
  const b = SETTINGS.batchSize;
  console.log("\nConvSweep CNN benchmark: training throughput of the default network");
  console.log(
    "  (32x32x1 → conv 3x3 ×8 → ReLU → max-pool 2x2 → dense 1800→10 → softmax cross-entropy;",
  );
  console.log(
    `   SGD, momentum ${SETTINGS.momentum}, η ${SETTINGS.learningRate}, batch ${b}, mean over the batch, real MNIST digits)`,
  );
  console.log(
    `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, Node ${process.version}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
  console.log(`Same two steps from the same weights: ${agreement}.`);

  const reps = contenders.map((c) => {
    const end = performance.now() + WARMUP_MS;
    let steps = 0;
    const t0 = performance.now();
    while (performance.now() < end || steps < 3) {
      c.step();
      steps++;
    }
    return Math.max(1, Math.ceil(BATCH_MS / ((performance.now() - t0) / steps)));
  });
  const samples: number[][] = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const c = contenders[i] as CnnContender;
      const n = reps[i] as number;
      const t0 = performance.now();
      for (let r = 0; r < n; r++) c.step();
      samples[i]?.push((n * b) / ((performance.now() - t0) / 1000));
    }
  }
  const rates = samples.map(median);
  console.log(
    `Median of ${ROUNDS} rounds, each timing B steps (≥ ${BATCH_MS} ms) per contender.\n`,
  );
  const header = `${"contender".padEnd(34)}${"images/s".padStart(10)}${"ms/step".padStart(10)}${"B".padStart(6)}`;
  console.log(header);
  console.log("-".repeat(header.length));
  contenders.forEach((c, i) => {
    const rate = rates[i] as number;
    console.log(
      `${c.name.padEnd(34)}${rate.toFixed(0).padStart(10)}${((b / rate) * 1000).toFixed(2).padStart(10)}${String(reps[i]).padStart(6)}`,
    );
    if (!c.params().every(Number.isFinite))
      throw new Error(`${c.name} ended with non-finite weights`);
    c.dispose?.();
  });
  const engine = rates[0] as number;
  const vsTfjs = engine / (rates[1] as number);
  const vsConvnetjs = engine / (rates[2] as number);
  console.log("\nGoals:");
  const line = (label: string, ratio: number, goal: number) =>
    `  ${ratio >= goal ? "✓" : "✗"} ${label.padEnd(30)} ${ratio.toFixed(1)}x ${ratio >= goal ? "met" : "MISSED"}`;
  console.log(line(`engine ≥ ${GOALS.tfjs}x TensorFlow.js cpu`, vsTfjs, GOALS.tfjs));
  console.log(line(`engine ≥ ${GOALS.convnetjs}x convnetjs`, vsConvnetjs, GOALS.convnetjs));
  const general = (rates[3] as number) / engine;
  console.log(line(`general engine ≥ ${GOALS.general}x engine`, general, GOALS.general));
  console.log(`\nTotal time ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

await main();
