// The network file ("convsweep-network" v2, and v1 still read): a saved state reads back the
// same, and each rule refuses a file with a message naming the field; the link's part reads
// with the same rules, its layers included.
import { describe, expect, test } from "vitest";
import {
  cnnPresetSpec,
  createNetwork,
  initNetworkParams,
  NETWORK_PRESETS,
} from "../../../../src/engine";
import { parseNetworkFile, serializeNetwork } from "../../../../src/state/network/file";
import { networkLink, readNetworkLink } from "../../../../src/state/network/link";
import { digitsSpec } from "../../../../src/state/network/spec";
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
  expect(read.spec).toEqual(state.spec);
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
  ["version", (d) => (d.version = 3), /versions 1 and 2; this one is version 3/],
  ["network", (d) => (d.network = null), /"network" must be an object/],
  [
    "network.layers[0].filters",
    (d) => (d.network.layers[0].filters = 65),
    /"network.layers\[0\].filters" must be from 1 to 64, but it is 65/,
  ],
  [
    "network.layers[0].stride",
    (d) => (d.network.layers[0].stride = 1.5),
    /"network.layers\[0\].stride" must be a whole number/,
  ],
  [
    "network.layers[1].type",
    (d) => (d.network.layers[1].type = "sigmoid"),
    /"network.layers\[1\].type" must be one of conv2d, relu/,
  ],
  [
    "network.layers[2] extra field",
    (d) => (d.network.layers[2].padding = 1),
    /"network.layers\[2\]" is a maxpool2d layer, which has no field "padding"/,
  ],
  [
    "network.input",
    (d) => (d.network.input.channels = 3),
    /"network.input" must be \{"channels": 1, "height": 32, "width": 32\} or .*28.* \(the digits\), but it is \{"channels":3/,
  ],
  ["network.loss", (d) => (d.network.loss = "squared-error"), /"network.loss"/],
  [
    "network (no fit)",
    (d) => d.network.layers.splice(0, 0, { type: "flatten" }),
    /"network" does not make a network the section can train: layer 2, conv 3x3/,
  ],
  [
    "network (not ten classes)",
    (d) => (d.network.layers.at(-1).units = 9),
    /must end in 10 values, and it ends in 9/,
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
  [
    "sweep.layer",
    (d) => (d.sweep.layer = 1),
    /"sweep.layer" must be a conv layer's index \(0\), but it is 1/,
  ],
  [
    "sweep.layer range",
    (d) => (d.sweep.layer = 5),
    /"sweep.layer" must be a whole number from 0 to 4/,
  ],
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
  expect(read.spec).toEqual(state.spec);
  expect(link.startsWith("c3x3k8s1p0d1.r.m2s2.f.d10~")).toBe(true);
  expect(() => readNetworkLink(link.replace(/^c3x3k8/, "c3x3k99"))).toThrow(
    /"layers.layers\[0\].filters" must be from 1 to 64/,
  );
  expect(() => readNetworkLink(link.replace(/^c3x3/, "c0x4"))).toThrow(
    /"layers.layers\[0\].kernelSize\[0\]" must be from 1 to 7/,
  );
  for (const bad of [
    "c0x4k8s1p0d1e",
    "c3x3k8s1p0d1e",
    "c3x3k0x8s1p0d1",
    "c3x3k1e1s1p0d1",
    "c3x3k-8s1p0d1",
    "q",
    "c3x3k8",
  ]) {
    expect(() => readNetworkLink(link.replace(/^c3x3k8s1p0d1/, bad)), bad).toThrow(/layer 1 reads/);
  }
  expect(() => readNetworkLink("1~2")).toThrow(/12/);
});

test("every preset goes through a link and a file and comes back the same", () => {
  for (const [name, make] of Object.entries(NETWORK_PRESETS)) {
    const spec = digitsSpec(make().layers);
    const net = createNetwork(spec);
    const layer = net.plans.map((p) => p.type).lastIndexOf("conv2d");
    const s: NetworkState = {
      ...state,
      spec,
      params: initNetworkParams(net, 5),
      velocity: new Float64Array(net.paramCount),
      layer,
      filter: 1,
    };
    const link = readNetworkLink(networkLink(s));
    expect(link.spec, name).toEqual(spec);
    expect(link.layer, name).toBe(layer);
    const file = parseNetworkFile(serializeNetwork(s));
    expect(file.spec, name).toEqual(spec);
    expect([...file.params], name).toEqual([...s.params]);
  }
});

test("a version 1 file and an older link (the small CNN's K, K2, stride, padding) still open", () => {
  const doc = good();
  const spec = digitsSpec(cnnPresetSpec({ filters: 4, filters2: 2 }).layers);
  const net = createNetwork(spec);
  doc.version = 1;
  delete doc.network;
  doc.config = { filters: 4, filters2: 2, stride: 1, padding: 0 };
  doc.params = [...initNetworkParams(net, 1)];
  doc.velocity = new Array(net.paramCount).fill(0);
  doc.sweep = { ...doc.sweep, layer: 2, filter: 1, position: 3, sums: null, engine: null };
  const read = parseNetworkFile(JSON.stringify(doc));
  expect(read.spec).toEqual(spec);
  // Version 1 numbered the conv layers 1 and 2: the second is the spec's layer 3.
  expect(read.layer).toBe(3);
  const old = readNetworkLink("4~2~1~0~64~0.1~0.9~mean~1~train~5~2~1~1~1000");
  expect(old.spec).toEqual(spec);
  expect(old.layer).toBe(3);
  expect(old.settings.maxShift).toBe(1);
  expect(() => readNetworkLink("17~2~1~0~64~0.1~0.9~mean~1~train~5~2~1")).toThrow(
    /"config.filters"/,
  );
});

test("a stroke paints ink near its segment only, never lowering a cell", () => {
  const blank = new Float64Array(1024);
  const once = paintedDigit(blank, { x: 16, y: 8 }, { x: 16, y: 24 }) as Float64Array;
  expect(once[16 * 32 + 15]).toBe(1);
  expect(once[16 * 32 + 2]).toBe(0);
  expect(paintedDigit(once, { x: 16, y: 8 }, { x: 16, y: 24 })).toBeNull();
});
