// Issue "the network keeps its promises", items 1–4 and 6: a step computed from an earlier
// network is never applied to a later one; settings and training never leave what the
// section's own file holds; a save during training never carries an earlier network's sums;
// the step counter stops at the file's limit; a file's size and nesting are checked before
// it is read, and a message never copies a long value.
import { beforeEach, expect, test, vi } from "vitest";
import { setEngineClient } from "../../../../src/state/engineClient";
import { MAX_STEPS, parseNetworkFile, serializeNetwork } from "../../../../src/state/network/file";
import { importNetwork, openNetworkFile } from "../../../../src/state/network/loading";
import { initialNetworkState, networkStore } from "../../../../src/state/network/store";
import { applyBatchStep, requestNetworkSweep } from "../../../../src/state/network/sweep";
import { setNetworkSettings, trainNetwork } from "../../../../src/state/network/training";
import { createEngineClient } from "../../../../src/worker/client";
import { serveSyntheticDigits } from "./fixtures";

serveSyntheticDigits(60, 50, 5);
beforeEach(() => {
  setEngineClient(createEngineClient({ inProcess: true }));
  networkStore.setState(initialNetworkState());
  setNetworkSettings({ batchSize: 8 });
});

const state = () => networkStore.getState();
async function swept(): Promise<void> {
  requestNetworkSweep();
  await vi.waitFor(() =>
    expect(state().sweep !== null && state().sweepParams === state().params).toBe(true),
  );
}

test("1. a step computed before training moved the network on is not applied to it", async () => {
  await swept();
  const stale = state().sweep?.batch.params as Float64Array;
  // What a training report does: new parameters, more steps.
  const moved = state().params.map((w) => w * 0.5);
  networkStore.setState({ params: moved, steps: 3, losses: [2, 2, 2], batchAccuracies: [0, 0, 0] });
  applyBatchStep();
  expect(state().params).toBe(moved);
  expect(state().params).not.toEqual(stale);
  expect(state().steps).toBe(3);
  expect(state().message).toMatch(/computed for the network as it was before/);
});

test("2. settings past the file's limits are refused; steps that would leave them are not taken", async () => {
  const before = state().settings;
  setNetworkSettings({ learningRate: 1e7 });
  expect(state().settings).toBe(before);
  expect(state().message).toMatch(/"settings.learningRate" must be from 0 to 1000000/);
  setNetworkSettings({ momentum: 0.9999999 });
  expect(state().settings).toBe(before);
  expect(state().message).toMatch(/"settings.momentum"/);
  // η = 1e6, the most a file holds: Take this step, again and again, never leaves ±1e6.
  setNetworkSettings({ learningRate: 1e6, momentum: 0.9 });
  let refused = false;
  for (let i = 0; i < 8 && !refused; i++) {
    await swept();
    const steps = state().steps;
    applyBatchStep();
    refused = state().steps === steps;
    expect(() => parseNetworkFile(serializeNetwork(state()))).not.toThrow();
  }
  expect(refused).toBe(true);
  expect(state().message).toMatch(/would leave what a network holds/);
});

test("2. training at η = 1e6 stops before a weight leaves ±1e6, and says so", async () => {
  setNetworkSettings({ learningRate: 1e6, momentum: 0.9 });
  trainNetwork();
  await vi.waitFor(() => expect(state().training).toBe(false), { timeout: 30_000 });
  expect(state().message).toMatch(
    /Training stopped before a step that would leave what a network holds/,
  );
  expect(state().params.every((w) => Math.abs(w) <= 1e6)).toBe(true);
  expect(() => parseNetworkFile(serializeNetwork(state()))).not.toThrow();
});

test("3. a save while the network moves on carries no sums of the earlier network", async () => {
  networkStore.setState({ position: 100 });
  await swept();
  networkStore.setState({
    params: state().params.map((w) => w * 0.9),
    steps: 1,
    losses: [1],
    batchAccuracies: [0],
  });
  const text = serializeNetwork(state());
  expect(JSON.parse(text).sweep.sums).toBeNull();
  networkStore.setState(initialNetworkState());
  expect(importNetwork(text)).toBe(true);
  await vi.waitFor(() => expect(state().sweep).not.toBeNull());
  expect(state().message).toBeNull();
});

test("4. the step counter stops at the file's limit", () => {
  const doc = JSON.parse(serializeNetwork(state()));
  doc.steps = MAX_STEPS + 1;
  expect(() => parseNetworkFile(JSON.stringify(doc))).toThrow(
    /"steps" must be a whole number from 0 to 1,000,000,000,000/,
  );
  networkStore.setState({ steps: MAX_STEPS });
  trainNetwork();
  expect(state().training).toBe(false);
  expect(state().message).toMatch(/the most a network file counts/);
  // And the store never holds more.
  networkStore.setState({ steps: MAX_STEPS + 1 });
  expect(state().steps).toBe(MAX_STEPS);
});

test("6. a file's size is checked before it is read; nesting before it is parsed; messages stay short", async () => {
  const read = vi.fn(async () => "");
  expect(await openNetworkFile({ name: "big.json", size: 40 * 1048576, text: read })).toBe(false);
  expect(read).not.toHaveBeenCalled();
  expect(state().message).toMatch(/big.json is 40.0 MB; a network file is at most 32 MB/);
  expect(() => parseNetworkFile(`${"[".repeat(200_000)}${"]".repeat(200_000)}`)).toThrow(
    /nests its values more than 32 levels deep/,
  );
  const long = JSON.stringify({ format: "x".repeat(2_000_000) });
  expect(importNetwork(long)).toBe(false);
  expect((state().message ?? "").length).toBeLessThan(400);
});

test("6. a file that can no longer be read once picked is refused with a message; nothing changes", async () => {
  await swept();
  const before = state();
  const gone = async (): Promise<string> => {
    throw new DOMException("The requested file could not be read.", "NotReadableError");
  };
  expect(await openNetworkFile({ name: "gone.json", size: 100, text: gone })).toBe(false);
  expect(state().message).toBe(
    "That network file cannot be opened: gone.json could not be read: The requested file could not be read.",
  );
  expect(state().params).toBe(before.params);
  expect(state().sweep).toBe(before.sweep);
  expect(state().spec).toBe(before.spec);
});
