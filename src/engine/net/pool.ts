import { checkBuffer, checkInteger } from "../cnn/checks";
import { maxPoolBackward, maxPoolForward, type PoolShape, poolShape } from "../cnn/maxPool";

/**
 * A pooling window of size x size moved by `stride` over each channel of `[C][H][W]`, no
 * padding, windows that would cross the edge dropped (as PyTorch's MaxPool2d and AvgPool2d
 * with their defaults): output `[C][⌊(H − size) / stride⌋ + 1][⌊(W − size) / stride⌋ + 1]`.
 */
export interface Pool2dShape {
  readonly channels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly size: number;
  readonly stride: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** Checks a pool's shape and derives its output; throws RangeError naming the field. */
export function pool2dShape(
  channels: number,
  inHeight: number,
  inWidth: number,
  size: number,
  stride: number,
): Pool2dShape {
  checkInteger("channels", channels, 1, 4096);
  checkInteger("size", size, 1, 8);
  checkInteger("stride", stride, 1, 8);
  checkInteger("inHeight", inHeight, size, 4096);
  checkInteger("inWidth", inWidth, size, 4096);
  return {
    channels,
    inHeight,
    inWidth,
    size,
    stride,
    outHeight: Math.floor((inHeight - size) / stride) + 1,
    outWidth: Math.floor((inWidth - size) / stride) + 1,
  };
}

/** The 2x2, stride 2 pool of today's network, which has an unrolled path of its own. */
function isPool2x2(s: Pool2dShape): boolean {
  return s.size === 2 && s.stride === 2;
}

/** The unrolled path's shape of each 2x2 pool, made once (a training step allocates nothing). */
const shapes2x2 = new WeakMap<Pool2dShape, PoolShape>();

function shape2x2(s: Pool2dShape): PoolShape {
  let shape = shapes2x2.get(s);
  if (shape === undefined) {
    shape = poolShape(s.channels, s.inHeight, s.inWidth);
    shapes2x2.set(s, shape);
  }
  return shape;
}

/**
 * Max-pool forward: each output cell is the largest of its window, and `winners` records
 * which input cell (its index in `input`) that was. Ties: the first maximum in the window's
 * row-major order wins (a later cell must be strictly greater), as PyTorch's CPU kernel does.
 */
export function maxPool2dForward(
  s: Pool2dShape,
  input: Float64Array,
  out: Float64Array,
  winners: Int32Array,
): void {
  if (isPool2x2(s)) {
    maxPoolForward(shape2x2(s), input, out, winners);
    return;
  }
  const { channels: C, inHeight: H, inWidth: W, size, stride, outHeight: oh, outWidth: ow } = s;
  checkBuffer("input", input, C * H * W);
  checkBuffer("out", out, C * oh * ow);
  let o = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const first = (c * H + i * stride) * W + j * stride;
        let best = first;
        let max = input[first] as number;
        for (let a = 0; a < size; a++) {
          for (let b = 0; b < size; b++) {
            const cell = first + a * W + b;
            const v = input[cell] as number;
            if (v > max) {
              max = v;
              best = cell;
            }
          }
        }
        out[o] = max;
        winners[o] = best;
        o++;
      }
    }
  }
}

/**
 * Max-pool backward: the whole δ of each output cell goes to the cell that won its window.
 * Windows overlap when the stride is smaller than the size: a cell that won several windows
 * receives the sum of their δ, added in output order. Writes `inputGrad`.
 */
export function maxPool2dBackward(
  s: Pool2dShape,
  winners: Int32Array,
  outputGrad: Float64Array,
  inputGrad: Float64Array,
): void {
  if (isPool2x2(s)) {
    maxPoolBackward(shape2x2(s), winners, outputGrad, inputGrad);
    return;
  }
  checkBuffer("outputGrad", outputGrad, s.channels * s.outHeight * s.outWidth);
  checkBuffer("inputGrad", inputGrad, s.channels * s.inHeight * s.inWidth);
  inputGrad.fill(0);
  for (let o = 0; o < outputGrad.length; o++) {
    const cell = winners[o] as number;
    inputGrad[cell] = (inputGrad[cell] as number) + (outputGrad[o] as number);
  }
}

/**
 * Average-pool forward: each output cell is the sum of its window, in row-major order,
 * divided by size² (every window lies inside the input, so every divisor is size²).
 */
export function avgPool2dForward(s: Pool2dShape, input: Float64Array, out: Float64Array): void {
  const { channels: C, inHeight: H, inWidth: W, size, stride, outHeight: oh, outWidth: ow } = s;
  checkBuffer("input", input, C * H * W);
  checkBuffer("out", out, C * oh * ow);
  const area = size * size;
  let o = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const first = (c * H + i * stride) * W + j * stride;
        let sum = 0;
        for (let a = 0; a < size; a++) {
          for (let b = 0; b < size; b++) sum += input[first + a * W + b] as number;
        }
        out[o++] = sum / area;
      }
    }
  }
}

/**
 * Average-pool backward: each output cell's δ / size² goes to every cell of its window (its
 * share of the mean); overlapping windows add their shares, in output order. Writes `inputGrad`.
 */
export function avgPool2dBackward(
  s: Pool2dShape,
  outputGrad: Float64Array,
  inputGrad: Float64Array,
): void {
  const { channels: C, inHeight: H, inWidth: W, size, stride, outHeight: oh, outWidth: ow } = s;
  checkBuffer("outputGrad", outputGrad, C * oh * ow);
  checkBuffer("inputGrad", inputGrad, C * H * W);
  inputGrad.fill(0);
  const area = size * size;
  let o = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const share = (outputGrad[o++] as number) / area;
        const first = (c * H + i * stride) * W + j * stride;
        for (let a = 0; a < size; a++) {
          for (let b = 0; b < size; b++) {
            const cell = first + a * W + b;
            inputGrad[cell] = (inputGrad[cell] as number) + share;
          }
        }
      }
    }
  }
}
