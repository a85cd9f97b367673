import { expect, test } from "vitest";
import {
  addImages,
  type ImageEntry,
  type ImageSet,
  ImageSetError,
  type ImageShape,
  imageSetFromPictures,
  openImageSet,
  testCount,
} from "../../../src/images";
import { classEntries, entry, fakeDecode, fakePng, picture, shuffledCopy } from "./helpers";

const SHAPE: ImageShape = { channels: 3, height: 3, width: 2 };
const SIZE = 3 * 3 * 2;

/** Class name → [train count, test count]. */
function counts(set: ImageSet): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const name of set.classes) out[name] = [0, 0];
  set.train.labels.forEach((l) => {
    (out[set.classes[l] ?? "?"] as [number, number])[0]++;
  });
  set.test.labels.forEach((l) => {
    (out[set.classes[l] ?? "?"] as [number, number])[1]++;
  });
  return out;
}

test("openImageSet fits, splits per class and stores RGB even for a gray network", async () => {
  const entries = [
    ...Array.from({ length: 10 }, (_, i) => entry(`cats/${i}.png`, fakePng(picture(SHAPE, i)))),
    ...Array.from({ length: 3 }, (_, i) => entry(`dogs/${i}.png`, fakePng(picture(SHAPE, 50 + i)))),
    entry("owl/0.png", fakePng(picture(SHAPE, 99))),
  ];
  const set = await openImageSet(entries, { ...SHAPE, channels: 1 }, { decode: fakeDecode });
  expect(set.id).toMatch(/^set-[0-9a-z]+-[0-9a-z]{14}$/);
  expect(set.shape).toEqual({ channels: 3, height: 3, width: 2 });
  expect(set.classes).toEqual(["cats", "dogs", "owl"]);
  expect(counts(set)).toEqual({ cats: [8, 2], dogs: [2, 1], owl: [1, 0] });
  expect(set.train.pixels.length).toBe(11 * SIZE);
  // Images are kept whole and in path order within each part.
  const firsts = (part: "train" | "test") =>
    Array.from({ length: set[part].count }, (_, i) => set[part].pixels[i * SIZE]);
  const all = [...firsts("train"), ...firsts("test")].sort((a, b) => (a ?? 0) - (b ?? 0));
  expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 50, 51, 52, 99]);
  for (const part of ["train", "test"] as const) {
    const values = firsts(part);
    expect(values).toEqual([...values].sort((a, b) => (a ?? 0) - (b ?? 0)));
    for (let i = 0; i < set[part].count; i++) {
      expect(new Set(set[part].pixels.subarray(i * SIZE, (i + 1) * SIZE)).size).toBe(1);
    }
  }
});

test("the same files in any order make the same set (but a new id)", async () => {
  const entries = classEntries({ cats: 17, dogs: 9, fish: 4 });
  const a = await openImageSet(entries, SHAPE, { decode: fakeDecode });
  const b = await openImageSet(shuffledCopy(entries, 5), SHAPE, { decode: fakeDecode });
  expect(b.id).not.toBe(a.id);
  expect({ ...b, id: "" }).toEqual({ ...a, id: "" });
  const other = await openImageSet(entries, SHAPE, { decode: fakeDecode, seed: 2 });
  expect(counts(other)).toEqual(counts(a));
});

test("files whose bytes are not an image, or that do not decode, are skipped; so is a class left empty", async () => {
  const failing = async (bytes: Uint8Array, shape: ImageShape) => {
    if (bytes[8] === 13) throw new Error("The source image could not be decoded.");
    return fakeDecode(bytes, shape);
  };
  const entries: ImageEntry[] = [
    ...classEntries({ cats: 3, dogs: 2 }),
    entry("cats/fake.jpg", new TextEncoder().encode("hello, not a JPEG")),
    entry("fish/broken.png", fakePng(new Uint8Array([13]))),
    { path: "dogs/gone.png", size: 10, bytes: () => Promise.reject(new Error("NotReadableError")) },
  ];
  const set = await openImageSet(entries, SHAPE, { decode: failing });
  expect(set.classes).toEqual(["cats", "dogs"]);
  expect(Object.fromEntries(set.skipped.map((s) => [s.name, s.why]))).toEqual({
    "cats/fake.jpg":
      "not an image: PNG, JPEG, GIF, WebP and BMP files are read (its first bytes are not an image's)",
    "dogs/gone.png": "could not be read (NotReadableError)",
    "fish/broken.png": "could not be decoded as PNG (The source image could not be decoded.)",
    "fish/": "no image in this folder could be read, so it is not a class",
  });
});

test("a file larger than declared is checked against the file limit once read", async () => {
  const big = new Uint8Array(2000);
  big.set(fakePng(new Uint8Array([1])));
  const entries = [...classEntries({ a: 2, b: 2 }), entry("a/big.png", big, 10)];
  const set = await openImageSet(entries, SHAPE, {
    decode: fakeDecode,
    limits: { fileBytes: 1024 },
  });
  expect(set.skipped).toEqual([
    { name: "a/big.png", why: "2 KB: an image of 1 KB at most is read" },
  ]);
});

test("fewer than 2 classes once decoded is an error naming what was found", async () => {
  const entries = [...classEntries({ cats: 3 }), entry("dogs/1.png", new Uint8Array([1, 2, 3]))];
  await expect(openImageSet(entries, SHAPE, { decode: fakeDecode })).rejects.toThrow(ImageSetError);
  await expect(openImageSet(entries, SHAPE, { decode: fakeDecode })).rejects.toThrow(
    /only 1 class was found: "cats" \(3 images\)\. 2 files were left out, for example "dogs\/1\.png" \(not an image/,
  );
});

test("progress reports done of total, at most every ~50 ms, and always the end", async () => {
  const calls: [number, number][] = [];
  const slow = async (bytes: Uint8Array, shape: ImageShape) => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    return fakeDecode(bytes, shape);
  };
  const started = performance.now();
  await openImageSet(classEntries({ a: 40, b: 40 }), SHAPE, {
    decode: slow,
    onProgress: (done, total) => calls.push([done, total]),
  });
  const elapsed = performance.now() - started;
  expect(calls[0]).toEqual([0, 80]);
  expect(calls.at(-1)).toEqual([80, 80]);
  expect(calls.length).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 50));
  for (let i = 1; i < calls.length; i++)
    expect(calls[i]?.[0]).toBeGreaterThan(calls[i - 1]?.[0] ?? 0);
});

test("aborting stops between images with an AbortError", async () => {
  const controller = new AbortController();
  let decoded = 0;
  const counting = async (bytes: Uint8Array, shape: ImageShape) => {
    decoded++;
    if (decoded === 5) controller.abort();
    return fakeDecode(bytes, shape);
  };
  const opening = openImageSet(classEntries({ a: 20, b: 20 }), SHAPE, {
    decode: counting,
    signal: controller.signal,
  });
  await expect(opening).rejects.toMatchObject({ name: "AbortError" });
  expect(decoded).toBe(5);
  const aborted = AbortSignal.abort();
  await expect(
    openImageSet(classEntries({ a: 2, b: 2 }), SHAPE, { decode: fakeDecode, signal: aborted }),
  ).rejects.toThrow(DOMException);
});

test("openImageSet refuses a shape past the limits and a seed that is not whole", async () => {
  const entries = classEntries({ a: 2, b: 2 });
  await expect(
    openImageSet(entries, { channels: 3, height: 129, width: 2 }, { decode: fakeDecode }),
  ).rejects.toThrow(/"shape\.height" must be a whole number from 1 to 128/);
  await expect(openImageSet(entries, SHAPE, { decode: fakeDecode, seed: 0.5 })).rejects.toThrow(
    /seed must be a whole number/,
  );
});

test("imageSetFromPictures makes a set from camera pictures, and needs two classes", () => {
  const set = imageSetFromPictures(
    [
      ...Array.from({ length: 6 }, (_, i) => ({ className: "left", pixels: picture(SHAPE, i) })),
      ...Array.from({ length: 4 }, (_, i) => ({
        className: "right",
        pixels: picture(SHAPE, 10 + i),
      })),
    ],
    SHAPE,
  );
  expect(counts(set)).toEqual({ left: [5, 1], right: [3, 1] });
  expect(() =>
    imageSetFromPictures([{ className: "left", pixels: picture(SHAPE, 1) }], SHAPE),
  ).toThrow(
    /at least 2 classes, but all the pictures are of "left": take pictures of another class too/,
  );
  expect(() =>
    imageSetFromPictures([{ className: "a/b", pixels: picture(SHAPE, 1) }], SHAPE),
  ).toThrow(/"a\/b" cannot be a class name: it holds a slash/);
  expect(() =>
    imageSetFromPictures([{ className: "a", pixels: new Uint8Array(3) }], SHAPE),
  ).toThrow(/Picture 1 has 3 bytes; at 3x3x2 it needs 18/);
});

test("addImages appends to a class, splitting only the new pictures, and makes a new set", async () => {
  const set = await openImageSet(classEntries({ cats: 4, dogs: 3 }), SHAPE, { decode: fakeDecode });
  expect(counts(set)).toEqual({ cats: [3, 1], dogs: [2, 1] });
  let grown = set;
  for (let i = 0; i < 11; i++) grown = addImages(grown, "cats", [picture(SHAPE, 200 + i)]);
  expect(grown.id).not.toBe(set.id);
  const [train, test] = counts(grown).cats ?? [0, 0];
  expect(train + test).toBe(15);
  expect(test).toBe(testCount(15));
  // The images already in the set stay where they were, first in each part.
  expect(grown.train.pixels.subarray(0, set.train.pixels.length)).toEqual(set.train.pixels);
  expect(grown.test.pixels.subarray(0, set.test.pixels.length)).toEqual(set.test.pixels);
  expect(grown.train.labels.subarray(0, set.train.count)).toEqual(set.train.labels);
});

test("a new class from the camera takes its place in name order, and the labels follow", async () => {
  const set = await openImageSet(classEntries({ cats: 4, dogs: 3 }), SHAPE, { decode: fakeDecode });
  const added = addImages(set, "bird", [picture(SHAPE, 1), picture(SHAPE, 2), picture(SHAPE, 3)]);
  expect(added.classes).toEqual(["bird", "cats", "dogs"]);
  expect(counts(added)).toEqual({ bird: [2, 1], cats: [3, 1], dogs: [2, 1] });
  expect([...added.train.labels.subarray(0, set.train.count)]).toEqual(
    [...set.train.labels].map((l) => l + 1),
  );
  // No change to test and no new class: the test images are shared, not copied.
  const more = addImages(added, "bird", [picture(SHAPE, 4)]);
  expect(more.test.pixels).toBe(added.test.pixels);
});

test("addImages refuses a bad class name, pictures of another size, and going past the limits", async () => {
  const set = await openImageSet(classEntries({ cats: 2, dogs: 2 }), SHAPE, { decode: fakeDecode });
  expect(() => addImages(set, ".hidden", [picture(SHAPE, 1)])).toThrow(/begins with a dot/);
  expect(() => addImages(set, "", [picture(SHAPE, 1)])).toThrow(
    /"" cannot be a class name: it is empty/,
  );
  expect(() => addImages(set, "cats", [new Uint8Array(5)])).toThrow(
    /Picture 1 has 5 bytes; the set's images \(3x3x2\) have 18/,
  );
  const many = Array.from({ length: 4997 }, () => picture(SHAPE, 0));
  expect(() => addImages(set, "cats", many)).toThrow(
    /5,000 images at most; this one has 4, and 4,997 more would make 5,001/,
  );
});

test("past 10,000 skipped files the list is cut, its last line counting the rest", async () => {
  const notes = Array.from({ length: 10_050 }, (_, i) =>
    entry(`a/${String(i).padStart(5, "0")}.txt`),
  );
  const set = await openImageSet([...classEntries({ a: 2, b: 2 }), ...notes], SHAPE, {
    decode: fakeDecode,
  });
  expect(set.skipped).toHaveLength(10_000);
  expect(set.skipped.at(-2)?.name).toBe("a/09998.txt");
  expect(set.skipped.at(-1)).toEqual({
    name: "…and 51 more",
    why: "skipped like those above (not listed one by one)",
  });
});

test("a set of one image per class has nothing held out, and is refused saying what to add", () => {
  expect(() =>
    imageSetFromPictures(
      [
        { className: "left", pixels: picture(SHAPE, 1) },
        { className: "right", pixels: picture(SHAPE, 2) },
      ],
      SHAPE,
    ),
  ).toThrow(/none is held out to measure the network; give at least one class a second image/);
});
