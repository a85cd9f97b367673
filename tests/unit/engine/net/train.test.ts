// Training any network on the digits: on today's network the general trainer is the small
// CNN's trainer to the bit; split across workers' shares, a step equals one worker's step up
// to the order of the additions (1e-12 relative); the shares split as they should.
import { describe, expect, test } from "vitest";
import { buildDigitsAsset } from "../../../../scripts/digits";
import {
  batchShares,
  cnnPresetSpec,
  createNetworkTrainer,
  createTrainer,
  NETWORK_PRESETS,
  parseDigits,
  type TrainSettings,
  trainNetworkSteps,
  trainSteps,
} from "../../../../src/engine/index";
import { expectClose, expectSameBits } from "../compare";

const digits = parseDigits(buildDigitsAsset());
const SETTINGS: TrainSettings = {
  batchSize: 16,
  learningRate: 0.05,
  momentum: 0.9,
  reduction: "mean",
  seed: 5,
  maxShift: 1,
  learningRateHalfLife: 3,
  weightDecay: 1e-4,
};

describe("training any network", () => {
  test.each([{}, { filters: 3, filters2: 4, stride: 1, padding: 1 }])(
    "today's network %o through the general engine: the small CNN's losses, accuracies and parameters to the bit",
    (config) => {
      const cnn = createTrainer(config, SETTINGS, digits.train);
      const general = createNetworkTrainer(cnnPresetSpec(config), SETTINGS, digits.train);
      const a = trainSteps(cnn, 4);
      const b = trainNetworkSteps(general, 4);
      expectSameBits(b.losses, a.losses, "losses");
      expectSameBits(b.accuracies, a.accuracies, "accuracies");
      expectSameBits(general.params, cnn.params.data, "parameters");
    },
  );

  test("a step split across 3 workers' shares equals one worker's step to 1e-12", () => {
    const spec = NETWORK_PRESETS.leNet5();
    const settings = { ...SETTINGS, batchSize: 20 };
    const one = createNetworkTrainer(spec, settings, digits.train);
    const three = createNetworkTrainer(spec, settings, digits.train);
    const buffers = [0, 1, 2].map(() => new Float64Array(three.net.paramCount));
    for (let s = 0; s < 3; s++) {
      const a = trainNetworkSteps(one, 1);
      const b = trainNetworkSteps(three, 1, buffers);
      expectClose(b.losses, a.losses, 1e-12, `step ${s} loss`);
      expectSameBits(b.accuracies, a.accuracies, `step ${s} accuracy`);
      const largest = one.grads.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expectClose(three.grads, one.grads, 1e-12, `step ${s} gradient`, largest);
    }
    const largest = one.params.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(three.params, one.params, 1e-12, "parameters after 3 steps", largest);
  });

  test("a batch splits into shares as equal as can be, the first ones larger", () => {
    expect(batchShares(64, 3)).toEqual([
      [0, 22],
      [22, 43],
      [43, 64],
    ]);
    expect(batchShares(64, 1)).toEqual([[0, 64]]);
    expect(batchShares(2, 8)).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  test("a network that does not read the digits is refused, naming why", () => {
    const colour = { ...NETWORK_PRESETS.leNet5(), input: { channels: 3, height: 32, width: 32 } };
    expect(() => createNetworkTrainer(colour, SETTINGS, digits.train)).toThrow(
      "the digits are 1x32x32; the network's input is 3x32x32",
    );
    const five = NETWORK_PRESETS.default();
    five.layers[five.layers.length - 1] = { type: "dense", units: 5 };
    expect(() => createNetworkTrainer(five, SETTINGS, digits.train)).toThrow(
      "the digits need a cross-entropy network that ends in 10 values; this one ends in 5",
    );
  });
});
