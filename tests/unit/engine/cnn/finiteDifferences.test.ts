/**
 * The CNN's gradients against central finite differences in float64:
 * ∂L/∂θ ≈ (L(θ + h) − L(θ − h)) / 2h, with h = 1e-6 and a relative tolerance of 1e-6 (with a
 * floor of 1e-3 near zero), for each layer (L = Σ r ⊙ out, r fixed) and for the whole
 * network's batch loss (every parameter of small networks, a sample of the default one).
 */
import { describe, expect, test } from "vitest";
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
  paramViews,
  type Reduction,
  softmaxCrossEntropy,
} from "../../../../src/engine";
import { describeConv, mulberry32, randomArray, randomConvCase, randomInt } from "./cases";

const H = 1e-6;

function expectDerivative(analytic: number, f: (delta: number) => number, what: string): void {
  const numeric = (f(H) - f(-H)) / (2 * H);
  const allowed = 1e-6 * Math.max(1e-3, Math.abs(numeric)) + 1e-9;
  if (!(Math.abs(analytic - numeric) <= allowed)) {
    expect.fail(`${what}: analytic ${analytic}, finite difference ${numeric}`);
  }
}

/** Evaluates f after adding delta to values[i], then restores it. */
function nudged(values: Float64Array, i: number, f: () => number): (delta: number) => number {
  return (delta) => {
    const v = values[i] as number;
    values[i] = v + delta;
    const result = f();
    values[i] = v;
    return result;
  };
}

describe("convBackward: weight, bias and input gradients of L = Σ r ⊙ conv(x)", () => {
  const cases = Array.from({ length: 16 }, (_, i) => randomConvCase(mulberry32(13_700 + i), i < 4));
  test.each(cases.map((c) => [describeConv(c.shape), c] as const))("%s", (_name, c) => {
    const s = c.shape;
    const out = new Float64Array(c.outputGrad.length);
    const loss = () => {
      convForward(s, c.input, c.weights, c.bias, out);
      return out.reduce((sum, v, i) => sum + v * (c.outputGrad[i] as number), 0);
    };
    const weightGrad = new Float64Array(c.weights.length);
    const biasGrad = new Float64Array(c.bias.length);
    const inputGrad = new Float64Array(c.input.length);
    convBackward(s, c.input, c.weights, c.outputGrad, weightGrad, biasGrad, inputGrad);
    weightGrad.forEach((g, i) => {
      expectDerivative(g, nudged(c.weights, i, loss), `weights[${i}]`);
    });
    biasGrad.forEach((g, i) => {
      expectDerivative(g, nudged(c.bias, i, loss), `bias[${i}]`);
    });
    inputGrad.forEach((g, i) => {
      expectDerivative(g, nudged(c.input, i, loss), `input[${i}]`);
    });
  });
});

describe("denseBackward with softmax cross-entropy", () => {
  test.each(Array.from({ length: 6 }, (_, i) => i))("case %i", (i) => {
    const rand = mulberry32(13_800 + i);
    const n = randomInt(rand, 1, 30);
    const outputs = randomInt(rand, 2, 10);
    const label = randomInt(rand, 0, outputs - 1);
    const input = randomArray(rand, n);
    const weights = randomArray(rand, outputs * n);
    const bias = randomArray(rand, outputs);
    const logits = new Float64Array(outputs);
    const p = new Float64Array(outputs);
    const loss = () => {
      denseForward(input, weights, bias, logits);
      return softmaxCrossEntropy(logits, label, p, null);
    };
    loss();
    const logitsGrad = new Float64Array(outputs);
    softmaxCrossEntropy(logits, label, p, logitsGrad);
    const weightGrad = new Float64Array(weights.length);
    const biasGrad = new Float64Array(outputs);
    const inputGrad = new Float64Array(n);
    denseBackward(input, weights, logitsGrad, weightGrad, biasGrad, inputGrad);
    weightGrad.forEach((g, j) => {
      expectDerivative(g, nudged(weights, j, loss), `weights[${j}]`);
    });
    biasGrad.forEach((g, j) => {
      expectDerivative(g, nudged(bias, j, loss), `bias[${j}]`);
    });
    inputGrad.forEach((g, j) => {
      expectDerivative(g, nudged(input, j, loss), `input[${j}]`);
    });
  });

  test("softmax cross-entropy is stable for huge logits (no Infinity, no NaN)", () => {
    const logits = Float64Array.from([1000, -1000, 999]);
    const p = new Float64Array(3);
    const g = new Float64Array(3);
    const loss = softmaxCrossEntropy(logits, 2, p, g);
    expect(loss).toBeCloseTo(Math.log(1 + Math.exp(1)), 12);
    expect([...p, ...g].every(Number.isFinite)).toBe(true);
  });
});

function batchLoss(
  arch: CnnArchitecture,
  params: ReturnType<typeof initParams>,
  images: Float64Array[],
  labels: number[],
  reduction: Reduction,
): () => number {
  const ws = createWorkspace(arch);
  const p = new Float64Array(10);
  return () => {
    let sum = 0;
    images.forEach((image, n) => {
      ws.input.set(image);
      forwardImage(arch, params, ws);
      sum += softmaxCrossEntropy(ws.logits, labels[n] as number, p, null);
    });
    return reduction === "mean" ? sum / images.length : sum;
  };
}

describe("the network's batch gradient (every block, sum and mean)", () => {
  const configs = [
    { config: { filters: 2, filters2: 0 }, reduction: "sum" as const, sample: 0 },
    { config: { filters: 2, filters2: 2, padding: 1 }, reduction: "mean" as const, sample: 0 },
    {
      config: { filters: 3, filters2: 2, stride: 2, padding: 2 },
      reduction: "sum" as const,
      sample: 0,
    },
    { config: {}, reduction: "mean" as const, sample: 300 },
  ];
  test.each(configs.map((c) => [JSON.stringify(c), c] as const))(
    "%s",
    (_name, { config, reduction, sample }) => {
      const arch = cnnArchitecture(config);
      const rand = mulberry32(13_900);
      const params = initParams(arch, 5);
      params.data.forEach((v, i) => {
        params.data[i] = v + 0.01 * (rand() - 0.5);
      });
      const images = Array.from({ length: 2 }, () => randomArray(rand, 1024, 0, 1));
      const labels = [4, 9];
      const grads = paramViews(arch);
      const ws = createWorkspace(arch);
      images.forEach((image, n) => {
        ws.input.set(image);
        forwardImage(arch, params, ws);
        backwardImage(arch, params, ws, labels[n] as number, reduction === "mean" ? 0.5 : 1, grads);
      });
      const loss = batchLoss(arch, params, images, labels, reduction);
      const indices =
        sample === 0
          ? Array.from(params.data.keys())
          : Array.from({ length: sample }, () => randomInt(rand, 0, params.data.length - 1));
      // Always include every bias and the first conv weights, where mistakes hide best.
      for (let i = 0; i < arch.layout.conv2Weights; i++) indices.push(i);
      for (const i of indices) {
        expectDerivative(grads.data[i] as number, nudged(params.data, i, loss), `params[${i}]`);
      }
    },
  );
});
