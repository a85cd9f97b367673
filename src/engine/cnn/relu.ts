import { checkBuffer } from "./checks";

/** ReLU forward: `out[i] = max(0, in[i])` (NaN gives 0). `out` may be `input` itself (in place). */
export function reluForward(input: Float64Array, out: Float64Array): void {
  checkBuffer("out", out, input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i] as number;
    // biome-ignore lint/complexity/useMathMinMax: the comparison measures faster than Math.max here.
    out[i] = v > 0 ? v : 0;
  }
}

/**
 * ReLU backward: `inputGrad[i] = outputGrad[i]` where the layer's input was > 0, else 0.
 * The derivative at exactly 0 is taken as 0 (as TensorFlow.js and PyTorch do), so a cell
 * that was not positive stops δ. `input` may be the pre- or the post-activation (both are
 * > 0 at the same cells). `inputGrad` may be `outputGrad` itself (in place).
 */
export function reluBackward(
  input: Float64Array,
  outputGrad: Float64Array,
  inputGrad: Float64Array,
): void {
  checkBuffer("outputGrad", outputGrad, input.length);
  checkBuffer("inputGrad", inputGrad, input.length);
  for (let i = 0; i < input.length; i++) {
    // δ is mostly zero here (only pool winners get one): test it first.
    const d = outputGrad[i] as number;
    inputGrad[i] = d !== 0 && (input[i] as number) > 0 ? d : 0;
  }
}

/**
 * ReLU backward when `outputGrad` is zero everywhere except at `cells` (as after a max-pool,
 * which routes δ only to the winners of its windows): the same result as reluBackward, but
 * touching only those cells. The caller guarantees the zeros; they are not checked.
 */
export function reluBackwardAt(
  input: Float64Array,
  outputGrad: Float64Array,
  inputGrad: Float64Array,
  cells: Int32Array,
): void {
  checkBuffer("outputGrad", outputGrad, input.length);
  checkBuffer("inputGrad", inputGrad, input.length);
  inputGrad.fill(0);
  for (let n = 0; n < cells.length; n++) {
    const cell = cells[n] as number;
    const d = outputGrad[cell] as number;
    inputGrad[cell] = d !== 0 && (input[cell] as number) > 0 ? d : 0;
  }
}
