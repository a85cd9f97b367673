/**
 * The engine's seeded randomness, the app's one PRNG: mulberry32 (the state layer's preset
 * images and filters, the practice exercises and the CNN all use it). Only integer arithmetic
 * and one division, so a seed gives the same sequence in every JavaScript engine.
 */

/** A seeded PRNG: uniform numbers in [0, 1); the same seed always gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * He (Kaiming) uniform initialisation: `w ~ U(−√(6/fanIn), √(6/fanIn))`, variance 2/fanIn,
 * which keeps the scale of activations steady through ReLU layers. Uniform rather than
 * normal so that no transcendental function (whose last bit may differ between engines)
 * enters the weights.
 */
export function heUniform(weights: Float64Array, fanIn: number, rand: () => number): void {
  const bound = Math.sqrt(6 / fanIn);
  for (let i = 0; i < weights.length; i++) weights[i] = (2 * rand() - 1) * bound;
}

/** Shuffles `values` in place (Fisher–Yates) with the given generator. */
export function shuffleInPlace(values: Int32Array | Uint32Array, rand: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const v = values[i] as number;
    values[i] = values[j] as number;
    values[j] = v;
  }
}
