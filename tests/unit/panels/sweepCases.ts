import { computeSweep } from "../../../src/engine/index";
import { mulberry32, randomCase } from "../engine/random";

/** The seeds of the views' property tests. */
export const SEEDS = Array.from({ length: 25 }, (_, i) => 7000 + i);

/** A seeded random case (input up to 12x12) and its sweep with the "sum" loss. */
export function caseAndSweep(seed: number) {
  const c = randomCase(mulberry32(seed), { maxInput: 12 });
  const sweep = computeSweep(c.input, c.kernel, c.bias, c.target, c.options, "sum");
  return { c, sweep };
}
