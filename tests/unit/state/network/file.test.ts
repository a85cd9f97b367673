// The network file ("convsweep-network" v1): a saved state reads back the same, and each rule
// refuses a file with a message naming the field; the link's part reads with the same rules.
import { describe, expect, test } from "vitest";
import {
  networkLink,
  parseNetworkFile,
  readNetworkLink,
  serializeNetwork,
} from "../../../../src/state/network/file";
import { initialNetworkState, type NetworkState } from "../../../../src/state/network/store";
import { paintedDigit } from "../../../../src/state/network/sweep";

const state: NetworkState = {
  ...initialNetworkState(),
  steps: 2,
  losses: [2.3, 2.1],
  batchAccuracies: [0.1, 0.2],
  evaluations: [{ step: 2, accuracy: 0.25, loss: 2.2, confusion: new Int32Array(100).fill(20) }],
  choice: { set: "test", index: 17 },
  filter: 3,
};
const good = () => JSON.parse(serializeNetwork(state));

test("a saved network reads back to the same fields", () => {
  const read = parseNetworkFile(serializeNetwork(state));
  expect(read.config).toEqual(state.config);
  expect(read.settings).toEqual(state.settings);
  expect([...read.params]).toEqual([...state.params]);
  expect(read.evaluations[0]?.confusion).toEqual(state.evaluations[0]?.confusion);
  expect(read.choice).toEqual({ set: "test", index: 17 });
  expect(read.filter).toBe(3);
});

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, broken field by field.
type Doc = Record<string, any>;
/** [what is broken, how, the message expected]. */
const RULES: [string, (d: Doc) => void, RegExp][] = [
  ["format", (d) => (d.format = "convsweep-state"), /"format" must be "convsweep-network"/],
  ["version", (d) => (d.version = 2), /version 1; this one is version 2/],
  ["config", (d) => (d.config = null), /"config" must be an object/],
  [
    "config.filters",
    (d) => (d.config.filters = 17),
    /"config.filters" must be a whole number from 1 to 16/,
  ],
  ["config.filters2", (d) => (d.config.filters2 = -1), /"config.filters2"/],
  ["config.stride", (d) => (d.config.stride = 1.5), /"config.stride"/],
  [
    "config (no fit)",
    (d) => Object.assign(d.config, { stride: 4, filters2: 4 }),
    /"config" does not make a network/,
  ],
  ["settings.batchSize", (d) => (d.settings.batchSize = 0), /"settings.batchSize"/],
  ["settings.learningRate", (d) => (d.settings.learningRate = -1), /"settings.learningRate"/],
  ["settings.momentum", (d) => (d.settings.momentum = 1), /"settings.momentum"/],
  [
    "settings.reduction",
    (d) => (d.settings.reduction = "max"),
    /"settings.reduction" must be "sum" or "mean"/,
  ],
  ["settings.seed", (d) => (d.settings.seed = 2 ** 32), /"settings.seed"/],
  ["steps", (d) => (d.steps = -1), /"steps"/],
  ["params length", (d) => d.params.pop(), /"params" must hold \d+ numbers/],
  ["params value", (d) => (d.params[5] = 1e7), /"params\[5\]"/],
  ["params NaN", (d) => (d.params[6] = null), /"params\[6\]" must be a finite number/],
  ["velocity", (d) => (d.velocity = "x"), /"velocity" must be an array/],
  ["losses too many", (d) => d.losses.push(1, 1), /more than the 2 steps/],
  ["losses value", (d) => (d.losses[0] = -1), /"losses\[0\]"/],
  ["batchAccuracies", (d) => (d.batchAccuracies[1] = 2), /"batchAccuracies\[1\]"/],
  ["evaluations step", (d) => (d.evaluations[0].step = 3), /"evaluations\[0\].step"/],
  [
    "evaluations confusion",
    (d) => d.evaluations[0].confusion.pop(),
    /"evaluations\[0\].confusion" must hold 100/,
  ],
  ["drawn", (d) => (d.drawn[3] = 1.5), /"drawn\[3\]" must be from 0 to 1/],
  ["sweep.image.set", (d) => (d.sweep.image = { set: "valid", index: 0 }), /"sweep.image.set"/],
  [
    "sweep.image.index",
    (d) => (d.sweep.image.index = 2000),
    /"sweep.image.index" must be a whole number from 0 to 1,999/,
  ],
  ["sweep.layer", (d) => (d.sweep.layer = 2), /"sweep.layer" must be a whole number from 1 to 1/],
  ["sweep.filter", (d) => (d.sweep.filter = 8), /"sweep.filter"/],
  [
    "sweep.position",
    (d) => (d.sweep.position = 901),
    /"sweep.position" must be a whole number from 0 to 900/,
  ],
];

describe("each rule refuses a file naming the field", () => {
  for (const [name, breakIt, message] of RULES) {
    test(name, () => {
      const doc = good();
      breakIt(doc);
      expect(() => parseNetworkFile(JSON.stringify(doc))).toThrow(message);
    });
  }
  test("not JSON", () => {
    expect(() => parseNetworkFile("{")).toThrow(/not JSON/);
  });
});

test("the link's part: settings, seed and chosen image read back; a bad one names the field", () => {
  const link = networkLink(state);
  const read = readNetworkLink(link);
  expect(read.settings).toEqual(state.settings);
  expect(read.choice).toEqual(state.choice);
  expect(read.filter).toBe(3);
  expect(() => readNetworkLink(link.replace(/^8~/, "99~"))).toThrow(/"config.filters"/);
  expect(() => readNetworkLink("1~2")).toThrow(/13/);
});

test("a stroke paints ink near its segment only, never lowering a cell", () => {
  const blank = new Float64Array(1024);
  const once = paintedDigit(blank, { x: 16, y: 8 }, { x: 16, y: 24 }) as Float64Array;
  expect(once[16 * 32 + 15]).toBe(1);
  expect(once[16 * 32 + 2]).toBe(0);
  expect(paintedDigit(once, { x: 16, y: 8 }, { x: 16, y: 24 })).toBeNull();
});
