// A person's images as the section's data (state/network/data.ts, fileData.ts, file.ts,
// spec.ts, store.ts, imageActions.ts' imageSetInfo, guard.ts): what each data set can feed,
// the words the page uses for it, a network file that names the images its network reads,
// the drawn digit as a 28x28 network reads it, and the guard under the store.
import { beforeAll, describe, expect, test } from "vitest";
import {
  createNetwork,
  initNetworkParams,
  type LayerSpec,
  NETWORK_PRESETS,
  type NetworkSpec,
} from "../../../../src/engine";
import type { ImageSet } from "../../../../src/images/types";
import {
  DIGITS,
  DIGITS_FIT,
  DIGITS_INPUT,
  DIGITS_INPUT_28,
  dataWords,
  fitOf,
  type ImageSetInfo,
  labelText,
  type SectionData,
} from "../../../../src/state/network/data";
import { parseNetworkFile, serializeNetwork } from "../../../../src/state/network/file";
import { networkStateProblem } from "../../../../src/state/network/guard";
import { imageSetInfo } from "../../../../src/state/network/imageActions";
import { layersForClasses, sectionNetwork, sectionSpec } from "../../../../src/state/network/spec";
import {
  drawnInput,
  freshNetwork,
  initialNetworkState,
  type NetworkState,
} from "../../../../src/state/network/store";

/** A person's set as the store shows it: 3 classes of 16x16 images (no thumbnails needed). */
const SET: ImageSetInfo = {
  id: "set-1733-a",
  classes: ["cat", "cup", "dog"],
  height: 16,
  width: 16,
  trainCounts: [8, 8, 6],
  testCounts: [2, 2, 1],
  thumbnails: [],
  skipped: [],
};
const IMAGES: SectionData = { kind: "images", set: SET };

/** Layers that read 16x16 (or 28x28, 32x32) images into `classes` values. */
const layers = (classes: number): LayerSpec[] => [
  { type: "conv2d", filters: 2, kernelSize: 3 },
  { type: "relu" },
  { type: "maxpool2d", size: 2 },
  { type: "flatten" },
  { type: "dense", units: classes },
];

const spec = (channels: number, height: number, width: number, classes: number): NetworkSpec =>
  sectionSpec(layers(classes), { channels, height, width });

describe("fitOf", () => {
  test("the digits: 1x32x32 or 1x28x28, ten classes", () => {
    expect(fitOf(DIGITS)).toBe(DIGITS_FIT);
    expect(DIGITS_FIT.inputs).toEqual([
      { channels: 1, height: 32, width: 32 },
      { channels: 1, height: 28, width: 28 },
    ]);
    expect(DIGITS_FIT.classes).toBe(10);
  });

  test("a person's images: colour or gray at their size, one class per folder", () => {
    const fit = fitOf({ kind: "images", set: { ...SET, height: 24, width: 40 } });
    expect(fit.inputs).toEqual([
      { channels: 3, height: 24, width: 40 },
      { channels: 1, height: 24, width: 40 },
    ]);
    expect(fit.classes).toBe(3);
    expect(fit.what).toBe("your images (24x40, 3 classes)");
  });
});

describe("sectionNetwork fits the data", () => {
  test("the digits: 1x32x32 and 1x28x28 into 10", () => {
    expect(() => sectionNetwork(spec(1, 32, 32, 10), DIGITS_FIT)).not.toThrow();
    expect(() => sectionNetwork(spec(1, 28, 28, 10), DIGITS_FIT)).not.toThrow();
    // The default fit is the digits'.
    expect(() => sectionNetwork(spec(1, 28, 28, 10))).not.toThrow();
  });

  test("the digits refuse another input, naming it and theirs", () => {
    expect(() => sectionNetwork(spec(3, 32, 32, 10), DIGITS_FIT)).toThrow(
      "the network reads 3x32x32 images; the digits can be read as 1x32x32 or 1x28x28",
    );
    expect(() => sectionNetwork(spec(1, 16, 16, 10), DIGITS_FIT)).toThrow(/reads 1x16x16 images/);
  });

  test("the digits refuse another class count, naming both", () => {
    expect(() => sectionNetwork(spec(1, 28, 28, 3), DIGITS_FIT)).toThrow(
      "the digits have 10 classes: the network must end in 10 values, and it ends in 3",
    );
  });

  const WIDE: SectionData = { kind: "images", set: { ...SET, height: 16, width: 24 } };

  test("a person's images: 3xHxW and 1xHxW into their classes", () => {
    expect(() => sectionNetwork(spec(3, 16, 24, 3), fitOf(WIDE))).not.toThrow();
    expect(() => sectionNetwork(spec(1, 16, 24, 3), fitOf(WIDE))).not.toThrow();
  });

  test("a person's images refuse another shape (the sides swapped too), naming both", () => {
    expect(() => sectionNetwork(spec(3, 24, 16, 3), fitOf(WIDE))).toThrow(
      "the network reads 3x24x16 images; your images (16x24, 3 classes) can be read as 3x16x24 or 1x16x24",
    );
    expect(() => sectionNetwork(spec(1, 32, 32, 3), fitOf(WIDE))).toThrow(/reads 1x32x32 images/);
    // Two channels are no image at all: the engine says so first.
    expect(() => sectionNetwork(spec(2, 16, 24, 3), fitOf(WIDE))).toThrow(/channels must be 1/);
  });

  test("a person's images refuse another class count, naming the classes", () => {
    expect(() => sectionNetwork(spec(3, 16, 24, 10), fitOf(WIDE))).toThrow(
      "your images (16x24, 3 classes) have 3 classes: the network must end in 3 values, and it ends in 10",
    );
  });
});

describe("layersForClasses", () => {
  const body: LayerSpec[] = [
    { type: "conv2d", filters: 4, kernelSize: 5, stride: 1, padding: 0, dilation: 1 },
    { type: "relu" },
    { type: "flatten" },
    { type: "dense", units: 32 },
    { type: "relu" },
  ];

  test("a last dense layer gets one value per class; every other layer stays", () => {
    const given = [...body, { type: "dense", units: 10 } as LayerSpec];
    const copy = structuredClone(given);
    expect(layersForClasses(given, 4)).toEqual([...body, { type: "dense", units: 4 }]);
    expect(given).toEqual(copy);
  });

  test("any other last layer is kept, and so is a dense layer before it", () => {
    expect(layersForClasses(body, 4)).toEqual(body);
    expect(layersForClasses(body, 4)).not.toBe(body);
    expect(layersForClasses([], 4)).toEqual([]);
  });

  test("the default network's layers end in the images' classes", () => {
    const made = layersForClasses(NETWORK_PRESETS.default().layers, 3);
    expect(made.at(-1)).toEqual({ type: "dense", units: 3 });
    expect(made.slice(0, -1)).toEqual(NETWORK_PRESETS.default().layers.slice(0, -1));
  });
});

describe("dataWords and labelText", () => {
  test("the digits: digit/digits, 8,000 and 2,000, named 0–9", () => {
    const words = dataWords(DIGITS);
    expect(words).toEqual({
      one: "digit",
      many: "digits",
      train: 8000,
      test: 2000,
      classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    });
    expect(labelText(words, 7)).toBe("digit 7");
  });

  test("a person's images: image/images, the counts summed, the folders' names", () => {
    const words = dataWords(IMAGES);
    expect(words).toEqual({
      one: "image",
      many: "images",
      train: 22,
      test: 5,
      classNames: ["cat", "cup", "dog"],
    });
    expect(labelText(words, 1)).toBe("“cup”");
    expect(labelText(words, 5)).toBe("“5”");
  });
});

/** A network state on `data` with `spec`, trained two steps, swept on test image 2. */
function stateOn(data: SectionData, given: NetworkSpec, classes: number): NetworkState {
  const fresh = freshNetwork(given, 5, data);
  return {
    ...initialNetworkState(),
    ...fresh,
    data,
    params: fresh.params.map((v, i) => v + (i % 7) / 1000),
    velocity: fresh.params.map((_, i) => (i % 5) / 100),
    steps: 2,
    losses: [1.1, 0.9],
    batchAccuracies: [0.25, 0.5],
    evaluations: [
      {
        step: 2,
        accuracy: 0.4,
        loss: 1.05,
        confusion: Int32Array.from({ length: classes * classes }, (_, i) => i % 2),
      },
    ],
    choice: { set: "test", index: 2 },
    layer: 0,
    filter: 1,
    position: 5,
  };
}

describe("a network file of a person's images", () => {
  // Made before the tests (not while they are collected), so a broken rule fails each test.
  let state: NetworkState;
  let text: string;
  beforeAll(() => {
    state = stateOn(IMAGES, spec(3, 16, 16, 3), 3);
    text = serializeNetwork(state);
  });
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, changed field by field.
  const doc = (): Record<string, any> => JSON.parse(text);

  test("it names the images, and opens while they are open: the same network and data", () => {
    expect(doc().images).toEqual({
      classes: ["cat", "cup", "dog"],
      height: 16,
      width: 16,
      trainCounts: [8, 8, 6],
      testCounts: [2, 2, 1],
    });
    const read = parseNetworkFile(text, IMAGES);
    expect(read.spec).toEqual(state.spec);
    expect(read.spec.input).toEqual({ channels: 3, height: 16, width: 16 });
    expect(read.params).toEqual(state.params);
    expect(read.velocity).toEqual(state.velocity);
    expect(read.data).toBe(IMAGES);
    expect(read.evaluations).toEqual(state.evaluations);
    expect(read.choice).toEqual({ set: "test", index: 2 });
    expect([read.layer, read.filter, read.position]).toEqual([0, 1, 5]);
  });

  test("the same images stored again (a new id) open it too", () => {
    const again: SectionData = { kind: "images", set: { ...SET, id: "set-1800-b" } };
    expect(parseNetworkFile(text, again).data).toBe(again);
  });

  const refused =
    /"images": this network was trained on a person's images \(classes cat, cup, dog; 16x16\)\. Open those images first \(Open images\), then this file\./;

  test("while the digits are the data, it is refused: open those images first", () => {
    expect(() => parseNetworkFile(text)).toThrow(refused);
    expect(() => parseNetworkFile(text, DIGITS)).toThrow(refused);
  });

  const others: [string, Partial<ImageSetInfo>][] = [
    ["other classes", { classes: ["cat", "cup", "eel"] }],
    ["a class fewer", { classes: ["cat", "cup"], trainCounts: [8, 8], testCounts: [2, 2] }],
    ["other training counts", { trainCounts: [8, 7, 7] }],
    ["other held-out counts", { testCounts: [2, 1, 2] }],
    ["another size", { height: 32, width: 32 }],
  ];
  for (const [what, change] of others) {
    test(`while images of ${what} are open, it is refused naming its classes`, () => {
      const open: SectionData = { kind: "images", set: { ...SET, ...change } };
      expect(() => parseNetworkFile(text, open)).toThrow(refused);
    });
  }

  test('a "drawn" sweep image is refused: a person\'s images have none', () => {
    const d = doc();
    d.sweep.image = { set: "drawn", label: 1 };
    expect(() => parseNetworkFile(JSON.stringify(d), IMAGES)).toThrow(
      '"sweep.image.set" must be "train" or "test", but it is "drawn".',
    );
  });

  test("an image index past the images' own count is refused", () => {
    const d = doc();
    d.sweep.image = { set: "test", index: 5 };
    expect(() => parseNetworkFile(JSON.stringify(d), IMAGES)).toThrow(
      /"sweep.image.index" must be a whole number from 0 to 4, but it is 5/,
    );
    d.sweep.image = { set: "train", index: 21 };
    expect(parseNetworkFile(JSON.stringify(d), IMAGES).choice).toEqual({
      set: "train",
      index: 21,
    });
  });

  test("a confusion matrix must be classes² long (9), not the digits' 100", () => {
    const d = doc();
    d.evaluations[0].confusion = new Array(100).fill(0);
    expect(() => parseNetworkFile(JSON.stringify(d), IMAGES)).toThrow(
      '"evaluations[0].confusion" must hold 9 numbers for this network, but it holds 100.',
    );
    d.evaluations[0].confusion = [0, 0, 0, 0, 6, 0, 0, 0, 0];
    expect(() => parseNetworkFile(JSON.stringify(d), IMAGES)).toThrow(
      /"evaluations\[0\].confusion\[4\]" must be a whole number from 0 to 5, but it is 6/,
    );
  });

  test("a network that does not read the images is refused naming their shapes", () => {
    const d = doc();
    d.network.input = { channels: 3, height: 32, width: 32 };
    expect(() => parseNetworkFile(JSON.stringify(d), IMAGES)).toThrow(
      /"network.input" must be \{"channels": 3, "height": 16, "width": 16\} or \{"channels": 1, "height": 16, "width": 16\} \(your images \(16x16, 3 classes\)\)/,
    );
    const e = doc();
    e.network.layers.at(-1).units = 10;
    expect(() => parseNetworkFile(JSON.stringify(e), IMAGES)).toThrow(
      /have 3 classes: the network must end in 3 values, and it ends in 10/,
    );
  });

  test("a gray network of the same images goes out and back", () => {
    const gray = stateOn(IMAGES, spec(1, 16, 16, 3), 3);
    const read = parseNetworkFile(serializeNetwork(gray), IMAGES);
    expect(read.spec.input).toEqual({ channels: 1, height: 16, width: 16 });
    expect(read.params).toEqual(gray.params);
  });
});

describe("a digits network of MNIST's own 28x28", () => {
  let state: NetworkState;
  beforeAll(() => {
    state = stateOn(DIGITS, spec(1, 28, 28, 10), 10);
  });

  test("goes out and back, naming no images", () => {
    const text = serializeNetwork(state);
    expect(JSON.parse(text).images).toBeUndefined();
    const read = parseNetworkFile(text);
    expect(read.spec).toEqual(state.spec);
    expect(read.spec.input).toEqual(DIGITS_INPUT_28);
    expect(read.params).toEqual(state.params);
    expect(read.data).toBe(DIGITS);
    expect(read.evaluations[0]?.confusion).toHaveLength(100);
  });

  test("opens while a person's images are the data, and gives the digits back as the data", () => {
    const read = parseNetworkFile(serializeNetwork(state), IMAGES);
    expect(read.data).toBe(DIGITS);
    expect(read.spec).toEqual(state.spec);
  });
});

describe("drawnInput", () => {
  const drawn = Float64Array.from({ length: 32 * 32 }, (_, i) => (i % 97) / 96);
  const digits32 = { data: DIGITS, spec: spec(1, 32, 32, 10), drawn };

  test("a 32x32 network reads the drawing as drawn", () => {
    expect(drawnInput(digits32)).toBe(drawn);
  });

  test("a 28x28 network reads its centre, without the border of 2", () => {
    const out = drawnInput({ ...digits32, spec: spec(1, 28, 28, 10) });
    const expected = new Float64Array(28 * 28);
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) expected[r * 28 + c] = drawn[(r + 2) * 32 + (c + 2)] as number;
    }
    expect(out).toEqual(expected);
  });

  test("a network of a person's images reads no drawing", () => {
    expect(drawnInput({ data: IMAGES, spec: spec(3, 16, 16, 3), drawn })).toBeNull();
    expect(drawnInput({ data: IMAGES, spec: spec(1, 16, 16, 3), drawn })).toBeNull();
  });
});

describe("imageSetInfo", () => {
  const shape = { channels: 3, height: 2, width: 3 } as const;
  const size = 3 * 2 * 3;
  /** Image i's bytes: every byte i (and its index within the image, to tell them apart). */
  const part = (labels: number[]) => ({
    count: labels.length,
    labels: Uint8Array.from(labels),
    pixels: Uint8Array.from(
      { length: labels.length * size },
      (_, j) => Math.floor(j / size) * 8 + (j % size === 0 ? 1 : 0),
    ),
  });
  // Class 0: 9 training images, class 1: 2, class 2: 7 (interleaved); class 2 has no test image.
  const trainLabels = [0, 2, 0, 1, 0, 2, 0, 0, 2, 0, 2, 0, 1, 2, 0, 2, 2, 0];
  const set: ImageSet = {
    id: "set-9",
    classes: ["a", "b", "c"],
    shape,
    train: part(trainLabels),
    test: part([0, 1, 1, 0]),
    skipped: [{ name: "notes.txt", why: "not an image" }],
  };
  const info = imageSetInfo(set);

  test("names the set, its classes, size and what was skipped", () => {
    expect(info.id).toBe("set-9");
    expect(info.classes).toEqual(["a", "b", "c"]);
    expect([info.height, info.width]).toEqual([2, 3]);
    expect(info.skipped).toEqual([{ name: "notes.txt", why: "not an image" }]);
  });

  test("counts the images of each class, training and held-out", () => {
    expect(info.trainCounts).toEqual([9, 2, 7]);
    expect(info.testCounts).toEqual([2, 2, 0]);
  });

  test("keeps at most 6 thumbnails a class, the class's first images, their bytes", () => {
    const perClass = [0, 1, 2].map((c) => info.thumbnails.filter((t) => t.label === c).length);
    expect(perClass).toEqual([6, 2, 6]);
    const expected = trainLabels
      .map((label, i) => ({ label, i }))
      .filter(({ label, i }) => trainLabels.slice(0, i).filter((l) => l === label).length < 6);
    expect(info.thumbnails).toHaveLength(expected.length);
    info.thumbnails.forEach((t, k) => {
      const { label, i } = expected[k] as { label: number; i: number };
      expect(t.label).toBe(label);
      expect(t.pixels).toEqual(set.train.pixels.slice(i * size, (i + 1) * size));
      // A copy of its own, not a view that keeps the whole set's bytes alive.
      expect(t.pixels.buffer).not.toBe(set.train.pixels.buffer);
    });
  });
});

describe("the store's guard and a person's images", () => {
  const prev = initialNetworkState();

  test("refuses images as the data while the spec reads the digits", () => {
    const problem = networkStateProblem(prev, { ...prev, data: IMAGES });
    expect(problem).toMatch(/"network.input" must be \{"channels": 3, "height": 16/);
    expect(problem).toMatch(/your images \(16x16, 3 classes\)/);
    expect(problem).toMatch(/"channels":1,"height":32,"width":32/);
  });

  test("refuses a spec of the images' shape that does not end in their classes", () => {
    // Made by hand: freshNetwork refuses it for either data set.
    const ten = spec(3, 16, 16, 10);
    const params = initNetworkParams(createNetwork(ten), 5);
    const next = { ...prev, spec: ten, data: IMAGES, params, velocity: params.map(() => 0) };
    const problem = networkStateProblem(prev, next);
    expect(problem).toMatch(/must end in 3 values, and it ends in 10/);
  });

  test("refuses the drawn image as the sweep's image of a person's images", () => {
    const on = stateOn(IMAGES, spec(3, 16, 16, 3), 3);
    expect(networkStateProblem(prev, on)).toBeNull();
    expect(networkStateProblem(on, { ...on, choice: { set: "drawn", label: 0 } })).toMatch(
      /"sweep.image.set" must be "train" or "test", but it is "drawn"/,
    );
  });

  test("lets a network that fits the images be made their data", () => {
    const on = stateOn(IMAGES, spec(1, 16, 16, 3), 3);
    expect(networkStateProblem(prev, on)).toBeNull();
    // …and back to the digits only with a network that reads them.
    expect(networkStateProblem(on, { ...on, data: DIGITS })).toMatch(/"network.input"/);
    const back = { ...on, ...freshNetwork(sectionSpec(layers(10), DIGITS_INPUT), 5), data: DIGITS };
    expect(networkStateProblem(on, back)).toBeNull();
  });
});

test("the default network, made for 3 classes at 32x32 in colour, is a network the section takes", () => {
  const data: SectionData = { kind: "images", set: { ...SET, height: 32, width: 32 } };
  const made = sectionSpec(layersForClasses(NETWORK_PRESETS.default().layers, 3), {
    channels: 3,
    height: 32,
    width: 32,
  });
  const net = sectionNetwork(made, fitOf(data));
  expect(initNetworkParams(createNetwork(made), 1)).toHaveLength(net.paramCount);
});
