// Opening a network file makes its sweep again and compares the sums the file saved with it;
// and the drawn digit's prediction keeps one request in flight, so a stream of changes (a pen
// drawing while the network trains) is answered instead of each change superseding the last.
import { beforeEach, expect, test, vi } from "vitest";
import { createNetwork, predictNetwork } from "../../../../src/engine";
import { engine, setEngineClient } from "../../../../src/state/engineClient";
import { exportNetwork, importNetwork } from "../../../../src/state/network/loading";
import { initialNetworkState, networkStore } from "../../../../src/state/network/store";
import { networkSums } from "../../../../src/state/network/sums";
import {
  clearNetworkDigit,
  paintNetworkDigit,
  requestNetworkSweep,
  requestPrediction,
} from "../../../../src/state/network/sweep";
import { createEngineClient } from "../../../../src/worker/client";
import { serveSyntheticDigits } from "./fixtures";

serveSyntheticDigits(120, 100, 7);
beforeEach(() => {
  setEngineClient(createEngineClient({ inProcess: true }));
  networkStore.setState(initialNetworkState());
});

const state = () => networkStore.getState();
// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, edited field by field.
type Doc = Record<string, any>;

/** A saved network with its sweep at position 450 of the test digit 3's sweep. */
async function savedFile(): Promise<Doc> {
  networkStore.setState({ choice: { set: "test", index: 3 }, filter: 2 });
  requestNetworkSweep();
  await vi.waitFor(() => expect(state().sweep).not.toBeNull());
  networkStore.setState({ position: 450 });
  return JSON.parse(exportNetwork());
}

/** Opens `doc` and waits for its sweep to land. */
async function open(doc: Doc): Promise<boolean> {
  networkStore.setState(initialNetworkState());
  const opened = importNetwork(JSON.stringify(doc));
  await vi.waitFor(() => expect(state().sweep).not.toBeNull());
  return opened;
}

test("a saved file opens with its sums agreeing with the sweep made again", async () => {
  const doc = await savedFile();
  const saved = doc.sweep.sums.weightGrad as number[];
  expect(saved.some((v) => v !== 0)).toBe(true);
  expect(await open(doc)).toBe(true);
  expect(state().message).toBeNull();
  const sweep = state().sweep;
  if (sweep === null) throw new Error("no sweep");
  expect([...networkSums(sweep, state().position).weightGrad]).toEqual(saved);
});

test("sums edited in the file are named, and the page shows the ones made again", async () => {
  const doc = await savedFile();
  const fresh = [...doc.sweep.sums.weightGrad] as number[];
  doc.sweep.sums.weightGrad[4] += 1e-3;
  expect(await open(doc)).toBe(true);
  expect(state().message).toMatch(
    /saved sums do not match its network: "sweep\.sums\.weightGrad\[4\]" is .* in the file, but the sweep of its network gives /,
  );
  const sweep = state().sweep;
  if (sweep === null) throw new Error("no sweep");
  expect([...networkSums(sweep, state().position).weightGrad]).toEqual(fresh);
});

test("an edited layer-below buffer, bias sum or engine gradient is named too", async () => {
  const doc = await savedFile();
  const i = (doc.sweep.sums.below as number[]).findIndex((v) => v !== 0);
  for (const [edit, field] of [
    [(d: Doc) => (d.sweep.sums.below[i] *= 1.01), `sweep.sums.below[${i}]`],
    [(d: Doc) => (d.sweep.sums.biasGrad += 0.5), "sweep.sums.biasGrad"],
    [(d: Doc) => (d.sweep.engine.weightGrad[0] -= 1), "sweep.engine.weightGrad[0]"],
  ] as const) {
    const copy = structuredClone(doc);
    edit(copy);
    await open(copy);
    expect(state().message, field).toContain(`"${field}" is `);
  }
});

test("saved sums that are not numbers refuse the file, naming the field", async () => {
  const doc = await savedFile();
  doc.sweep.sums.weightGrad[1] = "0.5";
  networkStore.setState(initialNetworkState());
  expect(importNetwork(JSON.stringify(doc))).toBe(false);
  expect(state().message).toMatch(/"sweep\.sums\.weightGrad\[1\]" must be a finite number/);
  doc.sweep.sums.weightGrad[1] = 0;
  doc.sweep.sums.below.pop();
  expect(importNetwork(JSON.stringify(doc))).toBe(false);
  expect(state().message).toMatch(/"sweep\.sums\.below" must hold \d+ numbers/);
});

test("a stream of strokes keeps one prediction in flight and ends on the last drawing", async () => {
  const lane = engine().lane("network-predict");
  const sent = vi.spyOn(lane, "predictNetwork");
  for (let i = 0; i < 8; i++) paintNetworkDigit({ x: 4 + 3 * i, y: 10 }, { x: 6 + 3 * i, y: 20 });
  // Eight changes while the first is in flight: one request now, one for all the rest after.
  expect(sent).toHaveBeenCalledTimes(1);
  await vi.waitFor(() => expect(sent).toHaveBeenCalledTimes(2));
  const { spec, params, drawn } = state();
  const expected = predictNetwork(createNetwork(spec), params, drawn);
  await vi.waitFor(() => expect([...(state().probabilities ?? [])]).toEqual([...expected]));
  expect(sent).toHaveBeenCalledTimes(2);
  sent.mockRestore();
});

test("clearing drops the prediction in flight: the cleared digit shows none", async () => {
  paintNetworkDigit({ x: 8, y: 8 }, { x: 20, y: 24 });
  clearNetworkDigit();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(state().probabilities).toBeNull();
  requestPrediction();
  await vi.waitFor(() => expect(state().probabilities).not.toBeNull());
});
