import { expect, test } from "vitest";
import {
  checkImageSet,
  checkManifest,
  clearImageSets,
  type ImageSet,
  ImageSetError,
  imageSetFromPictures,
  loadImageSet,
  readStoredImageSet,
  saveImageSet,
} from "../../../src/images";
import { picture } from "./helpers";

const SHAPE = { channels: 3, height: 2, width: 3 } as const;

function validSet(): ImageSet {
  return imageSetFromPictures(
    [
      ...[1, 2, 3, 4, 5].map((v) => ({ className: "cats", pixels: picture(SHAPE, v) })),
      ...[6, 7].map((v) => ({ className: "dogs", pixels: picture(SHAPE, v) })),
      { className: "owl", pixels: picture(SHAPE, 8) },
    ],
    SHAPE,
  );
}

/** The valid set as a plain value with one field replaced (a path like "train.count"). */
function broken(path: string, value: unknown): unknown {
  const set = structuredClone(validSet()) as unknown as Record<string, unknown>;
  const keys = path.split(".");
  let at = set;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1) as string] = value;
  return set;
}

test("a set the rules build passes, as a fresh object without anything stored beside it", () => {
  const set = validSet();
  expect(set.train.count + set.test.count).toBe(8);
  const stored = { ...structuredClone(set), savedAt: 123, extra: "x" };
  const checked = checkImageSet(stored);
  expect(checked).toEqual(set);
  expect(Object.keys(checked).sort()).toEqual([
    "classes",
    "id",
    "shape",
    "skipped",
    "test",
    "train",
  ]);
});

test("a view into a larger buffer is given its own bytes (storing it would store the whole buffer)", () => {
  const set = validSet();
  const big = new Uint8Array(set.train.pixels.length + 10);
  big.set(set.train.pixels, 10);
  const checked = checkImageSet({ ...set, train: { ...set.train, pixels: big.subarray(10) } });
  expect(checked.train.pixels.buffer.byteLength).toBe(set.train.pixels.length);
  expect(checked.train.pixels).toEqual(set.train.pixels);
});

test.each([
  ["set", null, /"set" must be an object/],
  ["id", "", /"id" must be a string of 1 to 100 characters/],
  ["id", 7, /"id" must be a string/],
  ["classes", ["cats"], /"classes" has 1; a set needs 2 classes at least/],
  [
    "classes",
    ["dogs", "cats", "owl"],
    /"classes\[1\]" \("cats"\) must come after "dogs": sorted, no repeats/,
  ],
  ["classes", ["cats", "cats", "owl"], /"classes\[1\]" .* sorted, no repeats/],
  ["classes", ["cats", "dogs", "o/wl"], /"classes\[2\]" is not a class name: it holds a slash/],
  ["classes", ["cats", "dogs", ".owl"], /"classes\[2\]" is not a class name: it begins with a dot/],
  [
    "classes",
    ["cats", "dogs", "x".repeat(101)],
    /"classes\[2\]" is not a class name: it is longer than 100 characters/,
  ],
  ["classes", ["cats", "dogs", 3], /"classes\[2\]" must be a string/],
  ["classes", "cats", /"classes" must be a list/],
  ["shape.channels", 1, /"shape\.channels" must be 3/],
  ["shape.height", 0, /"shape\.height" must be a whole number from 1 to 128/],
  ["shape.width", 129, /"shape\.width" must be a whole number from 1 to 128/],
  ["shape.width", 2.5, /"shape\.width" must be a whole number/],
  ["train.count", 99, /"train\.pixels" has \d+ bytes; 99 images of 3x2x3 are/],
  ["train.count", -1, /"train\.count" must be a whole number from 0 to 5,000/],
  ["train.pixels", [1, 2, 3], /"train\.pixels" must be bytes \(a Uint8Array\)/],
  ["test.pixels", new Uint8Array(5), /"test\.pixels" has 5 bytes/],
  ["train.labels", new Uint8Array(1), /"train\.labels" has 1 labels for \d+ images/],
  ["skipped", {}, /"skipped" must be a list/],
  ["skipped", [{ name: "a" }], /"skipped\[0\]\.why" must be a string/],
])("a set whose %s is %o is refused, the message naming the field", (path, value, message) => {
  expect(() => checkImageSet(path === "set" ? value : broken(path, value))).toThrow(ImageSetError);
  expect(() => checkImageSet(path === "set" ? value : broken(path, value))).toThrow(message);
});

test("labels must name a class, every class must have an image, and its split keep the rule", () => {
  const set = validSet();
  const labels = (part: "train" | "test", change: (l: Uint8Array) => void) => {
    const copy = structuredClone(set) as { -readonly [K in keyof ImageSet]: ImageSet[K] };
    change(copy[part].labels);
    return copy;
  };
  expect(() => checkImageSet(labels("train", (l) => l.fill(3, 0, 1)))).toThrow(
    /"train\.labels\[0\]" is 3, but there are 3 classes/,
  );
  // Every dogs image made a cat: dogs has none.
  const noDogs = structuredClone(set);
  for (const part of [noDogs.train, noDogs.test]) {
    part.labels.forEach((v, i) => {
      if (v === 1) part.labels[i] = 0;
    });
  }
  expect(() => checkImageSet(noDogs)).toThrow(
    /"classes\[1\]" \("dogs"\) is refused: it has no image\./,
  );
  // The dogs' test image made a cat, and a training cat a dog: 2 dogs, both in train.
  const noDogTest = labels("test", (l) => l.fill(0));
  noDogTest.train.labels[noDogTest.train.labels.indexOf(0)] = 1;
  expect(() => checkImageSet(noDogTest)).toThrow(
    /"classes\[1\]" \("dogs"\) is refused: it has no test image/,
  );
  // b's only image in test.
  const size = 3 * 2 * 3;
  const part = (labels: number[]) => ({
    count: labels.length,
    pixels: new Uint8Array(labels.length * size),
    labels: Uint8Array.from(labels),
  });
  const lone = {
    id: "x",
    classes: ["a", "b"],
    shape: SHAPE,
    train: part([0]),
    test: part([0, 1]),
    skipped: [],
  };
  expect(() => checkImageSet(lone)).toThrow(
    /"classes\[1\]" \("b"\) is refused: its only image is a test image/,
  );
});

test("more than 5,000 images in all is refused", () => {
  const size = 3 * 2 * 3;
  const many = (count: number, label: number) => ({
    count,
    pixels: new Uint8Array(count * size),
    labels: new Uint8Array(count).fill(label),
  });
  const base = { id: "x", classes: ["a", "b"], shape: SHAPE, skipped: [] };
  expect(() => checkImageSet({ ...base, train: many(4000, 0), test: many(1001, 1) })).toThrow(
    /add up to 5,001 images; 5,000 at most/,
  );
});

test("checkManifest refuses what imageSetZip would not write", () => {
  const good = {
    version: 1,
    classes: ["a", "b"],
    shape: SHAPE,
    split: { train: ["a/1.png"], test: ["b/1.png"] },
  };
  expect(checkManifest(good)).toEqual(good);
  expect(() => checkManifest({ ...good, version: 2 })).toThrow(/"version" must be 1/);
  expect(() =>
    checkManifest({ ...good, split: { train: ["a/1.png"], test: ["a/1.png"] } }),
  ).toThrow(/"split\.test\[0\]" \("a\/1\.png"\) is listed twice/);
  expect(() => checkManifest({ ...good, split: { train: ["c/1.png"], test: [] } })).toThrow(
    /"split\.train\[0\]" \("c\/1\.png"\) must be a file in one of the class folders/,
  );
  expect(() => checkManifest({ ...good, split: { train: "a/1.png", test: [] } })).toThrow(
    /"split\.train" must be a list/,
  );
});

test("a stored value the rules refuse is not handed back; the reason says why", () => {
  const read = readStoredImageSet(broken("shape.height", 500));
  expect(read.set).toBeNull();
  expect(read.refused).toMatch(
    /^The saved image set: "shape\.height" must be a whole number from 1 to 128\. It was not opened\.$/,
  );
  const good = readStoredImageSet({ ...validSet(), savedAt: 1 });
  expect(good.refused).toBeNull();
  expect(good.set?.classes).toEqual(["cats", "dogs", "owl"]);
});

test("without IndexedDB (Node), storage fails with a message saying the workers need it", async () => {
  await expect(saveImageSet(validSet())).rejects.toThrow(
    /^The images could not be saved in this browser: this browser offers no storage here \(no IndexedDB.*\)\. ConvSweep's workers read the images from this browser's storage, so they cannot be trained on until it works\.$/,
  );
  await expect(loadImageSet()).rejects.toThrow(
    /^The saved images could not be read: .*cannot be trained on until it works\.$/,
  );
  await expect(clearImageSets()).rejects.toThrow(
    /^The saved images could not be removed: .*cannot be trained on until it works\.$/,
  );
});
