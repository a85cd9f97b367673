import { tapRange } from "./conv2d";
import { createGrid, type Grid } from "./grid";
import { checkReduction, lossDivisor } from "./loss";
import { checkLearningRate } from "./sgd";
import type { Problem } from "./train";
import {
  type ConvOptions,
  checkFinite,
  checkGrid,
  checkShape,
  MAX_KERNEL_SIDE,
  type OutputShape,
  outputShape,
  type ResolvedConvOptions,
  resolveOptions,
} from "./validate";

/**
 * The parameters of a locally connected layer: the convolution's sliding window without the
 * weight sharing. Output position (i, j) has a filter of its own, W_ij (kH x kW), and a bias of
 * its own, b_ij:
 * `out[i][j] = b_ij + Σ_a Σ_b W_ij[a][b] · inPadded[i·stride + a·dilation][j·stride + b·dilation]`.
 */
export interface LocalParams {
  /**
   * Every position's filter, tiled like a mosaic: W_ij is the kH x kW block whose top-left
   * cell is (i·kH, j·kW), so the grid is (outH·kH) x (outW·kW) — 90x90 for a 32x32 input
   * with 3x3 filters. The filter shape is `weights`' shape divided by `biases`' shape.
   */
  weights: Grid;
  /** Every position's bias, in the output's shape. */
  biases: Grid;
}

/** The gradients of a scalar loss with respect to a locally connected layer. */
export interface LocalGradients {
  /**
   * ∂L/∂W, tiled as `weights`: position (i, j)'s tile is delta_ij times the input cells that
   * position saw (0 over padding) — its own contribution only, nothing summed across positions.
   */
  weightsGrad: Grid;
  /** ∂L/∂b: delta_ij at each position (a copy of outputGrad). */
  biasesGrad: Grid;
  /** ∂L/∂input: every position's delta_ij · W_ij, added where its window touched the input. */
  inputGrad: Grid;
}

/** The outcome of `trainLocallyConnected`. */
export interface LocalTrainResult {
  /** The parameters after the last step that kept every value finite. */
  params: LocalParams;
  /** losses[s] is the loss before step s's update; one entry per completed step. */
  losses: Float64Array;
  /** True when a step produced a non-finite loss or parameter; training stopped there. */
  diverged: boolean;
}

/** Checked arguments of a locally connected layer. */
interface CheckedLocal {
  options: ResolvedConvOptions;
  out: OutputShape;
  /** Filter height and width. */
  kH: number;
  kW: number;
}

function checkLocalArguments(
  input: Grid,
  params: LocalParams,
  options: ConvOptions | undefined,
): CheckedLocal {
  checkGrid("input", input);
  if (typeof params !== "object" || params === null) {
    throw new RangeError(
      `params must be an object {weights, biases}; got ${params === null ? "null" : typeof params}`,
    );
  }
  const { weights, biases } = params;
  checkGrid("weights", weights);
  checkGrid("biases", biases);
  const kH = weights.height / biases.height;
  const kW = weights.width / biases.width;
  if (!Number.isInteger(kH) || kH > MAX_KERNEL_SIDE) {
    throw new RangeError(
      `weights.height must be biases.height (${biases.height}) times a filter height from 1 to ${MAX_KERNEL_SIDE}; got ${weights.height}`,
    );
  }
  if (!Number.isInteger(kW) || kW > MAX_KERNEL_SIDE) {
    throw new RangeError(
      `weights.width must be biases.width (${biases.width}) times a filter width from 1 to ${MAX_KERNEL_SIDE}; got ${weights.width}`,
    );
  }
  const resolved = resolveOptions(options);
  const out = outputShape(input, { height: kH, width: kW }, resolved);
  checkShape("biases", biases, out, `the output shape of ${kH}x${kW} filters`);
  return { options: resolved, out, kH, kW };
}

/**
 * Parameters of a locally connected layer in which every position starts with its own copy of
 * one shared filter and bias: it computes exactly what conv2d computes, until it is trained.
 * `out` is the output shape (see `outputShape`).
 */
export function untie(kernel: Grid, bias: number, out: OutputShape): LocalParams {
  checkGrid("kernel", kernel, MAX_KERNEL_SIDE);
  checkFinite("bias", bias);
  for (const key of ["height", "width"] as const) {
    const v = out?.[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      throw new RangeError(`out.${key} must be a whole number ≥ 1; got ${String(v)}`);
    }
  }
  const { height: kH, width: kW, data: k } = kernel;
  const weights = createGrid(out.height * kH, out.width * kW);
  const W = weights.width;
  for (let i = 0; i < out.height; i++) {
    for (let j = 0; j < out.width; j++) {
      for (let a = 0; a < kH; a++) {
        weights.data.set(k.subarray(a * kW, (a + 1) * kW), (i * kH + a) * W + j * kW);
      }
    }
  }
  const biases = createGrid(out.height, out.width);
  biases.data.fill(bias);
  return { weights, biases };
}

/** Position (row, col)'s own filter, as a kernel-shaped copy. */
export function localFilter(params: LocalParams, row: number, col: number): Grid {
  const { weights, biases } = params;
  const kH = weights.height / biases.height;
  const kW = weights.width / biases.width;
  if (!Number.isInteger(row) || row < 0 || row >= biases.height) {
    throw new RangeError(`row must be an integer from 0 to ${biases.height - 1}; got ${row}`);
  }
  if (!Number.isInteger(col) || col < 0 || col >= biases.width) {
    throw new RangeError(`col must be an integer from 0 to ${biases.width - 1}; got ${col}`);
  }
  const filter = createGrid(kH, kW);
  for (let a = 0; a < kH; a++) {
    const from = (row * kH + a) * weights.width + col * kW;
    filter.data.set(weights.data.subarray(from, from + kW), a * kW);
  }
  return filter;
}

/**
 * The forward pass of a locally connected layer: conv2d's window, but position (i, j) uses its
 * own filter W_ij and bias b_ij. Throws RangeError for bad arguments, as conv2d does.
 */
export function locallyConnected(input: Grid, params: LocalParams, options?: ConvOptions): Grid {
  const checked = checkLocalArguments(input, params, options);
  const out = createGrid(checked.out.height, checked.out.width);
  forwardInto(input, params, checked, out);
  return out;
}

/** The forward pass for checked arguments, into `out`; terms summed in (a, b) order, then the bias added. */
function forwardInto(input: Grid, params: LocalParams, checked: CheckedLocal, out: Grid): void {
  const { stride, padding, dilation } = checked.options;
  const { kH, kW } = checked;
  const { height: inH, width: inW, data: x } = input;
  const { width: W, data: w } = params.weights;
  const bs = params.biases.data;
  const { height: outH, width: outW, data: y } = out;
  for (let i = 0; i < outH; i++) {
    const top = i * stride - padding;
    const [aFirst, aLast] = tapRange(top, kH, dilation, inH);
    for (let j = 0; j < outW; j++) {
      const left = j * stride - padding;
      const [bFirst, bLast] = tapRange(left, kW, dilation, inW);
      const p = i * outW + j;
      let s = 0;
      for (let a = aFirst; a <= aLast; a++) {
        const row = (top + a * dilation) * inW + left;
        const wRow = (i * kH + a) * W + j * kW;
        for (let b = bFirst; b <= bLast; b++) {
          s += (w[wRow + b] as number) * (x[row + b * dilation] as number);
        }
      }
      y[p] = (bs[p] as number) + s;
    }
  }
}

/**
 * Gradients of any scalar loss L through a locally connected layer, given `outputGrad` =
 * ∂L/∂out (the output's shape). Each position's filter gets only its own position's term.
 */
export function locallyConnectedBackward(
  input: Grid,
  params: LocalParams,
  outputGrad: Grid,
  options?: ConvOptions,
): LocalGradients {
  const checked = checkLocalArguments(input, params, options);
  checkShape("outputGrad", outputGrad, checked.out, "the output shape");
  const { stride, padding, dilation } = checked.options;
  const { kH, kW } = checked;
  const { height: inH, width: inW, data: x } = input;
  const { width: W, data: w } = params.weights;
  const { height: outH, width: outW, data: g } = outputGrad;
  const weightsGrad = createGrid(params.weights.height, params.weights.width);
  const inputGrad = createGrid(inH, inW);
  const wg = weightsGrad.data;
  const ig = inputGrad.data;
  for (let i = 0; i < outH; i++) {
    const top = i * stride - padding;
    for (let j = 0; j < outW; j++) {
      const left = j * stride - padding;
      const delta = g[i * outW + j] as number;
      for (let a = 0; a < kH; a++) {
        const r = top + a * dilation;
        const wRow = (i * kH + a) * W + j * kW;
        for (let b = 0; b < kW; b++) {
          const c = left + b * dilation;
          const inside = r >= 0 && r < inH && c >= 0 && c < inW;
          // Over the padding the cell is 0: the term is delta · 0, as positionContributions has it.
          wg[wRow + b] = delta * (inside ? (x[r * inW + c] as number) : 0);
          if (inside) {
            const cell = r * inW + c;
            ig[cell] = (ig[cell] as number) + delta * (w[wRow + b] as number);
          }
        }
      }
    }
  }
  return { weightsGrad, biasesGrad: createGrid(outH, outW, g.slice()), inputGrad };
}

/**
 * `steps` steps of plain SGD on the problem's loss (½ Σ (out − target)², summed or averaged):
 * `W_ij ← W_ij − learningRate · delta_ij · patch_ij`, `b_ij ← b_ij − learningRate · delta_ij`.
 * Every position learns from its own output alone. Arguments are checked once; the result
 * equals forward, squaredErrorGrad, locallyConnectedBackward and that update, step by step.
 */
export function trainLocallyConnected(
  problem: Problem,
  params: LocalParams,
  learningRate: number,
  steps: number,
): LocalTrainResult {
  if (typeof problem !== "object" || problem === null) {
    throw new RangeError(
      `problem must be an object {input, target, options, reduction}; got ${problem === null ? "null" : typeof problem}`,
    );
  }
  const checked = checkLocalArguments(problem.input, params, problem.options);
  checkShape("target", problem.target, checked.out, "the output shape");
  const reduction = checkReduction(problem.reduction);
  checkLearningRate(learningRate);
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`steps must be a whole number ≥ 0; got ${steps}`);
  }
  const { stride, padding, dilation } = checked.options;
  const { kH, kW } = checked;
  const { height: inH, width: inW, data: x } = problem.input;
  const t = problem.target.data;
  const { height: outH, width: outW } = checked.out;
  const W = params.weights.width;
  const n = outH * outW;
  const div = lossDivisor(reduction, n);
  // Two buffers: a step reads one and writes the other, so the last finite parameters survive.
  let w = params.weights.data.slice();
  let bs = params.biases.data.slice();
  let wNext = new Float64Array(w.length);
  let bNext = new Float64Array(bs.length);
  const losses = new Float64Array(steps);
  let done = 0;
  let diverged = false;
  for (; done < steps; done++) {
    wNext.set(w);
    let sq = 0;
    let finite = true;
    for (let i = 0; i < outH; i++) {
      const top = i * stride - padding;
      const [aFirst, aLast] = tapRange(top, kH, dilation, inH);
      for (let j = 0; j < outW; j++) {
        const left = j * stride - padding;
        const [bFirst, bLast] = tapRange(left, kW, dilation, inW);
        const p = i * outW + j;
        let taps = 0;
        for (let a = aFirst; a <= aLast; a++) {
          const row = (top + a * dilation) * inW + left;
          const wRow = (i * kH + a) * W + j * kW;
          for (let b = bFirst; b <= bLast; b++) {
            taps += (w[wRow + b] as number) * (x[row + b * dilation] as number);
          }
        }
        const s = (bs[p] as number) + taps;
        const e = s - (t[p] as number);
        sq += e * e;
        const delta = e / div;
        // Taps over the padding see 0: their gradient is 0 and they keep their value.
        for (let a = aFirst; a <= aLast; a++) {
          const row = (top + a * dilation) * inW + left;
          const wRow = (i * kH + a) * W + j * kW;
          for (let b = bFirst; b <= bLast; b++) {
            const v =
              (w[wRow + b] as number) - learningRate * (delta * (x[row + b * dilation] as number));
            wNext[wRow + b] = v;
            if (!Number.isFinite(v)) finite = false;
          }
        }
        const nb = (bs[p] as number) - learningRate * delta;
        bNext[p] = nb;
        if (!Number.isFinite(nb)) finite = false;
      }
    }
    const loss = reduction === "sum" ? 0.5 * sq : (0.5 * sq) / n;
    if (!finite || !Number.isFinite(loss)) {
      diverged = true;
      break;
    }
    losses[done] = loss;
    [w, wNext] = [wNext, w];
    [bs, bNext] = [bNext, bs];
  }
  return {
    params: {
      weights: createGrid(params.weights.height, W, w),
      biases: createGrid(outH, outW, bs),
    },
    losses: losses.slice(0, done),
    diverged,
  };
}

/**
 * A copy of `grid` moved `down` rows and `right` columns (negative moves up or left); cells
 * moved in from outside are 0 and cells moved past the edge are dropped.
 */
export function shiftGrid(grid: Grid, down: number, right: number): Grid {
  checkGrid("grid", grid);
  if (!Number.isInteger(down)) throw new RangeError(`down must be an integer; got ${down}`);
  if (!Number.isInteger(right)) throw new RangeError(`right must be an integer; got ${right}`);
  const { height, width, data } = grid;
  const out = createGrid(height, width);
  for (let r = Math.max(0, down); r < Math.min(height, height + down); r++) {
    for (let c = Math.max(0, right); c < Math.min(width, width + right); c++) {
      out.data[r * width + c] = data[(r - down) * width + (c - right)] as number;
    }
  }
  return out;
}
