// The training panel's loss curve and train accuracy for a long history (server-rendered, no
// DOM): the curve drawn stays within MAX_CURVE_POINTS points for 200,000 steps and still shows
// a one-step spike; the train accuracy is the last 100 batches'.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, expect, test, vi } from "vitest";
import { NetworkTrainingPanel } from "../../../../src/panels/Network/NetworkTrainingPanel";
import { MAX_CURVE_POINTS } from "../../../../src/state/network/stepSeries";
import { initialNetworkState, networkStore } from "../../../../src/state/network/store";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The [x, y] points of the SVG path with exactly this class. */
function pathPoints(markup: string, className: string): [number, number][] {
  const path = markup.match(new RegExp(`<path d="([^"]*)" class="${className}"`));
  expect(path).not.toBeNull();
  const d = path?.[1] ?? "";
  return [...d.matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

test("200,000 steps draw a bounded curve that still reaches a one-step spike", () => {
  const n = 200_000;
  const spikeAt = 150_001; // a step an even spacing of the points would pass over
  const losses = Array.from({ length: n }, (_, i) =>
    i === spikeAt ? 1000 : 2.3 / Math.sqrt(1 + i / 50) + 0.02 * Math.sin(i),
  );
  const batchAccuracies = Array.from({ length: n }, (_, i) => (i >= n - 100 ? 0.9 : 0.1));
  networkStore.setState({ ...initialNetworkState(), steps: n, losses, batchAccuracies });
  // A server render reads the store's initial state (zustand's server snapshot): this one.
  vi.spyOn(networkStore, "getInitialState").mockReturnValue(networkStore.getState());
  const markup = renderToStaticMarkup(createElement(NetworkTrainingPanel));
  const points = pathPoints(markup, "loss-line");
  expect(points.length).toBeGreaterThan(1_000);
  expect(points.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
  // The spike is the axis's top (y = 0), and it is drawn.
  expect(Math.min(...points.map(([, y]) => y))).toBe(0);
  expect(markup).toContain("Train accuracy 90.0% (its last 100 batches, before each update)");
});
