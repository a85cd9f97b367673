import { checkBuffer } from "./checks";

/**
 * Reused list of the input's non-zero indices, grown on demand. After a ReLU and a max-pool
 * most inputs are zero (60–90% in the digits network), and a zero input adds ±0 to every
 * sum it enters, which changes no sum that starts at +0: skipping them is exact. Safe to
 * share between the two functions below: neither calls out while it uses the list.
 */
let nonZero = new Int32Array(0);

function listNonZero(input: Float64Array): number {
  if (nonZero.length < input.length) nonZero = new Int32Array(input.length);
  let count = 0;
  for (let i = 0; i < input.length; i++) if ((input[i] as number) !== 0) nonZero[count++] = i;
  return count;
}

/**
 * Dense (fully connected) forward: `out[o] = bias[o] + Σ_i w[o][i] · in[i]`, weights
 * `[outputs][inputs]` row-major; the terms of each sum are added in i order (zero inputs
 * skipped, which changes nothing). Writes `out`.
 */
export function denseForward(
  input: Float64Array,
  weights: Float64Array,
  bias: Float64Array,
  out: Float64Array,
): void {
  const n = input.length;
  checkBuffer("weights", weights, out.length * n);
  checkBuffer("bias", bias, out.length);
  const count = listNonZero(input);
  const list = nonZero;
  // Two outputs at a time share each load of in[i]; each output's sum keeps its own order.
  let o = 0;
  for (; o + 1 < out.length; o += 2) {
    let sum0 = 0;
    let sum1 = 0;
    const row0 = o * n;
    const row1 = row0 + n;
    for (let m = 0; m < count; m++) {
      const i = list[m] as number;
      const x = input[i] as number;
      sum0 += (weights[row0 + i] as number) * x;
      sum1 += (weights[row1 + i] as number) * x;
    }
    out[o] = (bias[o] as number) + sum0;
    out[o + 1] = (bias[o + 1] as number) + sum1;
  }
  if (o < out.length) {
    let sum = 0;
    const row = o * n;
    for (let m = 0; m < count; m++) {
      const i = list[m] as number;
      sum += (weights[row + i] as number) * (input[i] as number);
    }
    out[o] = (bias[o] as number) + sum;
  }
}

/**
 * Dense backward for one image, given `outputGrad = δ = ∂L/∂out`:
 * `weightGrad[o][i] += δ[o] · in[i]` and `biasGrad[o] += δ[o]` (added: one term per image,
 * so a batch's gradient is the sum over its images in image order), and
 * `inputGrad[i] = Σ_o δ[o] · w[o][i]` (written, terms in o order; skipped when null): the δ
 * of the layer below, at every input, zero or not.
 */
export function denseBackward(
  input: Float64Array,
  weights: Float64Array,
  outputGrad: Float64Array,
  weightGrad: Float64Array,
  biasGrad: Float64Array,
  inputGrad: Float64Array | null,
): void {
  const n = input.length;
  const outputs = outputGrad.length;
  checkBuffer("weights", weights, outputs * n);
  checkBuffer("weightGrad", weightGrad, outputs * n);
  checkBuffer("biasGrad", biasGrad, outputs);
  if (inputGrad !== null) checkBuffer("inputGrad", inputGrad, n);
  const count = listNonZero(input);
  const list = nonZero;
  for (let o = 0; o < outputs; o++) {
    const d = outputGrad[o] as number;
    biasGrad[o] = (biasGrad[o] as number) + d;
    const row = o * n;
    for (let m = 0; m < count; m++) {
      const i = list[m] as number;
      weightGrad[row + i] = (weightGrad[row + i] as number) + d * (input[i] as number);
    }
  }
  if (inputGrad === null) return;
  inputGrad.fill(0);
  // Two outputs at a time share the loads and stores of inputGrad[i], which still receives
  // its terms in o order: (inputGrad[i] + δ[o]·w[o][i]) + δ[o+1]·w[o+1][i]. (Measured faster
  // than one register sum per input over the strided rows.)
  let o = 0;
  for (; o + 1 < outputs; o += 2) {
    const d0 = outputGrad[o] as number;
    const d1 = outputGrad[o + 1] as number;
    const row0 = o * n;
    const row1 = row0 + n;
    for (let i = 0; i < n; i++) {
      inputGrad[i] =
        (inputGrad[i] as number) +
        d0 * (weights[row0 + i] as number) +
        d1 * (weights[row1 + i] as number);
    }
  }
  if (o < outputs) {
    const d = outputGrad[o] as number;
    const row = o * n;
    for (let i = 0; i < n; i++) {
      inputGrad[i] = (inputGrad[i] as number) + d * (weights[row + i] as number);
    }
  }
}
