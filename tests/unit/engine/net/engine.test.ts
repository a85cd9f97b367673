// The general engine's own rules: today's digits network is one of its presets (the same
// numbers to the bit), the presets build with the shapes and counts they should, a network
// that cannot be built is refused at its layer, a batch's gradient is the sum of its images',
// and the gradient agrees with central differences.
import { describe, expect, test } from "vitest";
import {
  backwardImage,
  backwardInto,
  cnnArchitecture,
  cnnPresetSpec,
  createNetwork,
  createNetworkWorkspace,
  createWorkspace,
  forwardImage,
  forwardInto,
  initNetworkParams,
  initParams,
  NETWORK_PRESETS,
  type NetworkSpec,
  networkBackward,
  networkForward,
  paramViews,
  sharingSaving,
} from "../../../../src/engine/index";
import { expectSameBits, expectSameNumber } from "../compare";
import { mulberry32 } from "../random";
import { randomNetworkCase } from "./architectures";

describe("today's digits network is a preset of the general engine", () => {
  const configs = [
    {},
    { filters: 4, filters2: 6 },
    { filters: 3, stride: 2, padding: 1 },
    { filters: 2, filters2: 3, stride: 1, padding: 2 },
  ];
  test.each(configs)(
    "config %o: same parameters, logits, loss and gradient to the bit",
    (config) => {
      const arch = cnnArchitecture(config);
      const net = createNetwork(cnnPresetSpec(config));
      const params = initParams(arch, 7);
      expectSameBits(initNetworkParams(net, 7), params.data, "initial parameters");
      // Biases not zero, so that every path of the pass is exercised.
      const rand = mulberry32(3);
      for (let i = 0; i < params.data.length; i++)
        params.data[i] = (params.data[i] as number) + 0.05 * (rand() - 0.5);
      const ws = createWorkspace(arch);
      for (let i = 0; i < ws.input.length; i++) ws.input[i] = rand();
      forwardImage(arch, params, ws);
      const grads = paramViews(arch);
      const loss = backwardImage(arch, params, ws, 4, 1 / 8, grads);

      const trace = networkForward(net, params.data, ws.input);
      expectSameBits(trace.outputs.at(-1) ?? [], ws.logits, "logits");
      const back = networkBackward(net, params.data, trace, 4, 1 / 8);
      expectSameNumber(back.loss, loss / 8, "loss");
      expectSameBits(back.grads, grads.data, "gradient");
    },
  );

  test("the presets build, with their shapes and parameter counts", () => {
    const lenet = createNetwork(NETWORK_PRESETS.leNet5());
    expect(lenet.shapes.map((s) => [s.channels, s.height, s.width])).toEqual([
      [6, 28, 28],
      [6, 28, 28],
      [6, 14, 14],
      [16, 10, 10],
      [16, 10, 10],
      [16, 5, 5],
      [400, 1, 1],
      [120, 1, 1],
      [120, 1, 1],
      [84, 1, 1],
      [84, 1, 1],
      [10, 1, 1],
    ]);
    expect(lenet.paramCount).toBe(156 + 2416 + 48120 + 10164 + 850);
    expect(createNetwork(NETWORK_PRESETS.allConv()).shapes.at(-2)).toEqual({
      channels: 256,
      height: 1,
      width: 1,
    });
    expect(createNetwork(NETWORK_PRESETS.twoConv()).paramCount).toBe(
      cnnArchitecture({ filters: 8, filters2: 16 }).layout.length,
    );
    expect(createNetwork(NETWORK_PRESETS.default()).paramCount).toBe(
      cnnArchitecture().layout.length,
    );
  });

  test("the seed's point in numbers: shared against untied parameters of a conv layer", () => {
    const net = createNetwork(NETWORK_PRESETS.default());
    // 8 filters of 3x3 and a bias: 80; untied, one per position of the 30x30 output: 72,000.
    expect(sharingSaving(net, 0)).toEqual({ shared: 80, untied: 72_000 });
    expect(() => sharingSaving(net, 1)).toThrow("layer 2 is not a convolution");
  });
});

describe("a network that cannot be built is refused at its layer", () => {
  const base = (
    layers: NetworkSpec["layers"],
    loss: NetworkSpec["loss"] = "cross-entropy",
  ): NetworkSpec => ({
    input: { channels: 1, height: 12, width: 12 },
    layers,
    loss,
  });
  test.each([
    [
      "a kernel larger than its input",
      base(
        [
          { type: "conv2d", filters: 2, kernelSize: 5 },
          { type: "maxpool2d", size: 2 },
          { type: "relu" },
          { type: "conv2d", filters: 2, kernelSize: 5 },
        ],
        "squared-error",
      ),
      "layer 4, conv 5x5: its input is 4x4, smaller than the kernel",
    ],
    [
      "a dilated kernel past its input",
      base([{ type: "conv2d", filters: 2, kernelSize: 5, dilation: 3 }], "squared-error"),
      "layer 1, conv 5x5: its input is 12x12, smaller than the dilated kernel (13x13)",
    ],
    [
      "a pool past the edge",
      base(
        [
          { type: "conv2d", filters: 2, kernelSize: 7, stride: 3 },
          { type: "maxpool2d", size: 3 },
        ],
        "squared-error",
      ),
      "layer 2, max-pool 3x3: its input is 2x2, smaller than the window",
    ],
    [
      "a dense layer before any flatten",
      base([
        { type: "conv2d", filters: 2, kernelSize: 3 },
        { type: "dense", units: 10 },
      ]),
      "layer 2, dense 10: its input is 2x10x10, not flat; add a flatten before it",
    ],
    [
      "a convolution after the flatten",
      base([{ type: "flatten" }, { type: "conv2d", filters: 2, kernelSize: 3 }], "squared-error"),
      "layer 2, conv 3x3: its input is already flat (144 values); put it before the flatten",
    ],
    [
      "cross-entropy on a spatial output",
      base([{ type: "conv2d", filters: 2, kernelSize: 3 }]),
      "the network ends in 2x10x10 values, not flat: cross-entropy needs a flatten or a dense layer last",
    ],
    [
      "a field out of range",
      base([{ type: "conv2d", filters: 65, kernelSize: 3 }], "squared-error"),
      "layer 1 (conv2d) filters must be an integer from 1 to 64; got 65",
    ],
    [
      "a kernel out of range",
      base([{ type: "conv2d", filters: 1, kernelSize: [3, 8] }], "squared-error"),
      "layer 1 (conv2d) kernel width must be an integer from 1 to 7; got 8",
    ],
    [
      "an unknown layer",
      base([{ type: "softmax" } as unknown as NetworkSpec["layers"][number]], "squared-error"),
      'layer 1 type must be one of conv2d, relu, maxpool2d, avgpool2d, flatten, dense; got "softmax"',
    ],
    [
      "too many parameters",
      {
        input: { channels: 3, height: 128, width: 128 },
        layers: [{ type: "flatten" }, { type: "dense", units: 100 }],
        loss: "cross-entropy",
      } as NetworkSpec,
      "the network has 4,915,300 parameters, more than the 2,000,000 the page trains",
    ],
    [
      "too many multiply-adds",
      {
        input: { channels: 3, height: 128, width: 128 },
        layers: [{ type: "conv2d", filters: 64, kernelSize: 7, padding: 3 }],
        loss: "squared-error",
      } as NetworkSpec,
      "the network needs 154,140,672 multiply-adds per image, more than the 25,000,000 the page trains",
    ],
    [
      "two input channels",
      {
        input: { channels: 2, height: 12, width: 12 },
        layers: [{ type: "relu" }],
        loss: "squared-error",
      } as NetworkSpec,
      "input.channels must be 1 (grayscale) or 3 (colour); got 2",
    ],
  ])("%s", (_what, spec, message) => {
    expect(() => createNetwork(spec)).toThrow(RangeError);
    expect(() => createNetwork(spec)).toThrow(message);
  });
});

describe("passes", () => {
  test("a batch's gradient is the sum of its images' gradients, added in image order", () => {
    const c = randomNetworkCase(5);
    const ws = createNetworkWorkspace(c.net);
    const batch = new Float64Array(c.net.paramCount);
    const expected = new Float64Array(c.net.paramCount);
    const rand = mulberry32(11);
    for (let n = 0; n < 3; n++) {
      const input = Float64Array.from(c.input, () => rand());
      ws.input.set(input);
      forwardInto(c.net, c.params, ws);
      backwardInto(c.net, c.params, ws, c.target, 1, batch, false);
      const one = networkBackward(
        c.net,
        c.params,
        networkForward(c.net, c.params, input),
        c.target,
      );
      for (let i = 0; i < expected.length; i++)
        expected[i] = (expected[i] as number) + (one.grads[i] as number);
    }
    expectSameBits(batch, expected, "batch gradient");
  });

  test("the gradient agrees with central differences of the loss on sampled parameters", () => {
    for (const seed of [21, 22, 23, 24, 25, 26]) {
      const c = randomNetworkCase(seed);
      const back = networkBackward(
        c.net,
        c.params,
        networkForward(c.net, c.params, c.input),
        c.target,
        c.scale,
      );
      const lossAt = (params: Float64Array) =>
        networkBackward(c.net, params, networkForward(c.net, params, c.input), c.target, c.scale)
          .loss;
      const rand = mulberry32(seed);
      for (let n = 0; n < 12; n++) {
        const i = Math.floor(rand() * c.net.paramCount);
        const h = 1e-6;
        const plus = c.params.slice();
        plus[i] = (plus[i] as number) + h;
        const minus = c.params.slice();
        minus[i] = (minus[i] as number) - h;
        const numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
        const analytic = back.grads[i] as number;
        const scale = Math.max(1e-6, Math.abs(analytic), Math.abs(numeric));
        expect(
          Math.abs(numeric - analytic) / scale,
          `network ${seed}, parameter ${i}`,
        ).toBeLessThan(1e-5);
      }
    }
  });

  test("networkBackward leaves the trace as it was", () => {
    const c = randomNetworkCase(9);
    const trace = networkForward(c.net, c.params, c.input);
    const before = trace.outputs.map((o) => o.slice());
    networkBackward(c.net, c.params, trace, c.target, c.scale);
    trace.outputs.forEach((o, i) => {
      expectSameBits(o, before[i] ?? [], `layer ${i + 1}`);
    });
  });
});
