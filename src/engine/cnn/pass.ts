import { checkBuffer, checkNumberIn } from "./checks";
import { convForward } from "./conv";
import { convBackward } from "./convBackward";
import { denseBackward, denseForward } from "./dense";
import { maxPoolBackward, maxPoolForward } from "./maxPool";
import { CLASSES, type CnnArchitecture, type CnnParams, IMAGE_SIDE } from "./network";
import { reluBackwardAt, reluForward } from "./relu";
import { softmaxCrossEntropy } from "./softmaxCrossEntropy";

/** One convolution block's activations and deltas for one image (all `[C][H][W]`). */
export interface ConvBlockTrace {
  /** The convolution's output z, before the ReLU. */
  readonly out: Float64Array;
  /** ReLU(z). */
  readonly relu: Float64Array;
  /** The 2x2 max-pool of ReLU(z). */
  readonly pool: Float64Array;
  /** For each pooled cell, the index in `relu` of the cell that won its window. */
  readonly winners: Int32Array;
  /** δ at the pool's output: ∂L/∂pool (what the layer above sends back). */
  readonly poolGrad: Float64Array;
  /** δ at the ReLU's output, routed by the pool: non-zero only at winning cells. */
  readonly reluGrad: Float64Array;
  /** δ at the convolution's output, ∂L/∂z: reluGrad where z > 0, else 0. The filters' δ. */
  readonly outGrad: Float64Array;
}

/**
 * Every buffer of one image's forward and backward pass, allocated once and reused, so a
 * training step allocates nothing. Also what a view shows of a chosen image.
 */
export interface CnnWorkspace {
  /** The input image `[1][32][32]`, values in [0, 1]. */
  readonly input: Float64Array;
  /** The first convolution block. */
  readonly conv1: ConvBlockTrace;
  /** The second convolution block, or null. */
  readonly conv2: ConvBlockTrace | null;
  /** The ten logits z. */
  readonly logits: Float64Array;
  /** softmax(z): the ten class probabilities. */
  readonly probabilities: Float64Array;
  /** δ at the logits: scale · (p − onehot(label)). */
  readonly logitsGrad: Float64Array;
}

function blockTrace(size: number, pooled: number): ConvBlockTrace {
  return {
    out: new Float64Array(size),
    relu: new Float64Array(size),
    pool: new Float64Array(pooled),
    winners: new Int32Array(pooled),
    poolGrad: new Float64Array(pooled),
    reluGrad: new Float64Array(size),
    outGrad: new Float64Array(size),
  };
}

/** Buffers for one image's pass through the given architecture. */
export function createWorkspace(arch: CnnArchitecture): CnnWorkspace {
  const { conv1, pool1, conv2, pool2 } = arch;
  const size = (s: { filters: number; outHeight: number; outWidth: number }) =>
    s.filters * s.outHeight * s.outWidth;
  const pooled = (p: { channels: number; outHeight: number; outWidth: number }) =>
    p.channels * p.outHeight * p.outWidth;
  return {
    input: new Float64Array(IMAGE_SIDE * IMAGE_SIDE),
    conv1: blockTrace(size(conv1), pooled(pool1)),
    conv2: conv2 === null || pool2 === null ? null : blockTrace(size(conv2), pooled(pool2)),
    logits: new Float64Array(CLASSES),
    probabilities: new Float64Array(CLASSES),
    logitsGrad: new Float64Array(CLASSES),
  };
}

/** Forward pass of `ws.input`: fills every activation of the workspace, up to the logits. */
export function forwardImage(arch: CnnArchitecture, params: CnnParams, ws: CnnWorkspace): void {
  const b1 = ws.conv1;
  convForward(arch.conv1, ws.input, params.conv1.weights, params.conv1.bias, b1.out);
  reluForward(b1.out, b1.relu);
  maxPoolForward(arch.pool1, b1.relu, b1.pool, b1.winners);
  let last = b1.pool;
  const b2 = ws.conv2;
  if (arch.conv2 !== null && arch.pool2 !== null && params.conv2 !== null && b2 !== null) {
    convForward(arch.conv2, b1.pool, params.conv2.weights, params.conv2.bias, b2.out);
    reluForward(b2.out, b2.relu);
    maxPoolForward(arch.pool2, b2.relu, b2.pool, b2.winners);
    last = b2.pool;
  }
  denseForward(last, params.dense.weights, params.dense.bias, ws.logits);
}

/**
 * The loss of the image last passed forward, against `label`, and its backward pass: fills
 * every δ of the workspace and adds this image's parameter gradients to `grads` (each block
 * as one sum per image, see convBackward). `scale` multiplies the loss's gradient: 1 when
 * the batch loss is a sum, 1/N when it is a mean. Returns the image's (unscaled) loss.
 */
export function backwardImage(
  arch: CnnArchitecture,
  params: CnnParams,
  ws: CnnWorkspace,
  label: number,
  scale: number,
  grads: CnnParams,
): number {
  checkNumberIn("scale", scale, 0, 1);
  checkBuffer("grads.data", grads.data, params.data.length);
  const loss = softmaxCrossEntropy(ws.logits, label, ws.probabilities, ws.logitsGrad, scale);
  const b1 = ws.conv1;
  const b2 = ws.conv2;
  const top = b2 ?? b1;
  denseBackward(
    top.pool,
    params.dense.weights,
    ws.logitsGrad,
    grads.dense.weights,
    grads.dense.bias,
    top.poolGrad,
  );
  if (b2 !== null && arch.conv2 !== null && arch.pool2 !== null && params.conv2 !== null) {
    maxPoolBackward(arch.pool2, b2.winners, b2.poolGrad, b2.reluGrad);
    // The pool left δ only at its winners: the ReLU need look nowhere else.
    reluBackwardAt(b2.out, b2.reluGrad, b2.outGrad, b2.winners);
    const g2 = grads.conv2;
    if (g2 === null) throw new RangeError("grads must have the network's conv2 block");
    convBackward(
      arch.conv2,
      b1.pool,
      params.conv2.weights,
      b2.outGrad,
      g2.weights,
      g2.bias,
      b1.poolGrad,
    );
  }
  maxPoolBackward(arch.pool1, b1.winners, b1.poolGrad, b1.reluGrad);
  reluBackwardAt(b1.out, b1.reluGrad, b1.outGrad, b1.winners);
  // The input image has no layer below: its δ is not needed.
  convBackward(
    arch.conv1,
    ws.input,
    params.conv1.weights,
    b1.outGrad,
    grads.conv1.weights,
    grads.conv1.bias,
    null,
  );
  return loss;
}
