import { checkBuffer, checkInteger } from "./checks";

/**
 * Softmax cross-entropy of one image's logits z against its class `label`, numerically
 * stable: with m = max z, `p = exp(z − m) / Σ exp(z − m)` and
 * `L = log Σ exp(z − m) − (z[label] − m)` (no exp overflows, no log of 0).
 * Writes the probabilities into `probabilities` and, when `logitsGrad` is given,
 * `∂(scale · L)/∂z = scale · (p − onehot(label))` into it (scale is 1 for a sum over the
 * batch, 1/N for a mean). Returns L (unscaled).
 */
export function softmaxCrossEntropy(
  logits: Float64Array,
  label: number,
  probabilities: Float64Array,
  logitsGrad: Float64Array | null,
  scale = 1,
): number {
  const n = logits.length;
  checkInteger("label", label, 0, n - 1);
  checkBuffer("probabilities", probabilities, n);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i] as number);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((logits[i] as number) - max);
    probabilities[i] = e;
    total += e;
  }
  for (let i = 0; i < n; i++) probabilities[i] = (probabilities[i] as number) / total;
  if (logitsGrad !== null) {
    checkBuffer("logitsGrad", logitsGrad, n);
    for (let i = 0; i < n; i++) {
      logitsGrad[i] = scale * ((probabilities[i] as number) - (i === label ? 1 : 0));
    }
  }
  return Math.log(total) - ((logits[label] as number) - max);
}
