/** The default network in convnetjs (float64) for bench/cnn.bench.ts. */
import convnetjs from "convnetjs";
import { type CnnContender, type CnnProblem, convIndex, denseInputIndex } from "./cnn-layout";

/** The part of convnetjs's Net and Trainer used here (its own types cover Vol and ConvLayer). */
interface Weights {
  w: Float64Array;
}
interface Layer {
  layer_type: string;
  filters?: Weights[];
  biases?: Weights;
}
interface Net {
  layers: Layer[];
  makeLayers(defs: object[]): void;
}
interface Trainer {
  train(x: InstanceType<typeof convnetjs.Vol>, label: number): { loss: number };
}
interface ConvnetjsNet {
  Net: new () => Net;
  Trainer: new (net: Net, options: object) => Trainer;
}

export function convnetjsContender(p: CnnProblem): CnnContender {
  const { arch, params } = p.reference;
  const lib = convnetjs as unknown as ConvnetjsNet;
  const net = new lib.Net();
  const K = arch.conv1.filters;
  net.makeLayers([
    { type: "input", out_sx: 32, out_sy: 32, out_depth: 1 },
    { type: "conv", sx: 3, filters: K, stride: 1, pad: 0, activation: "relu" },
    { type: "pool", sx: 2, stride: 2 },
    { type: "softmax", num_classes: 10 },
  ]);
  const conv = net.layers.find((l) => l.layer_type === "conv");
  const fc = net.layers.find((l) => l.layer_type === "fc");
  if (!conv?.filters || !conv.biases || !fc?.filters || !fc.biases) {
    throw new Error("convnetjs built another network");
  }
  // convnetjs's Trainer divides the summed gradient by batch_size (a mean) and steps
  // dx = μ·dx − η·g, the same update as v = μ·v + g, w −= η·v.
  const trainer = new lib.Trainer(net, {
    method: "sgd",
    learning_rate: p.settings.learningRate,
    momentum: p.settings.momentum,
    batch_size: p.settings.batchSize,
    l2_decay: 0,
  });
  const inputs = arch.denseInputs;
  const copy = (toEngine: boolean, out: Float64Array) => {
    const l = arch.layout;
    for (let k = 0; k < K; k++) {
      const f = (conv.filters as Weights[])[k] as Weights;
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const at = convIndex(arch, k, 0, a, b);
          if (toEngine) out[l.conv1Weights + at.engine] = f.w[at.convnetjs] as number;
          else f.w[at.convnetjs] = out[l.conv1Weights + at.engine] as number;
        }
      }
      if (toEngine) out[l.conv1Bias + k] = (conv.biases as Weights).w[k] as number;
      else (conv.biases as Weights).w[k] = out[l.conv1Bias + k] as number;
    }
    for (let o = 0; o < 10; o++) {
      const f = (fc.filters as Weights[])[o] as Weights;
      for (let i = 0; i < inputs; i++) {
        if (toEngine)
          out[l.denseWeights + o * inputs + i] = f.w[denseInputIndex(arch, i)] as number;
        else f.w[denseInputIndex(arch, i)] = out[l.denseWeights + o * inputs + i] as number;
      }
      if (toEngine) out[l.denseBias + o] = (fc.biases as Weights).w[o] as number;
      else (fc.biases as Weights).w[o] = out[l.denseBias + o] as number;
    }
  };
  copy(false, params.data.slice());
  const x = new convnetjs.Vol(32, 32, 1, 0);
  let step = 0;
  return {
    name: "convnetjs Net + Trainer",
    step: () => {
      const batch = p.batches[step++ % p.batches.length] as Int32Array;
      for (const index of batch) {
        for (let i = 0; i < 1024; i++) x.w[i] = (p.data.pixels[index * 1024 + i] as number) / 255;
        trainer.train(x, p.data.labels[index] as number);
      }
    },
    params: () => {
      const out = new Float64Array(params.data.length);
      copy(true, out);
      return out;
    },
  };
}
