// The network panels' words for one of a thing (server-rendered, no DOM): "1 of 1 position
// contributes", "1 term so far", "1 image", "the one filter", "1 channel" — never "1 positions"
// or "1 terms" — and the settings printed with true minus signs ("1e−7", as the views print).
import { createElement, type FunctionComponent } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, expect, test, vi } from "vitest";
import { createNetwork, type LayerSpec } from "../../../src/engine";
import { networkBatchStep, networkFilterSweep } from "../../../src/engine/net/filterSweep";
import { BatchStepView } from "../../../src/panels/Network/BatchStepView";
import { FilterSweepPanel } from "../../../src/panels/Network/FilterSweepPanel";
import { SweepSums } from "../../../src/panels/Network/SweepSums";
import { digitsSpec } from "../../../src/state/network/spec";
import {
  freshNetwork,
  initialNetworkState,
  type NetworkSweepResult,
  networkStore,
} from "../../../src/state/network/store";
import { networkSums } from "../../../src/state/network/sums";

afterEach(() => {
  vi.restoreAllMocks();
});

const SETTINGS = {
  batchSize: 1,
  learningRate: 1e-7,
  momentum: 0.9,
  reduction: "mean" as const,
  seed: 1,
  maxShift: 0,
  learningRateHalfLife: 0,
};

/** A real sweep of filter 0 of `layer` (one filter; `images` in its batch, one by default). */
function sweepOf(layers: LayerSpec[], layer: number, images = 1) {
  const fresh = freshNetwork(digitsSpec(layers), 1);
  const net = createNetwork(fresh.spec);
  let seed = 3;
  const bytes = Uint8Array.from({ length: 1024 * images }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 24;
  });
  const image = Float64Array.from(bytes.subarray(0, 1024), (b) => b / 255);
  const sweep = networkFilterSweep(net, fresh.params, image, 3, 1, layer, 0);
  const data = { count: images, pixels: bytes, labels: new Uint8Array(images).fill(3) };
  const at = { params: fresh.params, velocity: fresh.velocity, steps: 0 };
  const batch = networkBatchStep(net, { ...SETTINGS, batchSize: images }, data, at, layer, 0);
  const result = { pixels: image, label: 3, sweep, batch } as unknown as NetworkSweepResult;
  return { fresh, result };
}

/** A second conv layer of one filter with one position, on one channel (layer index 2). */
const ONE_POSITION: LayerSpec[] = [
  { type: "conv2d", filters: 1, kernelSize: 4, stride: 4 },
  { type: "maxpool2d", size: 4 },
  { type: "conv2d", filters: 1, kernelSize: 2 },
  { type: "flatten" },
  { type: "dense", units: 10 },
];
const LAYER = 2;

// biome-ignore lint/suspicious/noExplicitAny: any panel, with the props it is given.
const render = (component: FunctionComponent<any>, props: object) =>
  renderToStaticMarkup(createElement(component, props)).replace(/<!-- -->/g, "");

test("one position, one term: singular words", () => {
  const { result } = sweepOf(ONE_POSITION, LAYER);
  expect(result.sweep.delta[0]).not.toBe(0);
  const markup = render(SweepSums, { result, position: 1, sums: networkSums(result, 1) });
  expect(markup).toContain("(1 term so far)");
  expect(markup).not.toMatch(/\b1 terms\b/);
  expect(markup).toContain("With no other filter in the layer, this is");
  expect(markup).not.toMatch(/other 0 filters/);
});

/** BatchStepView's settings in these tests, the result aside. */
const BATCH_PROPS = {
  learningRate: 1e-7,
  momentum: 0.9,
  reduction: "mean",
  training: false,
  stale: false,
};

test("a batch of one image and a layer of one filter: singular words, true minus signs", () => {
  const { result } = sweepOf(ONE_POSITION, LAYER);
  const markup = render(BatchStepView, { ...BATCH_PROPS, result });
  expect(markup).toMatch(/Then the batch: 1 image, with its sum for\s+filter 1/);
  expect(markup).not.toMatch(/\b1 images\b/);
  expect(markup).toContain("moves the one filter of layer 3");
  expect(markup).toContain("w ← w − 1e−7·v");
  expect(markup).not.toContain("1e-7");
});

test("a batch of more images than the strip shows says so, and the sum takes them all", () => {
  const { result } = sweepOf(ONE_POSITION, LAYER, 40);
  expect(result.batch.images.length).toBe(40);
  const props = { ...BATCH_PROPS, result };
  const markup = render(BatchStepView, props);
  expect(markup.match(/of the batch \(digit 3\): its sum"/g)?.length).toBe(32);
  expect(markup).toContain("The first 32 are shown; the sum below takes all 40.");
  expect(markup).toContain("Σ of the 40 images&#x27; sums");
  const one = render(BatchStepView, {
    ...BATCH_PROPS,
    result: sweepOf(ONE_POSITION, LAYER).result,
  });
  expect(one).not.toContain("are shown");
});

test("the sweep's count: 1 of 1 position contributes; the layer's input of 1 channel", () => {
  const { fresh, result } = sweepOf(ONE_POSITION, LAYER);
  networkStore.setState({
    ...initialNetworkState(),
    ...fresh,
    settings: SETTINGS,
    layer: LAYER,
    filter: 0,
    sweep: result,
    sweepParams: fresh.params,
    position: 1,
  } as never);
  // A server render reads the store's initial state (zustand's server snapshot): this one.
  vi.spyOn(networkStore, "getInitialState").mockReturnValue(networkStore.getState());
  const markup = render(FilterSweepPanel, {});
  expect(result.sweep.contributing).toBe(1);
  expect(markup).toMatch(/1 of 1 position contributes/);
  expect(markup).not.toMatch(/\b1 positions\b/);
  expect(markup).toMatch(/\(1 channel: layer 2/);
  expect(markup).not.toMatch(/\b1 channels\b/);
});
