/**
 * Any network of the general engine as TensorFlow.js (CPU backend, float32) and convnetjs
 * (float64) models with the same weights, for bench/network.bench.ts. Both libraries keep
 * activations channel-last (height, width, channel), the engine channel-first; `weightMap`
 * says where each engine parameter lives in theirs.
 */
import convnetjs from "convnetjs";
import type { LabelledImages, Network, TrainSettings } from "../src/engine";
import type { CnnContender } from "./cnn-layout";
import type { Tf } from "./tfjs";

type Tensor = import("@tensorflow/tfjs-core").Tensor;
type Tensor4D = import("@tensorflow/tfjs-core").Tensor4D;
type Tensor2D = import("@tensorflow/tfjs-core").Tensor2D;
type Scalar = import("@tensorflow/tfjs-core").Scalar;
type Variable = import("@tensorflow/tfjs-core").Variable;

export interface NetworkProblem {
  readonly net: Network;
  readonly params: Float64Array;
  readonly data: LabelledImages;
  readonly settings: TrainSettings;
  /** Each step's image indices, cycled through. */
  readonly batches: readonly Int32Array[];
}

/** For one weighted layer: the engine's offsets and the channel-last index of each weight. */
interface LayerMap {
  readonly layer: number;
  readonly weights: number;
  readonly bias: number;
  readonly outputs: number;
  /** Engine weight j (within the layer) → index in the channel-last [inputs…][outputs] layout. */
  readonly channelLast: Int32Array;
  /** The shape of the channel-last weight tensor. */
  readonly shape: number[];
}

/**
 * Where each weight of each layer goes: a conv's [K][C][kh][kw] becomes [kh][kw][C][K]; a
 * dense layer's [units][inputs] becomes [inputs][units], its inputs renumbered channel-last
 * when it reads a flattened map ((y·W + x)·C + c instead of (c·H + y)·W + x).
 */
export function weightMap(net: Network): LayerMap[] {
  const maps: LayerMap[] = [];
  let spatial = net.spec.input;
  net.plans.forEach((plan, i) => {
    if (plan.type === "conv2d") {
      const { filters: K, inChannels: C, kernelHeight: kh, kernelWidth: kw } = plan.conv;
      const channelLast = new Int32Array(K * C * kh * kw);
      for (let k = 0; k < K; k++)
        for (let c = 0; c < C; c++)
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++)
              channelLast[((k * C + c) * kh + a) * kw + b] = ((a * kw + b) * C + c) * K + k;
      maps.push({
        layer: i,
        weights: plan.weights,
        bias: plan.bias,
        outputs: K,
        channelLast,
        shape: [kh, kw, C, K],
      });
    } else if (plan.type === "dense") {
      const { units, inputs } = plan;
      const flat = net.plans[i - 1]?.type === "flatten";
      const { channels: C, height: H, width: W } = spatial;
      const channelLast = new Int32Array(units * inputs);
      for (let o = 0; o < units; o++) {
        for (let n = 0; n < inputs; n++) {
          const c = Math.floor(n / (H * W));
          const y = Math.floor((n % (H * W)) / W);
          const x = n % W;
          const input = flat ? (y * W + x) * C + c : n;
          channelLast[o * inputs + n] = input * units + o;
        }
      }
      maps.push({
        layer: i,
        weights: plan.weights,
        bias: plan.bias,
        outputs: units,
        channelLast,
        shape: [inputs, units],
      });
    }
    if (plan.type !== "flatten") {
      const s = net.shapes[i];
      if (s !== undefined && !net.flat[i]) spatial = s;
    }
  });
  return maps;
}

function pixelsOf(
  p: NetworkProblem,
  index: number,
  out: Float32Array | Float64Array,
  at: number,
): void {
  const side = p.data.pixels.length / p.data.count;
  for (let i = 0; i < side; i++) out[at + i] = (p.data.pixels[index * side + i] as number) / 255;
}

/** The network in TensorFlow.js: tf.train.momentum minimising the batch's mean cross-entropy. */
export function tfjsNetwork(tf: Tf, p: NetworkProblem): CnnContender {
  const maps = weightMap(p.net);
  const variables: Variable[] = [];
  const byLayer = new Map<number, { w: Variable; b: Variable }>();
  for (const m of maps) {
    const values = new Float32Array(m.channelLast.length);
    for (let j = 0; j < values.length; j++)
      values[m.channelLast[j] as number] = p.params[m.weights + j] as number;
    const w = tf.variable(tf.tensor(values, m.shape));
    const b = tf.variable(
      tf.tensor1d(Float32Array.from(p.params.subarray(m.bias, m.bias + m.outputs))),
    );
    variables.push(w, b);
    byLayer.set(m.layer, { w, b });
  }
  const { channels: C, height: H, width: W } = p.net.spec.input;
  const B = p.settings.batchSize;
  const classes = p.net.paramCount === 0 ? 0 : (p.net.shapes.at(-1)?.channels ?? 0);
  const optimizer = tf.train.momentum(p.settings.learningRate, p.settings.momentum);
  const pixels = new Float32Array(B * C * H * W);
  const onehot = new Float32Array(B * classes);
  let step = 0;
  const forward = (x: Tensor): Tensor => {
    let h = x;
    p.net.plans.forEach((plan, i) => {
      const v = byLayer.get(i);
      switch (plan.type) {
        case "conv2d": {
          const c = plan.conv;
          const padded =
            c.padding === 0
              ? h
              : tf.pad(h as Tensor4D, [
                  [0, 0],
                  [c.padding, c.padding],
                  [c.padding, c.padding],
                  [0, 0],
                ]);
          h = tf.add(
            tf.conv2d(padded as Tensor4D, v?.w as Tensor4D, c.stride, "valid", "NHWC", c.dilation),
            v?.b as Tensor,
          );
          break;
        }
        case "relu":
          h = tf.relu(h);
          break;
        case "maxpool2d":
          h = tf.maxPool(h as Tensor4D, plan.pool.size, plan.pool.stride, "valid");
          break;
        case "avgpool2d":
          h = tf.avgPool(h as Tensor4D, plan.pool.size, plan.pool.stride, "valid");
          break;
        case "flatten":
          h = tf.reshape(h, [B, -1]);
          break;
        case "dense":
          h = tf.add(tf.matMul(h as Tensor2D, v?.w as Tensor2D), v?.b as Tensor);
          break;
      }
    });
    return h;
  };
  return {
    name: "TensorFlow.js cpu (float32)",
    step: () => {
      const batch = p.batches[step++ % p.batches.length] as Int32Array;
      onehot.fill(0);
      batch.forEach((index, n) => {
        pixelsOf(p, index, pixels, n * C * H * W);
        onehot[n * classes + (p.data.labels[index] as number)] = 1;
      });
      tf.tidy(() => {
        const x = tf.tensor4d(pixels, [B, H, W, C]);
        const y = tf.tensor2d(onehot, [B, classes]);
        optimizer.minimize(
          () =>
            tf.mean(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(forward(x) as Tensor2D)), 1))) as Scalar,
          false,
          variables,
        );
      });
    },
    params: () => {
      const out = new Float64Array(p.net.paramCount);
      for (const m of maps) {
        const v = byLayer.get(m.layer);
        const w = v?.w.dataSync() ?? new Float32Array();
        for (let j = 0; j < m.channelLast.length; j++)
          out[m.weights + j] = w[m.channelLast[j] as number] as number;
        out.set(v?.b.dataSync() ?? [], m.bias);
      }
      return out;
    },
    dispose: () => {
      optimizer.dispose();
      tf.dispose(variables);
    },
  };
}

interface Weights {
  w: Float64Array;
}
interface ConvnetLayer {
  layer_type: string;
  filters?: Weights[];
  biases?: Weights;
}
interface ConvnetNet {
  layers: ConvnetLayer[];
  makeLayers(defs: object[]): void;
}
interface ConvnetLib {
  Net: new () => ConvnetNet;
  Trainer: new (
    net: ConvnetNet,
    options: object,
  ) => { train(x: InstanceType<typeof convnetjs.Vol>, label: number): unknown };
}

/**
 * The network in convnetjs, or null when it has what convnetjs lacks (dilation, average
 * pooling, a kernel that is not square): its Net and its Trainer (sgd with momentum, the
 * gradient divided by the batch size: the same step).
 */
export function convnetjsNetwork(p: NetworkProblem): CnnContender | null {
  const defs: object[] = [];
  const { channels, height, width } = p.net.spec.input;
  defs.push({ type: "input", out_sx: width, out_sy: height, out_depth: channels });
  const last = p.net.plans.length - 1;
  for (const [i, plan] of p.net.plans.entries()) {
    if (plan.type === "conv2d") {
      const c = plan.conv;
      if (c.dilation !== 1 || c.kernelHeight !== c.kernelWidth) return null;
      defs.push({
        type: "conv",
        sx: c.kernelWidth,
        filters: c.filters,
        stride: c.stride,
        pad: c.padding,
      });
    } else if (plan.type === "relu") defs.push({ type: "relu" });
    else if (plan.type === "maxpool2d")
      defs.push({ type: "pool", sx: plan.pool.size, stride: plan.pool.stride });
    else if (plan.type === "avgpool2d") return null;
    else if (plan.type === "dense") {
      defs.push(
        i === last
          ? { type: "softmax", num_classes: plan.units }
          : { type: "fc", num_neurons: plan.units },
      );
    }
  }
  const lib = convnetjs as unknown as ConvnetLib;
  const net = new lib.Net();
  net.makeLayers(defs);
  const weighted = net.layers.filter((l) => l.layer_type === "conv" || l.layer_type === "fc");
  const maps = weightMap(p.net);
  if (weighted.length !== maps.length) throw new Error("convnetjs built another network");
  const copy = (toEngine: boolean, out: Float64Array) => {
    maps.forEach((m, n) => {
      const layer = weighted[n] as ConvnetLayer;
      const filters = layer.filters as Weights[];
      const per = m.channelLast.length / m.outputs;
      for (let j = 0; j < m.channelLast.length; j++) {
        // Channel-last index → (input position, output); convnetjs keeps one Vol per output.
        const at = m.channelLast[j] as number;
        const o = at % m.outputs;
        const input = Math.floor(at / m.outputs);
        const f = filters[o] as Weights;
        if (input >= per) throw new Error("weight outside its filter");
        if (toEngine) out[m.weights + j] = f.w[input] as number;
        else f.w[input] = out[m.weights + j] as number;
      }
      const biases = layer.biases as Weights;
      for (let o = 0; o < m.outputs; o++) {
        if (toEngine) out[m.bias + o] = biases.w[o] as number;
        else biases.w[o] = out[m.bias + o] as number;
      }
    });
  };
  copy(false, p.params.slice());
  const trainer = new lib.Trainer(net, {
    method: "sgd",
    learning_rate: p.settings.learningRate,
    momentum: p.settings.momentum,
    batch_size: p.settings.batchSize,
    l2_decay: 0,
  });
  const x = new convnetjs.Vol(width, height, channels, 0);
  let step = 0;
  return {
    name: "convnetjs Net + Trainer",
    step: () => {
      const batch = p.batches[step++ % p.batches.length] as Int32Array;
      for (const index of batch) {
        pixelsOf(p, index, x.w as Float64Array, 0);
        trainer.train(x, p.data.labels[index] as number);
      }
    },
    params: () => {
      const out = new Float64Array(p.net.paramCount);
      copy(true, out);
      return out;
    },
  };
}
