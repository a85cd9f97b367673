import { strFromU8, strToU8, unzipSync, type Zippable, zipSync } from "fflate";
import { expect, test, vi } from "vitest";
import {
  entriesFromFiles,
  type ImageSet,
  ImageSetError,
  type ImageShape,
  imageKind,
  imageSetFromPictures,
  imageSetZip,
  MANIFEST_NAME,
  openImageSet,
  readZip,
  testCount,
} from "../../../src/images";
import { imageLimits } from "../../../src/images/limits";
import { fakeDecode, fakePng, picture } from "./helpers";

/** Every zip entry fflate's unzipSync was let unpack (its filter said yes), by name. */
const unpacked = vi.hoisted(() => [] as string[]);
vi.mock("fflate", async (original) => {
  const fflate = await original<typeof import("fflate")>();
  return {
    ...fflate,
    unzipSync: (data: Uint8Array, options?: import("fflate").UnzipOptions) => {
      const filter = options?.filter;
      if (filter === undefined) return fflate.unzipSync(data, options);
      return fflate.unzipSync(data, {
        ...options,
        filter: (file) => {
          const take = filter(file);
          if (take) unpacked.push(file.name);
          return take;
        },
      });
    },
  };
});

const SHAPE: ImageShape = { channels: 3, height: 4, width: 4 };

/** A set with distinct pictures: cats 20, dogs 6, owl 1, split with seed 9. */
function sampleSet(): ImageSet {
  const pictures = [
    ...Array.from({ length: 20 }, (_, i) => ({ className: "cats", pixels: picture(SHAPE, i) })),
    ...Array.from({ length: 6 }, (_, i) => ({
      className: "dogs",
      pixels: picture(SHAPE, 100 + i),
    })),
    { className: "owl", pixels: picture(SHAPE, 200) },
  ];
  return imageSetFromPictures(pictures, SHAPE, { seed: 9 });
}

/** Each class's images of one part, in order, as the value they are filled with. */
function byClass(set: ImageSet, part: "train" | "test"): Record<string, number[]> {
  const size = 3 * SHAPE.height * SHAPE.width;
  const out: Record<string, number[]> = {};
  const { count, labels, pixels } = set[part];
  for (let i = 0; i < count; i++) {
    const name = set.classes[labels[i] ?? 0] ?? "?";
    out[name] = [...(out[name] ?? []), pixels[i * size] ?? -1];
  }
  return out;
}

/** A zip's entry sizes patched: central directory (and local header) of the named entry. */
function patchEntry(
  zip: Uint8Array,
  name: string,
  change: { size?: number; method?: number },
): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const nameBytes = strToU8(name);
  for (let at = 0; at + 46 < out.length; at++) {
    const signature = view.getUint32(at, true);
    const central = signature === 0x02014b50;
    if (!central && signature !== 0x04034b50) continue;
    const nameAt = at + (central ? 46 : 30);
    const length = view.getUint16(at + (central ? 28 : 26), true);
    if (length !== nameBytes.length || strFromU8(out.subarray(nameAt, nameAt + length)) !== name)
      continue;
    if (change.size !== undefined) view.setUint32(at + (central ? 24 : 22), change.size, true);
    if (change.method !== undefined) view.setUint16(at + (central ? 10 : 8), change.method, true);
  }
  return out;
}

const image = (value: number) => fakePng(picture(SHAPE, value));

test("imageSetZip writes <class>/nnnn.png and a manifest, and the zip reopens to the same set and split", async () => {
  const set = sampleSet();
  const zip = await imageSetZip(set, fakePng);
  const files = unzipSync(zip);
  expect(Object.keys(files).sort()).toEqual(
    [
      ...Array.from({ length: 20 }, (_, i) => `cats/${String(i + 1).padStart(4, "0")}.png`),
      MANIFEST_NAME,
      ...Array.from({ length: 6 }, (_, i) => `dogs/${String(i + 1).padStart(4, "0")}.png`),
      "owl/0001.png",
    ].sort(),
  );
  const manifest = JSON.parse(strFromU8(files[MANIFEST_NAME] as Uint8Array));
  expect(manifest.version).toBe(1);
  expect(manifest.classes).toEqual(["cats", "dogs", "owl"]);
  expect(manifest.shape).toEqual({ channels: 3, height: 4, width: 4 });
  expect(manifest.split.train).toHaveLength(set.train.count);
  expect(manifest.split.test).toHaveLength(set.test.count);

  const read = readZip(zip, "images.zip");
  expect(read.skipped).toEqual([]);
  // Reopened with the default seed (1), not the set's 9: the manifest decides the split.
  const back = await openImageSet(read, SHAPE, { decode: fakeDecode });
  expect(back.classes).toEqual(set.classes);
  expect(back.id).not.toBe(set.id);
  expect(byClass(back, "train")).toEqual(byClass(set, "train"));
  expect(byClass(back, "test")).toEqual(byClass(set, "test"));
  expect(back.skipped).toEqual([]);
});

test("a zip without the manifest is split by the seeded rule; the manifest may sit in a folder", async () => {
  const set = sampleSet();
  const files = unzipSync(await imageSetZip(set, fakePng));
  const images: Zippable = {};
  const nested: Zippable = {};
  for (const [name, bytes] of Object.entries(files)) {
    if (name !== MANIFEST_NAME) images[name] = bytes;
    nested[`export/${name}`] = bytes;
  }
  const plain = await openImageSet(readZip(zipSync(images), "plain.zip"), SHAPE, {
    decode: fakeDecode,
  });
  const counts = byClass(plain, "test");
  expect(counts.cats).toHaveLength(testCount(20));
  expect(counts.dogs).toHaveLength(testCount(6));
  expect(counts.owl).toBeUndefined();
  // Seed 1's split of cats is not seed 9's, so the manifest is what restored it above.
  expect(byClass(plain, "test").cats).not.toEqual(byClass(set, "test").cats);

  const inFolder = await openImageSet(readZip(zipSync(nested), "nested.zip"), SHAPE, {
    decode: fakeDecode,
  });
  expect(byClass(inFolder, "test")).toEqual(byClass(set, "test"));
});

test("a manifest that cannot be read is listed, and the images are split by the usual rule", async () => {
  const base: Zippable = { "cats/1.png": image(1), "cats/2.png": image(2), "dogs/1.png": image(3) };
  const broken = readZip(zipSync({ ...base, [MANIFEST_NAME]: strToU8("{not json") }), "a.zip");
  expect(broken.skipped).toHaveLength(1);
  expect(broken.skipped[0]?.name).toBe(MANIFEST_NAME);
  expect(broken.skipped[0]?.why).toMatch(
    /^not read \(.*JSON.*\): the images are split by the usual rule$/,
  );
  const wrong = {
    version: 1,
    classes: ["cats", "dogs"],
    shape: SHAPE,
    split: { train: ["birds/1.png"], test: [] },
  };
  const refused = readZip(
    zipSync({ ...base, [MANIFEST_NAME]: strToU8(JSON.stringify(wrong)) }),
    "a.zip",
  );
  expect(refused.skipped[0]?.why).toMatch(
    /"split\.train\[0\]" \("birds\/1\.png"\) must be a file in one of the class folders/,
  );
  expect(refused.entries.every((e) => e.split === undefined)).toBe(true);
});

test("the app's own zip holds real PNGs by default", async () => {
  const zip = await imageSetZip(sampleSet());
  const read = readZip(zip, "images.zip");
  const first = await read.entries[0]?.bytes();
  expect(first && imageKind(first)).toBe("png");
});

test("a zip bomb (1 GB declared from a few kB) is refused by its declared size before anything is unpacked", async () => {
  const zeros = new Uint8Array(8 * 1024 * 1024);
  zeros.set(fakePng(new Uint8Array(0)));
  const honest = zipSync({
    "cats/a.png": image(1),
    "dogs/b.png": image(2),
    "cats/bomb.png": [zeros, { level: 9 }],
  });
  const bomb = patchEntry(honest, "cats/bomb.png", { size: 1024 * 1024 * 1024 });
  expect(bomb.length).toBeLessThan(64 * 1024);
  // The probe sees unpacking: an image of a zip without the bomb, once read, was unpacked.
  unpacked.length = 0;
  const zip = zipSync({ "cats/a.png": image(1), "dogs/b.png": image(2) });
  const [first] = readZip(zip, "photos.zip").entries;
  await first?.bytes();
  expect(unpacked).toContain("cats/a.png");
  unpacked.length = 0;
  expect(() => readZip(bomb, "photos.zip")).toThrow(ImageSetError);
  expect(() => readZip(bomb, "photos.zip")).toThrow(
    /^"photos\.zip" looks like a zip bomb, so nothing in it was unpacked: "cats\/bomb\.png" says it unpacks to 1,024 MB from [\d.]+ KB, more than 100 times its packed size \(the most allowed for a file over 1 MB\)/,
  );
  // Refused while listing, from the declared sizes alone: fflate unpacked no entry at all.
  expect(unpacked).toEqual([]);
  // The honest 8 MB of zeros is refused too: its ratio, not its size (under the 20 MB limit).
  expect(() => readZip(honest, "photos.zip")).toThrow(/zip bomb.*unpacks to 8 MB/);
});

test("an entry that lies about its size is unpacked no larger than it says", async () => {
  const big = new Uint8Array(100_000);
  big.set(fakePng(new Uint8Array(0)));
  const zip = patchEntry(
    zipSync({ "cats/a.png": [big, { level: 9 }], "dogs/b.png": image(1) }),
    "cats/a.png",
    {
      size: 1000,
    },
  );
  const read = readZip(zip, "liar.zip");
  const bytes = await read.entries.find((e) => e.path === "cats/a.png")?.bytes();
  expect(bytes?.length).toBe(1000);
});

test("damaged sizes, unknown methods, hidden files and folders are sorted out without unpacking", () => {
  const zip = zipSync({
    "cats/a.png": [image(1), { level: 0 }],
    "cats/b.png": image(2),
    "dogs/c.png": [image(3), { level: 0 }],
    "dogs/d.png": image(4),
    "__MACOSX/cats/._a.png": image(5),
    "cats/.DS_Store": image(5),
    "readme.txt": strToU8("hello"),
    "loose.png": image(6),
    "empty/": new Uint8Array(0),
  });
  const damaged = patchEntry(patchEntry(zip, "cats/a.png", { size: 5_000_000 }), "dogs/d.png", {
    method: 12,
  });
  const read = readZip(damaged, "mixed.zip");
  expect(Object.fromEntries(read.skipped.map((s) => [s.name, s.why]))).toEqual({
    "cats/a.png": "damaged in the zip (its sizes disagree): zip it again",
    "dogs/d.png":
      "packed with a method this app cannot unpack (method 12): zip it again with the usual settings",
    "readme.txt": "not an image: PNG, JPEG, GIF, WebP and BMP files are read",
    "loose.png": "not in a class folder: put each class's images in a folder named after it",
  });
  expect(read.entries.map((e) => e.path)).toEqual(["cats/b.png", "dogs/c.png"]);
});

test("a zip of 10,000 images keeps the first 5,000 in path order and lists the rest, never fatal", async () => {
  const files: Zippable = {};
  for (let i = 0; i < 10_000; i++) {
    files[`c${i % 10}/${String(i).padStart(5, "0")}.png`] = [
      fakePng(new Uint8Array([i % 256])),
      { level: 0 },
    ];
  }
  const read = readZip(zipSync(files), "many.zip");
  expect(read.entries).toHaveLength(5000);
  expect(read.skipped).toHaveLength(5000);
  expect(read.entries.at(-1)?.path).toBe("c4/09994.png");
  expect(read.skipped[0]).toEqual({
    name: "c5/00005.png",
    why: "5,000 images at most: the first 5,000 in name order are used",
  });
  const set = await openImageSet(read, SHAPE, { decode: fakeDecode });
  expect(set.train.count + set.test.count).toBe(5000);
  expect(set.classes).toEqual(["c0", "c1", "c2", "c3", "c4"]);
  expect(set.skipped).toHaveLength(5000);
});

test("a file that is not a zip is refused with a message saying what to do", () => {
  expect(() => readZip(new Uint8Array([1, 2, 3]), "notes.zip")).toThrow(
    /^"notes\.zip" could not be read as a zip \(.*\): it may be damaged or not a zip\./,
  );
});

test("entriesFromFiles takes folder paths, plain names and zips", async () => {
  const withPath = (file: File, path: string) =>
    Object.defineProperty(file, "webkitRelativePath", { value: path });
  const zip = zipSync({ "dogs/1.png": image(1), "dogs/2.png": image(2) });
  const files = [
    withPath(new File([image(3) as Uint8Array<ArrayBuffer>], "a.png"), "photos/cats/a.png"),
    withPath(new File([image(4) as Uint8Array<ArrayBuffer>], "b.png"), ""),
    new File([zip as Uint8Array<ArrayBuffer>], "more.ZIP"),
  ];
  const given = await entriesFromFiles(files);
  expect(given.entries.map((e) => [e.path, e.size])).toEqual([
    ["photos/cats/a.png", image(3).length],
    ["b.png", image(4).length],
    ["dogs/1.png", image(1).length],
    ["dogs/2.png", image(2).length],
  ]);
  const set = await openImageSet(given, SHAPE, { decode: fakeDecode });
  expect(set.classes).toEqual(["cats", "dogs"]);
  expect(set.skipped.map((s) => s.name)).toEqual(["b.png"]);
  await expect(entriesFromFiles(files, { limits: imageLimits({ bytes: 100 }) })).rejects.toThrow(
    /^"more\.ZIP" is \d+ bytes; a zip of 100 bytes at most is read\./,
  );
});

test("a file of a folder that can no longer be read is skipped by name; the rest opens", async () => {
  class Unreadable extends File {
    override slice(): Blob {
      return this;
    }
    override arrayBuffer(): Promise<ArrayBuffer> {
      return Promise.reject(
        new DOMException("The requested file could not be read.", "NotReadableError"),
      );
    }
  }
  const withPath = (file: File, path: string) =>
    Object.defineProperty(file, "webkitRelativePath", { value: path });
  const files = [
    withPath(new File([image(1) as Uint8Array<ArrayBuffer>], "1.png"), "cats/1.png"),
    withPath(new File([image(2) as Uint8Array<ArrayBuffer>], "2.png"), "cats/2.png"),
    withPath(new Unreadable([image(3) as Uint8Array<ArrayBuffer>], "3.png"), "cats/3.png"),
    withPath(new File([image(4) as Uint8Array<ArrayBuffer>], "4.png"), "dogs/4.png"),
    withPath(new File([image(5) as Uint8Array<ArrayBuffer>], "5.png"), "dogs/5.png"),
  ];
  const set = await openImageSet(await entriesFromFiles(files), SHAPE, { decode: fakeDecode });
  expect(set.classes).toEqual(["cats", "dogs"]);
  expect(set.skipped).toEqual([
    { name: "cats/3.png", why: "could not be read (The requested file could not be read.)" },
  ]);
});
