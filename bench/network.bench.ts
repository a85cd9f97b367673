/**
 * `npm run bench`, any network: training throughput (images/s) of the general engine
 * (trainNetworkSteps, src/engine/net) on the presets — today's network, two conv layers,
 * LeNet-5 — at batch 32 and 64, against TensorFlow.js (CPU backend) and convnetjs with the
 * same layers and weights (bench/network-contenders.ts), on the real digits. Goals: at least
 * 50x TensorFlow.js and 5x convnetjs.
 *
 * First, from the same initial weights, two steps of each on the same batches must land on
 * the same parameters (1e-9 relative for convnetjs, float64 too; 1e-3 for tfjs, float32).
 * Then the contenders run interleaved in rounds after a warm-up (rotating who goes first),
 * and the table gives the median over rounds. Last, the heap: the engine's training step is
 * run 10,000 times between two full garbage collections, and the heap's growth per step is
 * printed (the goal: none). Not part of the test suite.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { buildDigitsAsset } from "../scripts/digits";
import {
  createNetwork,
  createNetworkTrainer,
  imageAt,
  NETWORK_PRESETS,
  type NetworkPresetName,
  parseDigits,
  type TrainSettings,
  trainNetworkSteps,
  trainStep,
} from "../src/engine";
import type { CnnContender } from "./cnn-layout";
import { convnetjsNetwork, type NetworkProblem, tfjsNetwork } from "./network-contenders";
import { loadTfjs } from "./tfjs";

const ROUNDS = 11;
const BATCH_MS = 60;
const WARMUP_MS = 800;
const GOALS = { tfjs: 50, convnetjs: 5 };
const PRESETS: NetworkPresetName[] = ["default", "twoConv", "leNet5"];
const BATCHES = [32, 64];
const HEAP_STEPS = 10_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

function settingsFor(batchSize: number): TrainSettings {
  return { batchSize, learningRate: 0.05, momentum: 0.9, reduction: "mean", seed: 7 };
}

function problemFor(
  name: NetworkPresetName,
  batchSize: number,
  data: NetworkProblem["data"],
): NetworkProblem {
  const net = createNetwork(NETWORK_PRESETS[name]());
  const settings = settingsFor(batchSize);
  const reference = createNetworkTrainer(net, settings, data);
  const batches = Array.from({ length: Math.floor(data.count / batchSize) }, (_, s) =>
    Int32Array.from({ length: batchSize }, (_, i) => imageAt(reference, s * batchSize + i)),
  );
  return { net, params: reference.params.slice(), data, settings, batches };
}

function engineContender(p: NetworkProblem): CnnContender {
  const trainer = createNetworkTrainer(p.net, p.settings, p.data);
  return {
    name: "engine: trainNetworkSteps",
    step: () => trainNetworkSteps(trainer, 1),
    params: () => trainer.params,
  };
}

/** Two steps of each from the same weights; throws when one lands elsewhere. */
function agreement(contenders: CnnContender[]): string {
  for (const c of contenders) {
    c.step();
    c.step();
  }
  const want = (contenders[0] as CnnContender).params();
  return contenders
    .slice(1)
    .map((c) => {
      const tolerance = c.name.startsWith("TensorFlow") ? 1e-3 : 1e-9;
      let worst = 0;
      c.params().forEach((v, i) => {
        const e = want[i] as number;
        const error = Math.abs(v - e) / Math.max(1e-2, Math.abs(e));
        worst = Math.max(worst, error);
        if (!(error <= tolerance))
          throw new Error(`${c.name} disagrees after two steps: parameter ${i} is ${v}, not ${e}`);
      });
      return `${c.name.split(" ")[0]} ${worst.toExponential(1)}`;
    })
    .join(", ");
}

function measure(contenders: CnnContender[], batchSize: number): number[] {
  const reps = contenders.map((c) => {
    const t0 = performance.now();
    let steps = 0;
    while (performance.now() - t0 < WARMUP_MS || steps < 2) {
      c.step();
      steps++;
    }
    return Math.max(1, Math.ceil(BATCH_MS / ((performance.now() - t0) / steps)));
  });
  const samples: number[][] = contenders.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const n = reps[i] as number;
      const t0 = performance.now();
      for (let r = 0; r < n; r++) contenders[i]?.step();
      samples[i]?.push((n * batchSize) / ((performance.now() - t0) / 1000));
    }
  }
  return samples.map(median);
}

/** Heap growth per training step of the engine, between two full collections. */
function heapPerStep(data: NetworkProblem["data"]): number {
  setFlagsFromString("--expose_gc");
  const gc = runInNewContext("gc") as () => void;
  const trainer = createNetworkTrainer(
    createNetwork(NETWORK_PRESETS.default()),
    settingsFor(1),
    data,
  );
  const step = () => trainStep(trainer);
  for (let i = 0; i < 200; i++) step();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < HEAP_STEPS; i++) step();
  const after = process.memoryUsage().heapUsed;
  gc();
  return (after - before) / HEAP_STEPS;
}

async function main(): Promise<void> {
  const started = performance.now();
  const tf = await loadTfjs();
  const { train } = parseDigits(buildDigitsAsset());
  const cpus = os.cpus();
  console.log("\nConvSweep network benchmark: training throughput of the general engine's presets");
  console.log(
    `  (SGD, momentum 0.9, η 0.05, mean over the batch, real MNIST digits; median of ${ROUNDS} interleaved rounds)`,
  );
  console.log(
    `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, Node ${process.version}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}\n`,
  );
  const header = `${"network".padEnd(10)}${"B".padStart(4)}${"engine img/s".padStart(14)}${"tfjs img/s".padStart(12)}${"convnetjs".padStart(11)}${"vs tfjs".padStart(9)}${"vs convnetjs".padStart(14)}  agreement after two steps`;
  console.log(header);
  console.log("-".repeat(header.length));
  const missed: string[] = [];
  for (const name of PRESETS) {
    for (const b of BATCHES) {
      const p = problemFor(name, b, train);
      const make = () =>
        [engineContender(p), tfjsNetwork(tf, p), convnetjsNetwork(p)].filter(
          (c): c is CnnContender => c !== null,
        );
      const checked = make();
      const agreed = agreement(checked);
      for (const c of checked) c.dispose?.();
      const contenders = make();
      const rates = measure(contenders, b);
      for (const c of contenders) c.dispose?.();
      const [engine = 0, tfjs = 0, convnet] = rates;
      const vsTfjs = engine / tfjs;
      const vsConvnet = convnet === undefined ? Number.NaN : engine / convnet;
      if (vsTfjs < GOALS.tfjs) missed.push(`${name} B${b}: ${vsTfjs.toFixed(1)}x TensorFlow.js`);
      if (vsConvnet < GOALS.convnetjs)
        missed.push(`${name} B${b}: ${vsConvnet.toFixed(1)}x convnetjs`);
      console.log(
        `${name.padEnd(10)}${String(b).padStart(4)}${engine.toFixed(0).padStart(14)}${tfjs.toFixed(0).padStart(12)}${(convnet ?? Number.NaN).toFixed(0).padStart(11)}${`${vsTfjs.toFixed(1)}x`.padStart(9)}${`${vsConvnet.toFixed(1)}x`.padStart(14)}  ${agreed}`,
      );
    }
  }
  const heap = heapPerStep(train);
  console.log(
    `\nHeap growth over ${HEAP_STEPS.toLocaleString("en")} training steps (default network, batch 1): ${heap.toFixed(2)} bytes per step.`,
  );
  console.log("\nGoals:");
  console.log(
    `  ${missed.length === 0 ? "✓" : "✗"} engine ≥ ${GOALS.tfjs}x TensorFlow.js cpu and ≥ ${GOALS.convnetjs}x convnetjs on every preset and batch${missed.length === 0 ? "" : `: MISSED ${missed.join("; ")}`}`,
  );
  console.log(
    `  ${heap < 1 ? "✓" : "✗"} a training step allocates nothing (heap growth < 1 byte per step)`,
  );
  console.log(`\nTotal time ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

await main();
