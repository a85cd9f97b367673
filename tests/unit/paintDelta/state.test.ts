// Paint δ in the state: the store holds a painted δ, the sweep follows it, the rules refuse a
// bad one, and the state file and the link carry it.
import { afterAll, beforeEach, describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  type Grid,
  RECORD_DELTA,
} from "../../../src/engine/index";
import { resetApp } from "../../../src/state/commit";
import { setEngineClient } from "../../../src/state/engineClient";
import { decodeLink, encodeLink } from "../../../src/state/link";
import { currentLinkedState, exportState, importState } from "../../../src/state/loading";
import {
  loadDeltaPreset,
  paintDelta,
  presetDelta,
  setPaintedDelta,
  startPaintingDelta,
  stopPaintingDelta,
} from "../../../src/state/paintedDelta";
import { resizeDelta } from "../../../src/state/paintedDeltaFit";
import { setOptions } from "../../../src/state/problem";
import { parseState, readState } from "../../../src/state/stateFile";
import { stateProblem } from "../../../src/state/stateRules";
import { appStore } from "../../../src/state/store";
import { finishSweep, requestSweep } from "../../../src/state/sweep";
import { train } from "../../../src/state/training";
import { applyUpdate } from "../../../src/state/update";
import { createEngineClient } from "../../../src/worker/client";

const state = () => appStore.getState();

/** Positions whose δ (in the current sweep) is not 0. */
function contributing(): number[] {
  const sweep = state().sweep;
  if (sweep === null) throw new Error("no sweep");
  const found: number[] = [];
  for (let p = 0; p < sweep.outHeight * sweep.outWidth; p++) {
    if (sweep.records[p * sweep.recordLength + RECORD_DELTA] !== 0) found.push(p);
  }
  return found;
}

beforeEach(async () => {
  setEngineClient(createEngineClient({ inProcess: true }));
  resetApp();
  await requestSweep();
});
afterAll(() => setEngineClient(null));

describe("Paint δ actions", () => {
  test("entering the mode starts from the real δ: the sums do not change", async () => {
    finishSweep();
    const before = Array.from(state().sums?.kernelGrad.data ?? []);
    await startPaintingDelta();
    expect(state().paintedDelta).not.toBeNull();
    expect(state().position).toBe(900);
    expect(Array.from(state().sums?.kernelGrad.data ?? [])).toEqual(before);
  });

  test("one hot cell: exactly one position contributes; the full sums are δ·that patch", async () => {
    await startPaintingDelta();
    await loadDeltaPreset("oneHot", 3);
    finishSweep();
    expect(contributing()).toEqual([14 * 30 + 14]);
    const s = state();
    const back = conv2dBackward(s.image, s.kernel, s.paintedDelta as Grid);
    expect(Array.from(s.sums?.kernelGrad.data ?? [])).toEqual(Array.from(back.kernelGrad.data));
    expect(s.sums?.biasGrad).toBe(3);
  });

  test("painting a stroke, erasing it, and the sweep following; leaving restores the target's δ", async () => {
    await startPaintingDelta();
    await loadDeltaPreset("clear", 1);
    expect(contributing()).toEqual([]);
    await paintDelta(null, { row: 0.5, col: 0.5 }, 0.5, -2);
    expect(contributing()).toEqual([0]);
    await paintDelta(null, { row: 0.5, col: 0.5 }, 0.5, 0);
    expect(contributing()).toEqual([]);
    await stopPaintingDelta();
    expect(state().paintedDelta).toBeNull();
    expect(contributing().length).toBeGreaterThan(0);
  });

  test("the update uses the painted δ's sums", async () => {
    await startPaintingDelta();
    await loadDeltaPreset("oneHot", 1);
    finishSweep();
    const s = state();
    const want = s.kernel.data.map(
      (w, i) => w - s.learningRate * (s.sums?.kernelGrad.data[i] ?? 0),
    );
    applyUpdate();
    await requestSweep();
    expect(Array.from(state().kernel.data)).toEqual(Array.from(want));
    expect(state().paintedDelta).not.toBeNull();
  });

  test("a δ of the wrong shape or out of range is refused with a message", async () => {
    await startPaintingDelta();
    await setPaintedDelta(createGrid(29, 30));
    expect(state().notice?.text).toMatch(/output's shape, 30x30; this one is 29x30/);
    const big = createGrid(30, 30);
    big.data[5] = 1e9;
    await setPaintedDelta(big);
    expect(state().notice?.text).toMatch(/Painted δ values must be from/);
    expect(state().paintedDelta?.data[5]).not.toBe(1e9);
  });

  test("a stride that changes the output refits the painted δ, keeping its cells", async () => {
    await startPaintingDelta();
    await loadDeltaPreset("oneHot", 1);
    setOptions({ stride: 2 });
    await requestSweep();
    expect(state().paintedDelta?.height).toBe(15);
    expect(state().paintedDelta?.data[14 * 15 + 14]).toBe(1);
  });

  test("Train is refused while painting δ", async () => {
    await startPaintingDelta();
    await train(5);
    expect(state().updates).toBe(0);
    expect(state().notice?.text).toMatch(/leave Paint δ to train/);
  });
});

describe("the rules, the state file and the link carry a painted δ", () => {
  test("stateRules refuse a painted δ of the wrong shape or with a non-finite value", async () => {
    await startPaintingDelta();
    const s = state();
    expect(stateProblem({ ...s, paintedDelta: createGrid(3, 3) })).toMatch(
      /"paintedDelta" must have the output's shape: expected 30x30, found 3x3/,
    );
    const bad = createGrid(30, 30);
    bad.data[7] = Number.POSITIVE_INFINITY;
    expect(stateProblem({ ...s, paintedDelta: bad })).toMatch(/paintedDelta\.data\[7\]/);
    expect(stateProblem({ ...s, paintedDelta: null })).toBeNull();
  });

  test("export → import round-trips the painted δ and its sums exactly", async () => {
    await startPaintingDelta();
    await loadDeltaPreset("rowStripe", -0.5);
    finishSweep();
    const text = exportState();
    const doc = JSON.parse(text);
    expect(doc.version).toBe(1);
    expect(doc.paintedDelta.data[14 * 30 + 3]).toBe(-0.5);
    await stopPaintingDelta();
    expect(await importState(text)).toBe(true);
    expect(Array.from(state().paintedDelta?.data ?? [])).toEqual(doc.paintedDelta.data);
    expect(state().position).toBe(900);
    expect(exportState()).toBe(text);
  });

  test("a file without paintedDelta (as before) still opens, in the target's mode", async () => {
    const text = exportState();
    expect(JSON.parse(text).paintedDelta).toBeUndefined();
    await startPaintingDelta();
    expect(await importState(text)).toBe(true);
    expect(state().paintedDelta).toBeNull();
  });

  test("a file whose painted δ has the wrong shape or a string value is refused", () => {
    const doc = JSON.parse(exportState());
    doc.paintedDelta = { height: 2, width: 2, data: [0, 0, 0, 0] };
    expect(() => parseState(JSON.stringify(doc))).toThrow(
      /"paintedDelta" must have the output's shape/,
    );
    doc.paintedDelta = { height: 30, width: 30, data: Array(900).fill(0) };
    doc.paintedDelta.data[2] = "1";
    expect(() => parseState(JSON.stringify(doc))).toThrow(/paintedDelta\.data\[2\]/);
  });

  test("a link carries the painted δ", async () => {
    await startPaintingDelta();
    await loadDeltaPreset("columnStripe", 2);
    const value = (await encodeLink(currentLinkedState())).replace(/^state=/, "");
    const back = await decodeLink(value);
    expect(Array.from(back.paintedDelta?.data ?? [])).toEqual(
      Array.from(state().paintedDelta?.data ?? []),
    );
    expect(
      readState(JSON.parse(JSON.stringify({ ...JSON.parse(exportState()) })), "link").paintedDelta,
    ).not.toBeUndefined();
  });
});

describe("presets", () => {
  test("one hot cell, stripes, clear and the real δ", () => {
    const s = state();
    expect(Array.from(presetDelta("oneHot", 4, 5, 2, s).data.filter((v) => v !== 0))).toEqual([2]);
    expect(presetDelta("rowStripe", 4, 5, 1, s).data.filter((v) => v !== 0).length).toBe(5);
    expect(presetDelta("columnStripe", 4, 5, 1, s).data.filter((v) => v !== 0).length).toBe(4);
    expect(presetDelta("clear", 4, 5, 1, s).data.every((v) => v === 0)).toBe(true);
    const out = conv2d(s.image, s.kernel, s.bias, s.options);
    const real = presetDelta("real", 30, 30, 1, s);
    expect(real.data[0]).toBe((out.data[0] as number) - (s.target.data[0] as number));
    expect(Array.from(resizeDelta(real, 2, 2).data)).toEqual([
      real.data[0],
      real.data[1],
      real.data[30],
      real.data[31],
    ]);
  });
});
