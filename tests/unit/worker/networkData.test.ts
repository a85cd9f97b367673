// The images a network request reads, by data key (worker/network/dataKey.ts, data.ts): the
// keys' round trip, the digits unpadded to 28x28, a person's images in colour or gray, the
// cache of loaded keys, and training and a sweep on a person's colour images through the
// handler.
import { describe, expect, test } from "vitest";
import {
  createNetwork,
  createNetworkTrainer,
  type DigitsDataset,
  initNetworkParams,
  type NetworkSpec,
  networkFilterSweep,
  type TrainSettings,
  trainStep,
} from "../../../src/engine";
import { toGray } from "../../../src/images/fit";
import {
  dataCache,
  type ImagesLoader,
  loadData,
  type StoredImages,
} from "../../../src/worker/network/data";
import { type DataSource, dataKey, dataSourceOf } from "../../../src/worker/network/dataKey";
import type {
  NetworkSweepRequestMessage,
  NetworkTrainRequestMessage,
} from "../../../src/worker/network/protocol";
import { mulberry32, type Rand, randomInt } from "../engine/random";
import { of, randomDigits, recorder } from "./fixtures";

const DIGITS: DigitsDataset = { train: randomDigits(11, 12), test: randomDigits(12, 7) };
const loadDigits = async () => DIGITS;
const noImages: ImagesLoader = async (id) => {
  throw new Error(`no images asked for, yet ${id} was`);
};
/** A loader that notes each argument it is called with in `calls` and gives `value`. */
function noting<T>(calls: string[], value: () => T): (arg: string) => Promise<T> {
  return async (arg) => {
    calls.push(arg);
    return value();
  };
}
const noDigits = async (url: string): Promise<DigitsDataset> => {
  throw new Error(`no digits asked for, yet ${url} was`);
};

/** One part of a stored set: `count` images of [3][H][W] bytes, labels 0, 1, 2, 0, … */
function storedPart(rand: Rand, count: number, height: number, width: number, colour: boolean) {
  const plane = height * width;
  const pixels = new Uint8Array(count * 3 * plane);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
  for (let n = 0; n < count; n++) {
    const label = labels[n] as number;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < plane; p++) {
        // Colour: each class bright in its own channel (red, green, blue), so it can be learnt.
        // Otherwise any byte at all.
        const value = colour
          ? c === label
            ? randomInt(rand, 150, 255)
            : randomInt(rand, 0, 90)
          : randomInt(rand, 0, 255);
        pixels[(n * 3 + c) * plane + p] = value;
      }
    }
  }
  return { count, pixels, labels };
}

/** A person's set as stored: 3 classes of RGB images, `train` and `test` of them. */
function storedSet(
  seed: number,
  { height = 8, width = 8, train = 24, test = 9, colour = true } = {},
): StoredImages {
  const rand = mulberry32(seed);
  return {
    classes: ["blue things", "green things", "red things"],
    shape: { height, width },
    train: storedPart(rand, train, height, width, colour),
    test: storedPart(rand, test, height, width, colour),
  };
}

/** BT.601 luma of one RGB byte triple, 0.299 R + 0.587 G + 0.114 B, rounded (halves up), exactly. */
const luma = (r: number, g: number, b: number) =>
  Math.floor((299 * r + 587 * g + 114 * b + 500) / 1000);

/** Every RGB triple whose luma is exactly a half (x.5): where rounding decides. */
function halfwayColours(): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let g = 0; g < 256; g++) {
    for (let b = 0; b < 256; b++) {
      // 299 R + 587 G + 114 B ≡ 500 (mod 1000), R = 0 and R = 255.
      for (const r of [0, 255]) {
        if ((299 * r + 587 * g + 114 * b) % 1000 === 500) out.push([r, g, b]);
      }
    }
  }
  return out;
}

describe("data keys", () => {
  const sources: DataSource[] = [
    { kind: "digits", url: "/assets/digits-v1.bin", side: 32 },
    { kind: "digits", url: "/assets/digits-v1.bin", side: 28 },
    { kind: "digits", url: "https://example.org/d.bin?x=images:3:y", side: 28 },
    { kind: "images", id: "set-1733-ab12", channels: 3 },
    { kind: "images", id: "set-1733-ab12", channels: 1 },
    { kind: "images", id: "an:id:with:colons", channels: 3 },
  ];
  for (const source of sources) {
    test(`${JSON.stringify(source)} goes out and back`, () => {
      expect(dataSourceOf(dataKey(source))).toEqual(source);
    });
  }

  test("the keys' forms: the URL, digits28: + URL, images:C: + id", () => {
    expect(dataKey({ kind: "digits", url: "d.bin", side: 32 })).toBe("d.bin");
    expect(dataKey({ kind: "digits", url: "d.bin", side: 28 })).toBe("digits28:d.bin");
    expect(dataKey({ kind: "images", id: "s", channels: 3 })).toBe("images:3:s");
    expect(dataKey({ kind: "images", id: "s", channels: 1 })).toBe("images:1:s");
  });

  for (const key of ["digits.bin", "images:2:x", "images:3:", "images:x", "Images:3:x", ""]) {
    test(`${JSON.stringify(key)} is the digits' URL`, () => {
      expect(dataSourceOf(key)).toEqual({ kind: "digits", url: key, side: 32 });
    });
  }
});

describe("loadData", () => {
  test("the URL gives the digits as loaded", async () => {
    const urls: string[] = [];
    const data = await loadData(
      "digits.bin",
      noting(urls, () => DIGITS),
      noImages,
    );
    expect(data).toBe(DIGITS);
    expect(urls).toEqual(["digits.bin"]);
  });

  test("digits28: gives 1x28x28 images, the 32x32 ones without their border of 2, the same labels", async () => {
    const urls: string[] = [];
    const data = await loadData(
      "digits28:digits.bin",
      noting(urls, () => DIGITS),
      noImages,
    );
    expect(urls).toEqual(["digits.bin"]);
    for (const part of ["train", "test"] as const) {
      const from = DIGITS[part];
      const to = data[part];
      expect(to.shape).toEqual({ channels: 1, height: 28, width: 28 });
      expect(to.count).toBe(from.count);
      expect(to.labels).toBe(from.labels);
      const expected = new Uint8Array(from.count * 28 * 28);
      for (let n = 0; n < from.count; n++) {
        for (let r = 0; r < 28; r++) {
          for (let c = 0; c < 28; c++) {
            expected[(n * 28 + r) * 28 + c] = from.pixels[
              n * 1024 + (r + 2) * 32 + c + 2
            ] as number;
          }
        }
      }
      expect(to.pixels).toEqual(expected);
    }
  });

  test("images:3: gives the bytes as stored, 3xHxW, with the set's classes", async () => {
    const stored = storedSet(21, { height: 5, width: 7, train: 6, test: 4 });
    const ids: string[] = [];
    const data = await loadData(
      "images:3:set-7",
      noDigits,
      noting(ids, () => stored),
    );
    expect(ids).toEqual(["set-7"]);
    for (const part of ["train", "test"] as const) {
      expect(data[part]).toEqual({
        count: stored[part].count,
        pixels: stored[part].pixels,
        labels: stored[part].labels,
        shape: { channels: 3, height: 5, width: 7 },
        classes: 3,
      });
    }
  });

  test("images:1: gives each pixel's luma, round(0.299 R + 0.587 G + 0.114 B), as toGray does", async () => {
    // Random bytes, then every colour whose luma is exactly a half (where rounding decides).
    const stored = storedSet(22, { height: 5, width: 7, train: 6, test: 4, colour: false });
    const halves = halfwayColours();
    const plane = 5 * 7;
    const count = Math.ceil(halves.length / plane);
    const pixels = new Uint8Array(count * 3 * plane);
    halves.forEach(([r, g, b], i) => {
      const n = Math.floor(i / plane);
      const p = i % plane;
      pixels[(n * 3 + 0) * plane + p] = r;
      pixels[(n * 3 + 1) * plane + p] = g;
      pixels[(n * 3 + 2) * plane + p] = b;
    });
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
    const withHalves: StoredImages = { ...stored, test: { count, pixels, labels } };
    const data = await loadData("images:1:set-8", noDigits, async () => withHalves);
    for (const part of ["train", "test"] as const) {
      const { count: n, pixels: rgb, labels: l } = withHalves[part];
      const gray = data[part];
      expect(gray.shape).toEqual({ channels: 1, height: 5, width: 7 });
      expect(gray.classes).toBe(3);
      expect(gray.count).toBe(n);
      expect(gray.labels).toBe(l);
      const expected = new Uint8Array(n * plane);
      for (let i = 0; i < n; i++) {
        for (let p = 0; p < plane; p++) {
          const at = i * 3 * plane + p;
          expected[i * plane + p] = luma(
            rgb[at] as number,
            rgb[at + plane] as number,
            rgb[at + 2 * plane] as number,
          );
        }
      }
      expect(gray.pixels).toEqual(expected);
      expect(gray.pixels).toEqual(toGray(rgb, n, 5, 7));
    }
  });

  test("a stored set the engine would refuse is refused naming the part", async () => {
    const stored = storedSet(23, { train: 3, test: 3 });
    const bad: StoredImages = {
      ...stored,
      test: { ...stored.test, labels: Uint8Array.of(0, 1, 3) },
    };
    await expect(loadData("images:3:s", noDigits, async () => bad)).rejects.toThrow(
      /test\.labels\[2\] must be 0–2; got 3/,
    );
  });
});

describe("dataCache", () => {
  /** Loaders that count their calls. */
  function counted() {
    const calls = { digits: [] as string[], images: [] as string[] };
    const data = dataCache(
      noting(calls.digits, () => DIGITS),
      noting(calls.images, () => storedSet(30, { train: 3, test: 3 })),
    );
    return { calls, data };
  }

  test("each key is loaded once", async () => {
    const { calls, data } = counted();
    const first = await data("digits.bin");
    expect(await data("digits.bin")).toBe(first);
    const unpadded = await data("digits28:digits.bin");
    expect(await data("digits28:digits.bin")).toBe(unpadded);
    const images = await data("images:3:a");
    expect(await data("images:3:a")).toBe(images);
    expect(calls).toEqual({ digits: ["digits.bin", "digits.bin"], images: ["a"] });
  });

  test("a failed load is forgotten: the next request loads again", async () => {
    let calls = 0;
    const data = dataCache(async () => {
      calls++;
      if (calls === 1) throw new Error("offline");
      return DIGITS;
    }, noImages);
    await expect(data("digits.bin")).rejects.toThrow("offline");
    expect(await data("digits.bin")).toBe(DIGITS);
    expect(await data("digits.bin")).toBe(DIGITS);
    expect(calls).toBe(2);
  });

  test("another images key evicts the images loaded before, and keeps the digits", async () => {
    const { calls, data } = counted();
    const digits = await data("digits.bin");
    const a = await data("images:3:a");
    await data("images:3:b");
    // b is kept, a is not; the digits are kept.
    await data("images:3:b");
    expect(await data("digits.bin")).toBe(digits);
    expect(calls.images).toEqual(["a", "b"]);
    expect(await data("images:3:a")).not.toBe(a);
    expect(calls.images).toEqual(["a", "b", "a"]);
    // The same set read gray is another key: it evicts the colour one.
    await data("images:1:a");
    await data("images:3:a");
    expect(calls.images).toEqual(["a", "b", "a", "a", "a"]);
    expect(calls.digits).toEqual(["digits.bin"]);
  });

  test("a key that is no string, or empty, is refused", async () => {
    const { data } = counted();
    await expect(data("")).rejects.toThrow(/data must be the digits asset's URL or a data key/);
    await expect(data(7 as unknown as string)).rejects.toThrow(/got 7/);
  });
});

describe("the network's requests on a person's images", () => {
  const COLOURS = storedSet(40, { train: 30, test: 12 });
  const SETTINGS: TrainSettings = {
    batchSize: 6,
    learningRate: 0.05,
    momentum: 0.9,
    reduction: "mean",
    seed: 3,
  };
  const specOf = (channels: number): NetworkSpec => ({
    input: { channels, height: 8, width: 8 },
    layers: [
      { type: "conv2d", filters: 2, kernelSize: 3 },
      { type: "relu" },
      { type: "flatten" },
      { type: "dense", units: 3 },
    ],
    loss: "cross-entropy",
  });
  const SPEC = specOf(3);
  const NET = createNetwork(SPEC);
  const START = initNetworkParams(NET, 5);

  function trainMessage(
    fields: Partial<NetworkTrainRequestMessage> = {},
  ): NetworkTrainRequestMessage {
    return {
      type: "networkTrain",
      runId: 1,
      network: { spec: SPEC, params: START.slice() },
      velocity: new Float64Array(START.length),
      steps: 0,
      settings: SETTINGS,
      run: 6,
      reportMs: 0,
      evaluateEvery: 3,
      data: "images:3:colours",
      ...fields,
    };
  }

  function handlerWith(images: StoredImages = COLOURS) {
    const ids: string[] = [];
    const made = recorder({
      loadDigits,
      loadImages: noting(ids, () => images),
    });
    return { ...made, ids };
  }

  test("a colour network of 3 classes trains on them: the engine's steps, 3x3 confusions", async () => {
    const { handler, replies, ids } = handlerWith();
    await handler.handle(trainMessage());
    expect(of(replies, "error")).toEqual([]);
    expect(ids).toEqual(["colours"]);
    const [done] = of(replies, "networkDone");
    expect(done?.step).toBe(6);
    expect(done?.diverged).toBe(false);
    // The same steps as the engine's trainer on the stored bytes, to the bit.
    const data = await loadData("images:3:colours", noDigits, async () => COLOURS);
    const trainer = createNetworkTrainer(NET, SETTINGS, data.train);
    trainer.params.set(START);
    for (let i = 0; i < 6; i++) trainStep(trainer);
    expect(done?.params).toEqual(trainer.params);
    const evaluations = [...of(replies, "networkProgress"), ...of(replies, "networkDone")].flatMap(
      (r) => r.evaluations,
    );
    expect(evaluations.map((e) => e.step)).toEqual([3, 6]);
    for (const e of evaluations) {
      expect(e.confusion).toHaveLength(9);
      expect(e.confusion.reduce((a, b) => a + b, 0)).toBe(COLOURS.test.count);
    }
  });

  test("the same images read gray train a network of one channel", async () => {
    const gray = specOf(1);
    const params = initNetworkParams(createNetwork(gray), 5);
    const { handler, replies } = handlerWith();
    await handler.handle(
      trainMessage({
        network: { spec: gray, params },
        velocity: new Float64Array(params.length),
        data: "images:1:colours",
      }),
    );
    expect(of(replies, "error")).toEqual([]);
    const [done] = of(replies, "networkDone");
    expect(done?.step).toBe(6);
    expect(done?.evaluations.at(-1)?.confusion).toHaveLength(9);
  });

  test("a network whose input is not the data's shape is refused naming both shapes", async () => {
    const { handler, replies } = handlerWith();
    await handler.handle(trainMessage({ data: "images:1:colours" }));
    await handler.handle(trainMessage({ runId: 2, data: "digits.bin" }));
    const [gray, digits] = of(replies, "error").map((e) => e.message);
    expect(gray).toMatch(/1x8x8/);
    expect(gray).toMatch(/3x8x8/);
    expect(digits).toMatch(/1x32x32/);
    expect(digits).toMatch(/3x8x8/);
    expect(of(replies, "networkDone")).toEqual([]);
  });

  test("a network of another class count is refused naming the count", async () => {
    const four = { ...SPEC, layers: [...SPEC.layers.slice(0, -1), { type: "dense", units: 4 }] };
    const params = initNetworkParams(createNetwork(four as NetworkSpec), 5);
    const { handler, replies } = handlerWith();
    await handler.handle(
      trainMessage({
        network: { spec: four as NetworkSpec, params },
        velocity: new Float64Array(params.length),
      }),
    );
    expect(of(replies, "error")[0]?.message).toMatch(/ends in 3 values; this one ends in 4/);
  });

  test("a sweep of layer 0 has kernel terms of 3 channels, summing to the engine's gradient", async () => {
    const { handler, replies } = handlerWith();
    const message: NetworkSweepRequestMessage = {
      type: "networkSweep",
      runId: 9,
      network: { spec: SPEC, params: START },
      velocity: new Float64Array(START.length),
      steps: 0,
      settings: SETTINGS,
      image: { set: "train", index: 4 },
      layer: 0,
      filter: 1,
      data: "images:3:colours",
    };
    await handler.handle(message);
    expect(of(replies, "error")).toEqual([]);
    const [reply] = of(replies, "networkSweep");
    if (reply === undefined) throw new Error("no sweep");
    const { sweep } = reply;
    expect(sweep.shape.inChannels).toBe(3);
    const size = 3 * 3 * 3;
    expect(sweep.weights).toHaveLength(size);
    const positions = sweep.shape.outHeight * sweep.shape.outWidth;
    expect(positions).toBe(36);
    expect(sweep.kernelTerms).toHaveLength(positions * size);
    // The image is the stored one's bytes / 255, all three channels.
    const plane = 64;
    const bytes = COLOURS.train.pixels.subarray(4 * 3 * plane, 5 * 3 * plane);
    expect(reply.pixels).toEqual(Float64Array.from(bytes, (v) => v / 255));
    expect(reply.label).toBe(COLOURS.train.labels[4]);
    // Each channel's terms reach the one filter.
    const sum = new Float64Array(size);
    for (let p = 0; p < positions; p++) {
      for (let t = 0; t < size; t++) {
        sum[t] = (sum[t] as number) + (sweep.kernelTerms[p * size + t] as number);
      }
    }
    for (let c = 0; c < 3; c++) {
      expect(sum.subarray(c * 9, (c + 1) * 9).some((v) => v !== 0)).toBe(true);
    }
    expect(sum).toEqual(sweep.weightGrad);
    const direct = networkFilterSweep(
      NET,
      START,
      reply.pixels,
      reply.label,
      1 / SETTINGS.batchSize,
      0,
      1,
    );
    expect(sweep.weightGrad).toEqual(direct.weightGrad);
    expect(reply.batch.images).toHaveLength(SETTINGS.batchSize);
  });
});
