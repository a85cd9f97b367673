/**
 * The CNN layers and the whole network against TensorFlow.js (CPU backend, float32, so
 * values agree to a relative 1e-4 with a floor of 1 near zero, not to the bit): forward
 * passes, and the gradients of L = Σ r ⊙ out (r = the δ from above) for each layer, and of
 * the mean cross-entropy of a batch for the network with and without its second layer.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { beforeAll, describe, expect, test } from "vitest";
import {
  backwardImage,
  type CnnArchitecture,
  cnnArchitecture,
  convBackward,
  convForward,
  createWorkspace,
  denseBackward,
  denseForward,
  forwardImage,
  initParams,
  maxPoolBackward,
  maxPoolForward,
  paramViews,
  poolShape,
  reluBackward,
  reluForward,
  softmaxCrossEntropy,
} from "../../../../src/engine";
import { expectClose } from "../compare";
import {
  type ConvLayerCase,
  describeConv,
  fromHwc,
  fromHwio,
  mulberry32,
  randomArray,
  randomConvCase,
  randomInt,
  toHwc,
  toHwio,
} from "./cases";

const TOLERANCE = 1e-4;

/** Runs `f` in tf.tidy (disposing every tensor it makes) and returns its plain result. */
function tidy<T>(f: () => T): T {
  let result: T | undefined;
  tf.tidy(() => {
    result = f();
  });
  return result as T;
}

beforeAll(async () => {
  tf.enableProdMode(); // only silences the "install tfjs-node" notice
  await tf.setBackend("cpu");
  expect(tf.getBackend()).toBe("cpu");
});

const convCases = [
  ...Array.from({ length: 24 }, (_, i) => randomConvCase(mulberry32(13_100 + i))),
  ...Array.from({ length: 8 }, (_, i) => randomConvCase(mulberry32(13_200 + i), true)),
  ...Array.from({ length: 8 }, (_, i) => randomConvCase(mulberry32(13_300 + i), i % 2 === 0, true)),
];

function tfConv(c: ConvLayerCase, x: tf.Tensor, f: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const p = c.shape.padding;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ];
  return tf.add(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.shape.stride, pad), b);
}

describe("convForward and convBackward match tf.conv2d and its gradients", () => {
  test("the cases cover every stride and padding, and the 3x3 path", () => {
    expect(new Set(convCases.map((c) => c.shape.stride)).size).toBe(4);
    expect(new Set(convCases.map((c) => c.shape.padding)).size).toBe(4);
    expect(convCases.some((c) => c.shape.inChannels > 1 && c.shape.filters > 1)).toBe(true);
  });

  test.each(convCases.map((c) => [describeConv(c.shape), c] as const))("%s", (_name, c) => {
    const s = c.shape;
    const out = new Float64Array(s.filters * s.outHeight * s.outWidth);
    convForward(s, c.input, c.weights, c.bias, out);
    const weightGrad = new Float64Array(c.weights.length);
    const biasGrad = new Float64Array(s.filters);
    const inputGrad = new Float64Array(c.input.length);
    convBackward(s, c.input, c.weights, c.outputGrad, weightGrad, biasGrad, inputGrad);
    const theirs = tidy(() => {
      const x = tf.tensor4d(toHwc(c.input, s.inChannels, s.inHeight, s.inWidth), [
        1,
        s.inHeight,
        s.inWidth,
        s.inChannels,
      ]);
      const f = tf.tensor4d(
        toHwio(c.weights, s.filters, s.inChannels, s.kernelHeight, s.kernelWidth),
        [s.kernelHeight, s.kernelWidth, s.inChannels, s.filters],
      );
      const b = tf.tensor1d(Float32Array.from(c.bias));
      const r = tf.tensor4d(toHwc(c.outputGrad, s.filters, s.outHeight, s.outWidth), [
        1,
        s.outHeight,
        s.outWidth,
        s.filters,
      ]);
      const y = tfConv(c, x, f, b);
      const [dx, df, db] = tf.grads((xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(tfConv(c, xx, ff, bb), r)),
      )([x, f, b]);
      return {
        out: fromHwc(y.dataSync(), s.filters, s.outHeight, s.outWidth),
        input: fromHwc(dx?.dataSync() ?? [], s.inChannels, s.inHeight, s.inWidth),
        weights: fromHwio(
          df?.dataSync() ?? [],
          s.filters,
          s.inChannels,
          s.kernelHeight,
          s.kernelWidth,
        ),
        bias: Float64Array.from(db?.dataSync() ?? []),
      };
    });
    expectClose(out, theirs.out, TOLERANCE, "out");
    expectClose(weightGrad, theirs.weights, TOLERANCE, "weightGrad");
    expectClose(biasGrad, theirs.bias, TOLERANCE, "biasGrad");
    expectClose(inputGrad, theirs.input, TOLERANCE, "inputGrad");
  });
});

describe("ReLU, max-pool, dense and softmax cross-entropy match TensorFlow.js", () => {
  test.each(Array.from({ length: 12 }, (_, i) => i))("relu and max-pool, case %i", (i) => {
    const rand = mulberry32(13_400 + i);
    const s = poolShape(randomInt(rand, 1, 4), randomInt(rand, 2, 11), randomInt(rand, 2, 11));
    const input = randomArray(rand, s.channels * s.inHeight * s.inWidth);
    const r = randomArray(rand, s.channels * s.outHeight * s.outWidth);
    const relu = new Float64Array(input.length);
    reluForward(input, relu);
    const pooled = new Float64Array(r.length);
    const winners = new Int32Array(r.length);
    maxPoolForward(s, relu, pooled, winners);
    const reluGrad = new Float64Array(input.length);
    maxPoolBackward(s, winners, r, reluGrad);
    const inputGrad = new Float64Array(input.length);
    reluBackward(input, reluGrad, inputGrad);
    const theirs = tidy(() => {
      const shape: [number, number, number, number] = [1, s.inHeight, s.inWidth, s.channels];
      const x = tf.tensor4d(toHwc(input, s.channels, s.inHeight, s.inWidth), shape);
      const rr = tf.tensor4d(toHwc(r, s.channels, s.outHeight, s.outWidth), [
        1,
        s.outHeight,
        s.outWidth,
        s.channels,
      ]);
      const f = (xx: tf.Tensor) => tf.maxPool(tf.relu(xx) as tf.Tensor4D, 2, 2, "valid");
      const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), rr)))(x);
      return {
        relu: fromHwc(tf.relu(x).dataSync(), s.channels, s.inHeight, s.inWidth),
        pooled: fromHwc(f(x).dataSync(), s.channels, s.outHeight, s.outWidth),
        input: fromHwc(dx.dataSync(), s.channels, s.inHeight, s.inWidth),
      };
    });
    expectClose(relu, theirs.relu, TOLERANCE, "relu");
    expectClose(pooled, theirs.pooled, TOLERANCE, "pooled");
    expectClose(inputGrad, theirs.input, TOLERANCE, "inputGrad");
  });

  test.each(Array.from({ length: 8 }, (_, i) => i))(
    "dense and softmax cross-entropy, case %i",
    (i) => {
      const rand = mulberry32(13_500 + i);
      const n = randomInt(rand, 1, 40);
      const outputs = randomInt(rand, 2, 12);
      const label = randomInt(rand, 0, outputs - 1);
      const input = randomArray(rand, n);
      for (let j = 0; j < n; j++) if (rand() < 0.5) input[j] = 0; // zero inputs are skipped
      const weights = randomArray(rand, outputs * n, -3, 3);
      const bias = randomArray(rand, outputs);
      const logits = new Float64Array(outputs);
      denseForward(input, weights, bias, logits);
      const probabilities = new Float64Array(outputs);
      const logitsGrad = new Float64Array(outputs);
      const loss = softmaxCrossEntropy(logits, label, probabilities, logitsGrad);
      const weightGrad = new Float64Array(weights.length);
      const biasGrad = new Float64Array(outputs);
      const inputGrad = new Float64Array(n);
      denseBackward(input, weights, logitsGrad, weightGrad, biasGrad, inputGrad);
      const theirs = tidy(() => {
        const x = tf.tensor2d(Float32Array.from(input), [1, n]);
        const w = tf.transpose(tf.tensor2d(Float32Array.from(weights), [outputs, n]));
        const b = tf.tensor1d(Float32Array.from(bias));
        const onehot = tf.oneHot(tf.tensor1d([label], "int32"), outputs);
        const lossOf = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
          tf.neg(
            tf.sum(
              tf.mul(
                onehot,
                tf.logSoftmax(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb)),
              ),
            ),
          );
        const [dx, dw, db] = tf.grads(lossOf)([x, w, b]);
        const z = tf.add(tf.matMul(x, w), b);
        return {
          logits: z.dataSync(),
          probabilities: tf.softmax(z).dataSync(),
          loss: lossOf(x, w, b).dataSync(),
          input: dx?.dataSync() ?? [],
          weights: tf.transpose(dw as tf.Tensor2D).dataSync(),
          bias: db?.dataSync() ?? [],
        };
      });
      expectClose(logits, theirs.logits, TOLERANCE, "logits");
      expectClose(probabilities, theirs.probabilities, TOLERANCE, "probabilities");
      expectClose([loss], theirs.loss, TOLERANCE, "loss");
      expectClose(inputGrad, theirs.input, TOLERANCE, "inputGrad");
      expectClose(weightGrad, theirs.weights, TOLERANCE, "weightGrad");
      expectClose(biasGrad, theirs.bias, TOLERANCE, "biasGrad");
    },
  );
});

/** The engine's batch gradient (mean reduction) of `images` and the loss. */
function engineBatch(
  arch: CnnArchitecture,
  seed: number,
  images: Float64Array[],
  labels: number[],
) {
  const params = initParams(arch, seed);
  // Non-zero biases, so that a bias that reached the wrong place would show.
  for (const block of [params.conv1, params.conv2, params.dense]) {
    if (block !== null)
      block.bias.forEach((_, k) => {
        block.bias[k] = 0.05 * (k % 3) - 0.04;
      });
  }
  const grads = paramViews(arch);
  const ws = createWorkspace(arch);
  let loss = 0;
  images.forEach((image, n) => {
    ws.input.set(image);
    forwardImage(arch, params, ws);
    loss += backwardImage(arch, params, ws, labels[n] as number, 1 / images.length, grads);
  });
  return { params, grads, loss: loss / images.length };
}

describe("the whole network's batch gradient matches tf.grads of the mean cross-entropy", () => {
  const configs = [
    { filters: 8, filters2: 0, stride: 1, padding: 0 },
    { filters: 3, filters2: 4, stride: 1, padding: 0 },
    { filters: 2, filters2: 3, stride: 1, padding: 1 },
    { filters: 4, filters2: 0, stride: 2, padding: 3 },
  ];
  test.each(configs.map((c) => [JSON.stringify(c), c] as const))("%s", (_name, config) => {
    const arch = cnnArchitecture(config);
    const rand = mulberry32(13_600);
    const images = Array.from({ length: 3 }, () => randomArray(rand, 1024, 0, 1));
    const labels = [3, 7, 0];
    const ours = engineBatch(arch, 99, images, labels);
    const { conv1, pool1, conv2, pool2 } = arch;
    const last = pool2 ?? pool1;
    const theirs = tidy(() => {
      const x = tf.tensor4d(
        Float32Array.from(images.flatMap((im) => Array.from(im))),
        [3, 32, 32, 1],
      );
      const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
      const p = ours.params;
      const w1 = tf.tensor4d(toHwio(p.conv1.weights, conv1.filters, 1, 3, 3), [
        3,
        3,
        1,
        conv1.filters,
      ]);
      const b1 = tf.tensor1d(Float32Array.from(p.conv1.bias));
      const w2 =
        conv2 === null || p.conv2 === null
          ? tf.zeros([1])
          : tf.tensor4d(toHwio(p.conv2.weights, conv2.filters, conv2.inChannels, 3, 3), [
              3,
              3,
              conv2.inChannels,
              conv2.filters,
            ]);
      const b2 = p.conv2 === null ? tf.zeros([1]) : tf.tensor1d(Float32Array.from(p.conv2.bias));
      // Engine dense weights [10][C·H·W] → tfjs [H·W·C][10], matching tfjs's channel-last flatten.
      const n = arch.denseInputs;
      const wd = new Float32Array(n * 10);
      for (let o = 0; o < 10; o++) {
        const row = toHwc(
          p.dense.weights.subarray(o * n, (o + 1) * n),
          last.channels,
          last.outHeight,
          last.outWidth,
        );
        row.forEach((v, i) => {
          wd[i * 10 + o] = v;
        });
      }
      const dW = tf.tensor2d(wd, [n, 10]);
      const dB = tf.tensor1d(Float32Array.from(p.dense.bias));
      const pad = (
        q: number,
      ): [[number, number], [number, number], [number, number], [number, number]] => [
        [0, 0],
        [q, q],
        [q, q],
        [0, 0],
      ];
      const lossOf = (...v: tf.Tensor[]) => {
        const [cw1, cb1, cw2, cb2, dw, db] = v as [
          tf.Tensor4D,
          tf.Tensor,
          tf.Tensor4D,
          tf.Tensor,
          tf.Tensor2D,
          tf.Tensor,
        ];
        let h = tf.maxPool(
          tf.relu(tf.add(tf.conv2d(x, cw1, conv1.stride, pad(conv1.padding)), cb1)) as tf.Tensor4D,
          2,
          2,
          "valid",
        );
        if (conv2 !== null) {
          h = tf.maxPool(
            tf.relu(
              tf.add(tf.conv2d(h, cw2, conv2.stride, pad(conv2.padding)), cb2),
            ) as tf.Tensor4D,
            2,
            2,
            "valid",
          );
        }
        const logits = tf.add(tf.matMul(tf.reshape(h, [3, n]), dw), db);
        return tf.mean(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)));
      };
      // tf.grads refuses a variable the loss does not use: without conv2, w2 and b2 stay out.
      const vars = conv2 === null ? [w1, b1, dW, dB] : [w1, b1, w2, b2, dW, dB];
      const lossOfVars = (...v: tf.Tensor[]) =>
        conv2 === null
          ? lossOf(
              v[0] as tf.Tensor,
              v[1] as tf.Tensor,
              w2,
              b2,
              v[2] as tf.Tensor,
              v[3] as tf.Tensor,
            )
          : lossOf(...v);
      const grads = tf
        .grads(lossOfVars)(vars)
        .map((g) => g.dataSync());
      const [g1, gb1, g2, gb2, gd, gbd] =
        conv2 === null ? [grads[0], grads[1], undefined, undefined, grads[2], grads[3]] : grads;
      const dense = new Float64Array(n * 10);
      for (let o = 0; o < 10; o++) {
        const column = Float64Array.from(
          { length: n },
          (_, i) => (gd as Float32Array)[i * 10 + o] as number,
        );
        dense.set(fromHwc(column, last.channels, last.outHeight, last.outWidth), o * n);
      }
      return {
        loss: lossOf(w1, b1, w2, b2, dW, dB).dataSync(),
        conv1: fromHwio(g1 as Float32Array, conv1.filters, 1, 3, 3),
        conv1Bias: gb1 as Float32Array,
        conv2:
          conv2 === null
            ? null
            : fromHwio(g2 as Float32Array, conv2.filters, conv2.inChannels, 3, 3),
        conv2Bias: gb2 as Float32Array,
        dense,
        denseBias: gbd as Float32Array,
      };
    });
    expectClose([ours.loss], theirs.loss, TOLERANCE, "loss");
    expectClose(ours.grads.conv1.weights, theirs.conv1, TOLERANCE, "conv1 weightGrad");
    expectClose(ours.grads.conv1.bias, theirs.conv1Bias, TOLERANCE, "conv1 biasGrad");
    if (ours.grads.conv2 !== null && theirs.conv2 !== null) {
      expectClose(ours.grads.conv2.weights, theirs.conv2, TOLERANCE, "conv2 weightGrad");
      expectClose(ours.grads.conv2.bias, theirs.conv2Bias, TOLERANCE, "conv2 biasGrad");
    }
    expectClose(ours.grads.dense.weights, theirs.dense, TOLERANCE, "dense weightGrad");
    expectClose(ours.grads.dense.bias, theirs.denseBias, TOLERANCE, "dense biasGrad");
  });
});
