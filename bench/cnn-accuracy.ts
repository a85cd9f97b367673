/**
 * `npm run bench`, CNN accuracy: how far the default network gets on the 2,000 held-out
 * digits in at most 30 s of training in one Node process (the goal: ≥ 97%), for 3 seeds.
 * Trains in chunks of CHUNK steps; after each chunk the test accuracy is measured (its time
 * is not counted as training time, and is reported apart). Prints, per seed, the first
 * step and training time at which the test accuracy reached 97%, the accuracy at the end,
 * and the median over the seeds. A measurement, not a test: nothing fails on a slow machine.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { buildDigitsAsset } from "../scripts/digits";
import {
  createTrainer,
  DEFAULT_CNN_CONFIG,
  DEFAULT_TRAIN_SETTINGS,
  evaluate,
  parseDigits,
  trainSteps,
} from "../src/engine";

const BUDGET_S = Number(process.env.CNN_BUDGET_S ?? 30);
const GOAL = 0.97;
const CHUNK = 125;
const SEEDS = [1, 2, 3];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

const { train, test } = parseDigits(buildDigitsAsset());
const settings = DEFAULT_TRAIN_SETTINGS;
console.log("\nConvSweep CNN accuracy: the default network on the 2,000 held-out digits");
console.log(
  `  config ${JSON.stringify(DEFAULT_CNN_CONFIG)}; settings ${JSON.stringify(settings)} (DEFAULT_TRAIN_SETTINGS, each seed in turn); ${train.count} training digits`,
);
console.log(
  `  training budget ${BUDGET_S} s per seed, test accuracy measured every ${CHUNK} steps; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")}\n`,
);
const finals: number[] = [];
const reached: number[] = [];
for (const seed of SEEDS) {
  const trainer = createTrainer(DEFAULT_CNN_CONFIG, { ...settings, seed }, train);
  let trainingMs = 0;
  let evalMs = 0;
  let accuracy = 0;
  let first: { steps: number; seconds: number; accuracy: number } | undefined;
  while (trainingMs < BUDGET_S * 1000) {
    const t0 = performance.now();
    trainSteps(trainer, CHUNK);
    trainingMs += performance.now() - t0;
    const t1 = performance.now();
    accuracy = evaluate(trainer.arch, trainer.params, test).accuracy;
    evalMs += performance.now() - t1;
    if (first === undefined && accuracy >= GOAL) {
      first = { steps: trainer.steps, seconds: trainingMs / 1000, accuracy };
    }
  }
  finals.push(accuracy);
  reached.push(first?.seconds ?? Number.POSITIVE_INFINITY);
  const images = trainer.steps * settings.batchSize;
  console.log(
    `seed ${seed}: ${first === undefined ? `never reached ${GOAL * 100}%` : `${(first.accuracy * 100).toFixed(2)}% at step ${first.steps} after ${first.seconds.toFixed(1)} s`}; at the end ${(accuracy * 100).toFixed(2)}% after ${trainer.steps} steps (${(images / train.count).toFixed(1)} epochs, ${(images / (trainingMs / 1000)).toFixed(0)} images/s) in ${(trainingMs / 1000).toFixed(1)} s of training (+ ${(evalMs / 1000).toFixed(1)} s of testing)`,
  );
}
const time = median(reached);
console.log(
  `\nMedian of ${SEEDS.length} seeds: ${(median(finals) * 100).toFixed(2)}% after ${BUDGET_S} s; 97% reached after ${Number.isFinite(time) ? `${time.toFixed(1)} s` : "more than the budget"}. Goal ≥ 97% within 30 s: ${median(finals) >= GOAL ? "met" : "MISSED"}.`,
);
