// The network section keeps its promise under any sequence of actions: after each one
// (settings, good and bad; layer edits; the sweep's choices; training and pausing; Take this
// step; saving and opening; links), the section's own file opens back to the same network.
// 150 seeded sequences, driven through the actions with an in-process engine and a small
// synthetic digits set.
import fc from "fast-check";
import { beforeAll, beforeEach, expect, test } from "vitest";
import { NETWORK_PRESETS, type NetworkPresetName } from "../../../../src/engine";
import { setEngineClient } from "../../../../src/state/engineClient";
import { parseNetworkFile, serializeNetwork } from "../../../../src/state/network/file";
import {
  applyNetworkLink,
  exportNetwork,
  importNetwork,
  networkLinkParam,
} from "../../../../src/state/network/loading";
import { newLayer } from "../../../../src/state/network/spec";
import { initialNetworkState, networkStore } from "../../../../src/state/network/store";
import {
  applyBatchStep,
  chooseSweepFilter,
  chooseSweepImage,
  chooseSweepLayer,
  setNetworkPosition,
} from "../../../../src/state/network/sweep";
import {
  discardLayerDraft,
  pauseNetwork,
  setNetworkLayers,
  setNetworkSettings,
  trainNetwork,
} from "../../../../src/state/network/training";
import { createEngineClient } from "../../../../src/worker/client";
import { serveSyntheticDigits } from "./fixtures";

serveSyntheticDigits(60, 50, 11);
beforeAll(() => {
  setEngineClient(createEngineClient({ inProcess: true }));
});
beforeEach(() => {
  networkStore.setState(initialNetworkState());
});

const state = () => networkStore.getState();
const settle = async (turns = 4) => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** A value a person might type: in range, at an edge, or well past it. */
const typed = fc.oneof(
  fc.integer({ min: -3, max: 70 }),
  fc.constantFrom(0.5, 2.5, Number("1e-400"), 1e7, 0.9999999, 2 ** 32, -1, 1e12 + 1, Number.NaN),
);

const SETTINGS = [
  "batchSize",
  "learningRate",
  "momentum",
  "seed",
  "maxShift",
  "learningRateHalfLife",
] as const;
const PRESETS = Object.keys(NETWORK_PRESETS) as NetworkPresetName[];
const KINDS = ["conv2d", "relu", "maxpool2d", "avgpool2d", "flatten", "dense"] as const;

/** One action of a person, and its arguments. */
const action = fc.oneof(
  fc.record({ kind: fc.constant("setting"), field: fc.constantFrom(...SETTINGS), value: typed }),
  fc.record({ kind: fc.constant("preset"), name: fc.constantFrom(...PRESETS) }),
  fc.record({
    kind: fc.constant("edit"),
    at: fc.nat(12),
    field: fc.constantFrom(
      "filters",
      "kernelSize",
      "stride",
      "padding",
      "dilation",
      "size",
      "units",
    ),
    value: typed,
  }),
  fc.record({ kind: fc.constant("insert"), at: fc.nat(12), type: fc.constantFrom(...KINDS) }),
  fc.record({ kind: fc.constant("remove"), at: fc.nat(12) }),
  fc.record({ kind: fc.constant("discard") }),
  fc.record({ kind: fc.constant("layer"), value: fc.integer({ min: -1, max: 12 }) }),
  fc.record({ kind: fc.constant("filter"), value: typed }),
  fc.record({ kind: fc.constant("image"), set: fc.constantFrom("train", "test"), value: typed }),
  fc.record({ kind: fc.constant("position"), value: typed }),
  fc.record({ kind: fc.constant("train"), ms: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant("step") }),
  fc.record({ kind: fc.constant("reopen") }),
  fc.record({ kind: fc.constant("link") }),
);

type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

async function perform(a: Action): Promise<void> {
  const layers = [...(state().draft?.layers ?? state().spec.layers)];
  switch (a.kind) {
    case "setting":
      setNetworkSettings({ [a.field]: a.value });
      break;
    case "preset":
      setNetworkLayers(NETWORK_PRESETS[a.name]().layers);
      break;
    case "edit": {
      const i = a.at % layers.length;
      layers[i] = { ...layers[i], [a.field]: a.value } as (typeof layers)[number];
      setNetworkLayers(layers);
      break;
    }
    case "insert":
      layers.splice(a.at % (layers.length + 1), 0, newLayer(a.type));
      setNetworkLayers(layers);
      break;
    case "remove":
      if (layers.length > 1) setNetworkLayers(layers.filter((_, j) => j !== a.at % layers.length));
      break;
    case "discard":
      discardLayerDraft();
      break;
    case "layer":
      chooseSweepLayer(a.value);
      break;
    case "filter":
      chooseSweepFilter(a.value);
      break;
    case "image":
      chooseSweepImage({ set: a.set, index: a.value });
      break;
    case "position":
      setNetworkPosition(a.value);
      break;
    case "train":
      trainNetwork();
      await new Promise((resolve) => setTimeout(resolve, a.ms));
      pauseNetwork();
      for (let i = 0; i < 200 && state().training; i++) await settle(1);
      break;
    case "step":
      await settle(20);
      applyBatchStep();
      break;
    case "reopen":
      importNetwork(exportNetwork());
      break;
    case "link":
      applyNetworkLink(networkLinkParam());
      break;
  }
}

/** The section's file of the state now opens back to the same network. */
function expectOpensBack(after: string): void {
  const s = state();
  let read: ReturnType<typeof parseNetworkFile>;
  try {
    read = parseNetworkFile(serializeNetwork(s));
  } catch (error) {
    throw new Error(`after ${after}, the section's own file is refused: ${String(error)}`);
  }
  expect(read.spec, after).toEqual(s.spec);
  expect(read.steps, after).toBe(s.steps);
  expect(read.layer, after).toBe(s.layer);
  expect(read.params.length, after).toBe(s.params.length);
}

test("150 random sequences of actions: the section's file always opens back to its network", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 3, maxLength: 8 }), async (actions) => {
      networkStore.setState(initialNetworkState());
      // Small batches keep each sweep's batch step quick.
      setNetworkSettings({ batchSize: 4 });
      for (const a of actions) {
        await perform(a);
        const after = JSON.stringify(a);
        expectOpensBack(after);
        await settle();
        expectOpensBack(`${after}, once its replies landed`);
      }
      pauseNetwork();
      for (let i = 0; i < 200 && state().training; i++) await settle(1);
    }),
    { numRuns: 150, seed: 26 },
  );
}, 600_000);
