import { lossDivisor, type Reduction } from "./loss";

/** Mutable buffers of a fused training loop: parameters in, gradients and loss out. */
export interface FusedState {
  /** The 3x3 kernel, row-major; updated in place by each step. */
  readonly kernel: Float64Array;
  /** The bias; updated by each step. */
  bias: number;
  /** The kernel gradient of the last step (before its update was applied). */
  readonly kernelGrad: Float64Array;
  /** The bias gradient of the last step. */
  biasGrad: number;
  /** The loss of the last step, measured before its update. */
  loss: number;
}

/**
 * One SGD step for the common case (3x3 kernel, stride 1, no padding, no dilation) in a
 * single pass: forward, loss, loss gradient, kernel and bias gradients, then the update.
 * Sums live in locals and the 3x3 window slides along each row, so each input cell is
 * loaded once per row it is in. Every sum is taken in the same order as the general
 * path (conv2d, squaredErrorGrad, conv2dBackward, sgdUpdate), so the results are
 * identical to the bit. Arguments are not checked: callers check them once (see train()).
 * When `inputGrad` (inH*inW, zeroed) is given, ∂L/∂input is added into it as well.
 */
export function fusedStep3x3(
  x: Float64Array,
  inH: number,
  inW: number,
  target: Float64Array,
  state: FusedState,
  reduction: Reduction,
  learningRate: number,
  inputGrad?: Float64Array,
): void {
  const outH = inH - 2;
  const outW = inW - 2;
  const div = lossDivisor(reduction, outH * outW);
  const w = state.kernel;
  const k00 = w[0] as number,
    k01 = w[1] as number,
    k02 = w[2] as number;
  const k10 = w[3] as number,
    k11 = w[4] as number,
    k12 = w[5] as number;
  const k20 = w[6] as number,
    k21 = w[7] as number,
    k22 = w[8] as number;
  const bias = state.bias;
  let g00 = 0,
    g01 = 0,
    g02 = 0,
    g10 = 0,
    g11 = 0,
    g12 = 0,
    g20 = 0,
    g21 = 0,
    g22 = 0;
  let gb = 0;
  let sq = 0;
  for (let i = 0; i < outH; i++) {
    const r0 = i * inW;
    const r1 = r0 + inW;
    const r2 = r1 + inW;
    let x00 = x[r0] as number,
      x01 = x[r0 + 1] as number;
    let x10 = x[r1] as number,
      x11 = x[r1 + 1] as number;
    let x20 = x[r2] as number,
      x21 = x[r2 + 1] as number;
    const tRow = i * outW;
    for (let j = 0; j < outW; j++) {
      const x02 = x[r0 + j + 2] as number;
      const x12 = x[r1 + j + 2] as number;
      const x22 = x[r2 + j + 2] as number;
      let s = 0;
      s += k00 * x00;
      s += k01 * x01;
      s += k02 * x02;
      s += k10 * x10;
      s += k11 * x11;
      s += k12 * x12;
      s += k20 * x20;
      s += k21 * x21;
      s += k22 * x22;
      // The bias is added to the taps' sum, as the multi-channel layers add it (one order).
      s = bias + s;
      const e = s - (target[tRow + j] as number);
      sq += e * e;
      const d = e / div;
      gb += d;
      g00 += d * x00;
      g01 += d * x01;
      g02 += d * x02;
      g10 += d * x10;
      g11 += d * x11;
      g12 += d * x12;
      g20 += d * x20;
      g21 += d * x21;
      g22 += d * x22;
      if (inputGrad !== undefined) {
        const c0 = r0 + j,
          c1 = r1 + j,
          c2 = r2 + j;
        inputGrad[c0] = (inputGrad[c0] as number) + d * k00;
        inputGrad[c0 + 1] = (inputGrad[c0 + 1] as number) + d * k01;
        inputGrad[c0 + 2] = (inputGrad[c0 + 2] as number) + d * k02;
        inputGrad[c1] = (inputGrad[c1] as number) + d * k10;
        inputGrad[c1 + 1] = (inputGrad[c1 + 1] as number) + d * k11;
        inputGrad[c1 + 2] = (inputGrad[c1 + 2] as number) + d * k12;
        inputGrad[c2] = (inputGrad[c2] as number) + d * k20;
        inputGrad[c2 + 1] = (inputGrad[c2 + 1] as number) + d * k21;
        inputGrad[c2 + 2] = (inputGrad[c2 + 2] as number) + d * k22;
      }
      x00 = x01;
      x01 = x02;
      x10 = x11;
      x11 = x12;
      x20 = x21;
      x21 = x22;
    }
  }
  state.loss = reduction === "sum" ? 0.5 * sq : (0.5 * sq) / (outH * outW);
  const g = state.kernelGrad;
  g[0] = g00;
  g[1] = g01;
  g[2] = g02;
  g[3] = g10;
  g[4] = g11;
  g[5] = g12;
  g[6] = g20;
  g[7] = g21;
  g[8] = g22;
  state.biasGrad = gb;
  for (let t = 0; t < 9; t++) {
    w[t] = (w[t] as number) - learningRate * (g[t] as number);
  }
  state.bias = bias - learningRate * gb;
}
