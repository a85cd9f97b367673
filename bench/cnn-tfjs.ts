/** The default network in TensorFlow.js (CPU backend, float32) for bench/cnn.bench.ts. */
import { type CnnContender, type CnnProblem, convIndex, denseInputIndex } from "./cnn-layout";
import type { Tf } from "./tfjs";

type Tensor4D = import("@tensorflow/tfjs-core").Tensor4D;
type Scalar = import("@tensorflow/tfjs-core").Scalar;
type Variable = import("@tensorflow/tfjs-core").Variable;

export function tfjsContender(tf: Tf, p: CnnProblem): CnnContender {
  const { arch, params } = p.reference;
  const K = arch.conv1.filters;
  const inputs = arch.denseInputs;
  const w1 = new Float32Array(9 * K);
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const at = convIndex(arch, k, 0, a, b);
        w1[at.tfjs] = params.conv1.weights[at.engine] as number;
      }
    }
  }
  const wd = new Float32Array(inputs * 10);
  for (let o = 0; o < 10; o++) {
    for (let i = 0; i < inputs; i++) {
      wd[denseInputIndex(arch, i) * 10 + o] = params.dense.weights[o * inputs + i] as number;
    }
  }
  const conv1 = tf.variable(tf.tensor4d(w1, [3, 3, 1, K]));
  const bias1 = tf.variable(tf.tensor1d(Float32Array.from(params.conv1.bias)));
  const dense = tf.variable(tf.tensor2d(wd, [inputs, 10]));
  const biasD = tf.variable(tf.tensor1d(Float32Array.from(params.dense.bias)));
  const variables: Variable[] = [conv1, bias1, dense, biasD];
  const optimizer = tf.train.momentum(p.settings.learningRate, p.settings.momentum);
  const B = p.settings.batchSize;
  const pixels = new Float32Array(B * 1024);
  const onehot = new Float32Array(B * 10);
  let step = 0;
  return {
    name: "TensorFlow.js cpu (float32)",
    step: () => {
      const batch = p.batches[step++ % p.batches.length] as Int32Array;
      onehot.fill(0);
      batch.forEach((index, n) => {
        for (let i = 0; i < 1024; i++) {
          pixels[n * 1024 + i] = (p.data.pixels[index * 1024 + i] as number) / 255;
        }
        onehot[n * 10 + (p.data.labels[index] as number)] = 1;
      });
      tf.tidy(() => {
        const x = tf.tensor4d(pixels, [B, 32, 32, 1]);
        const y = tf.tensor2d(onehot, [B, 10]);
        optimizer.minimize(
          () => {
            const h = tf.maxPool(
              tf.relu(tf.add(tf.conv2d(x, conv1 as Tensor4D, 1, "valid"), bias1)) as Tensor4D,
              2,
              2,
              "valid",
            );
            const logits = tf.add(tf.matMul(tf.reshape(h, [B, inputs]), dense), biasD);
            return tf.mean(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1))) as Scalar;
          },
          false,
          variables,
        );
      });
    },
    params: () => {
      const out = new Float64Array(params.data.length);
      const l = arch.layout;
      const c = conv1.dataSync();
      for (let k = 0; k < K; k++) {
        for (let a = 0; a < 3; a++) {
          for (let b = 0; b < 3; b++) {
            const at = convIndex(arch, k, 0, a, b);
            out[l.conv1Weights + at.engine] = c[at.tfjs] as number;
          }
        }
      }
      out.set(bias1.dataSync(), l.conv1Bias);
      const d = dense.dataSync();
      for (let o = 0; o < 10; o++) {
        for (let i = 0; i < inputs; i++) {
          out[l.denseWeights + o * inputs + i] = d[denseInputIndex(arch, i) * 10 + o] as number;
        }
      }
      out.set(biasD.dataSync(), l.denseBias);
      return out;
    },
    dispose: () => {
      optimizer.dispose();
      tf.dispose(variables);
    },
  };
}
