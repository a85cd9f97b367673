/**
 * Seeded random networks for the general engine's tests: every layer kind, kernels 1–7 (square
 * and not), strides, paddings, dilations, 1 and 3 input channels, both losses. A drawn network
 * that the engine refuses (a kernel past its input, a pool past the edge) is drawn again, so
 * every case is a network the engine builds.
 */
import {
  createNetwork,
  initNetworkParams,
  type LayerSpec,
  type Network,
  type NetworkSpec,
} from "../../../../src/engine/index";
import { mulberry32, type Rand, randomInt } from "../random";

export interface NetworkCase {
  readonly seed: number;
  readonly net: Network;
  readonly params: Float64Array;
  readonly input: Float64Array;
  readonly target: number | Float64Array;
  readonly scale: number;
}

function pick<T>(rand: Rand, values: readonly T[]): T {
  return values[Math.floor(rand() * values.length)] as T;
}

function uniform(rand: Rand, length: number, min = -1, max = 1): Float64Array {
  return Float64Array.from({ length }, () => min + (max - min) * rand());
}

/** One drawn spec (which the engine may still refuse). */
function drawSpec(rand: Rand): NetworkSpec {
  const loss = rand() < 0.7 ? "cross-entropy" : "squared-error";
  const side = randomInt(rand, 8, 18);
  const input = {
    channels: pick(rand, [1, 3]),
    height: side,
    width: rand() < 0.7 ? side : randomInt(rand, 8, 18),
  };
  const layers: LayerSpec[] = [];
  const blocks = randomInt(rand, 1, 3);
  for (let b = 0; b < blocks; b++) {
    const square = rand() < 0.75;
    const k = randomInt(rand, 1, 7);
    layers.push({
      type: "conv2d",
      filters: randomInt(rand, 1, 5),
      kernelSize: square ? k : [k, randomInt(rand, 1, 7)],
      stride: rand() < 0.85 ? randomInt(rand, 1, 2) : randomInt(rand, 3, 4),
      padding: randomInt(rand, 0, 3),
      dilation: rand() < 0.6 ? 1 : randomInt(rand, 2, 3),
    });
    if (rand() < 0.7) layers.push({ type: "relu" });
    if (rand() < 0.5) {
      const size = randomInt(rand, 2, 3);
      layers.push({
        type: rand() < 0.6 ? "maxpool2d" : "avgpool2d",
        size,
        stride: rand() < 0.5 ? size : randomInt(rand, 1, 3),
      });
    }
  }
  const flat = loss === "cross-entropy" || rand() < 0.6;
  if (flat) {
    layers.push({ type: "flatten" });
    const dense = randomInt(rand, loss === "cross-entropy" ? 1 : 0, 2);
    for (let d = 0; d < dense; d++) {
      const last = d === dense - 1;
      layers.push({ type: "dense", units: last ? randomInt(rand, 2, 10) : randomInt(rand, 3, 12) });
      if (!last && rand() < 0.8) layers.push({ type: "relu" });
    }
  }
  return { input, layers, loss };
}

/** A drawn network the engine builds, with seeded parameters (biases too), input and target. */
export function randomNetworkCase(seed: number): NetworkCase {
  const rand = mulberry32(seed);
  for (;;) {
    const spec = drawSpec(rand);
    let net: Network;
    try {
      net = createNetwork(spec);
    } catch (error) {
      if (error instanceof RangeError) continue;
      throw error;
    }
    const params = initNetworkParams(net, seed);
    // Biases not zero, so that ReLU's kinks and max-pool's winners move with them.
    for (const plan of net.plans) {
      if (plan.type === "conv2d" || plan.type === "dense") {
        const count = plan.type === "conv2d" ? plan.conv.filters : plan.units;
        params.set(uniform(rand, count, -0.2, 0.2), plan.bias);
      }
    }
    const input = uniform(rand, spec.input.channels * spec.input.height * spec.input.width, 0, 1);
    const outputs = net.shapes[net.shapes.length - 1];
    const size = outputs === undefined ? 0 : outputs.channels * outputs.height * outputs.width;
    const target =
      spec.loss === "cross-entropy" ? randomInt(rand, 0, size - 1) : uniform(rand, size);
    const scale = pick(rand, [1, 1, 1 / 8, 1 / 3]);
    return { seed, net, params, input, target, scale };
  }
}
