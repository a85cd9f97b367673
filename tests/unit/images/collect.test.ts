import fc from "fast-check";
import { expect, test } from "vitest";
import { compareCodePoints, ImageSetError, imageKind, planImages } from "../../../src/images";
import { imageLimits } from "../../../src/images/limits";
import { classEntries, entry } from "./helpers";

const plan = (paths: readonly string[], limits = imageLimits()) =>
  planImages(
    paths.map((p) => entry(p)),
    limits,
  );
const reasons = (result: ReturnType<typeof plan>) =>
  Object.fromEntries(result.skipped.map((s) => [s.name, s.why]));

test("an image's class is the folder directly holding it, from any depth", () => {
  const result = plan(["photos/cats/a.jpg", "cats/b.PNG", "x/y/dogs/c.webp", "dogs/d.jpeg"]);
  expect(result.classes).toEqual(["cats", "dogs"]);
  expect(result.images.map((i) => [i.path, i.className])).toEqual([
    ["cats/b.PNG", "cats"],
    ["dogs/d.jpeg", "dogs"],
    ["photos/cats/a.jpg", "cats"],
    ["x/y/dogs/c.webp", "dogs"],
  ]);
  expect(result.skipped).toEqual([]);
});

test("files outside a class folder and files that are not images are skipped with the reason", () => {
  const result = plan([
    "cats/a.jpg",
    "dogs/b.jpg",
    "loose.jpg",
    "cats/notes.txt",
    "dogs/IMG_0001.HEIC",
    "dogs/drawing.svg",
    "dogs/noextension",
  ]);
  const why = reasons(result);
  expect(why["loose.jpg"]).toBe(
    "not in a class folder: put each class's images in a folder named after it",
  );
  expect(why["cats/notes.txt"]).toMatch(/^not an image: PNG, JPEG, GIF, WebP and BMP/);
  expect(why["dogs/IMG_0001.HEIC"]).toMatch(/HEIC.*export it as JPEG/);
  expect(why["dogs/drawing.svg"]).toMatch(/not an image.*SVG as PNG or JPEG/);
  expect(why["dogs/noextension"]).toMatch(/not an image/);
  expect(result.images).toHaveLength(2);
});

test("hidden and system files are ignored without a word", () => {
  const result = plan([
    "cats/a.jpg",
    "dogs/b.jpg",
    ".DS_Store",
    "cats/.DS_Store",
    "__MACOSX/cats/._a.jpg",
    "cats/._a.jpg",
    ".thumbnails/dogs/x.jpg",
    "dogs/Thumbs.db",
    "dogs/desktop.ini",
  ]);
  expect(result.skipped).toEqual([]);
  expect(result.images.map((i) => i.path)).toEqual(["cats/a.jpg", "dogs/b.jpg"]);
});

test("a folder holding class folders is not a class: its own images are skipped", () => {
  const result = plan(["photos/cats/a.jpg", "photos/dogs/b.jpg", "photos/cover.jpg"]);
  expect(result.classes).toEqual(["cats", "dogs"]);
  expect(reasons(result)["photos/cover.jpg"]).toMatch(
    /^not in a class folder.*"photos" holds class folders/,
  );
});

test("a folder with files but no usable image is listed, and so is a folder name that cannot be a class", () => {
  const long = "x".repeat(101);
  const result = plan(["cats/a.jpg", "dogs/b.jpg", "notes/readme.md", `${long}/c.jpg`]);
  const why = reasons(result);
  expect(why["notes/"]).toBe("no usable image in this folder, so it is not a class");
  expect(why[`${long}/c.jpg`]).toMatch(/cannot be a class name: it is longer than 100 characters/);
});

test("paths with backslashes or dots are read as folders; names in NFC, so é typed two ways is one class", () => {
  const result = plan(["cats\\a.jpg", "./dogs//b.jpg", "caf\u00e9/1.png", "cafe\u0301/2.png"]);
  expect(result.classes).toEqual(["caf\u00e9", "cats", "dogs"]);
  expect(result.images.filter((i) => i.className === "caf\u00e9")).toHaveLength(2);
});

test("classes are sorted in code-point order, not UTF-16 or the browser's language", () => {
  const names = ["zebra", "Zebra", "\u00e9t\u00e9", "\ufb01sh", "\u{1f600}smile", "apple"];
  const result = plan(names.map((n) => `${n}/a.png`));
  expect(result.classes).toEqual([
    "Zebra",
    "apple",
    "zebra",
    "\u00e9t\u00e9",
    "\ufb01sh",
    "\u{1f600}smile",
  ]);
});

test("compareCodePoints orders as the code points do", () => {
  const points = (s: string) => [...s].map((c) => c.codePointAt(0) ?? 0);
  fc.assert(
    fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
      const pa = points(a);
      const pb = points(b);
      let expected = 0;
      for (let i = 0; i < Math.min(pa.length, pb.length) && expected === 0; i++) {
        expected = Math.sign((pa[i] ?? 0) - (pb[i] ?? 0));
      }
      if (expected === 0) expected = Math.sign(pa.length - pb.length);
      expect(Math.sign(compareCodePoints(a, b))).toBe(expected);
    }),
    { numRuns: 2000 },
  );
});

test("over the image limit, the first in path order are kept and the rest listed, never fatal", () => {
  const entries = classEntries({ b: 4, a: 4 });
  const result = planImages(entries, imageLimits({ images: 5 }));
  expect(result.images.map((i) => i.path)).toEqual([
    "a/000.png",
    "a/001.png",
    "a/002.png",
    "a/003.png",
    "b/000.png",
  ]);
  expect(result.skipped.map((s) => s.name)).toEqual(["b/001.png", "b/002.png", "b/003.png"]);
  expect(result.skipped[0]?.why).toBe("5 images at most: the first 5 in name order are used");
});

test("over the bytes limit, the rest in path order are skipped; over the file limit, that file", () => {
  const entries = [
    entry("a/1.png", undefined, 400),
    entry("a/2.png", undefined, 2000),
    entry("b/1.png", undefined, 500),
    entry("b/2.png", undefined, 200),
    entry("b/3.png", undefined, 10),
  ];
  const result = planImages(entries, imageLimits({ bytes: 1000, fileBytes: 1024 }));
  expect(result.images.map((i) => i.path)).toEqual(["a/1.png", "b/1.png"]);
  const why = reasons(result as ReturnType<typeof plan>);
  expect(why["a/2.png"]).toBe("2 KB: an image of 1 KB at most is read");
  expect(why["b/2.png"]).toMatch(/^the images add up to more than 1,000 bytes/);
  expect(why["b/3.png"]).toBe(why["b/2.png"]);
});

test("over the class limit, the first classes in name order are kept", () => {
  const result = planImages(classEntries({ c: 1, a: 1, b: 1 }), imageLimits({ classes: 2 }));
  expect(result.classes).toEqual(["a", "b"]);
  expect(reasons(result as ReturnType<typeof plan>)["c/"]).toBe(
    "2 classes at most, and 3 folders of images were found: the first 2 in name order are used",
  );
});

test("fewer than 2 classes is an error naming what was found and why files were left out", () => {
  expect(() => plan(["photos/a.jpg", "photos/b.jpg", "photos/notes.txt"])).toThrow(ImageSetError);
  expect(() => plan(["photos/a.jpg", "photos/b.jpg", "photos/notes.txt"])).toThrow(
    /needs at least 2 classes.*only 1 class was found: "photos" \(2 images\)\. 1 file was left out, for example "photos\/notes\.txt" \(not an image/,
  );
  expect(() => plan(["a.jpg", "b.jpg"])).toThrow(
    /no image in a class folder was found\. 2 files were left out/,
  );
  expect(() => plan([])).toThrow(/no image in a class folder was found\. Choose the folder/);
});

test("imageKind reads the first bytes of the five formats", () => {
  const bytes = (...parts: (string | number[])[]) =>
    new Uint8Array(
      parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)),
    );
  expect(imageKind(bytes([0x89], "PNG\r\n\x1a\n", [0]))).toBe("png");
  expect(imageKind(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe("jpeg");
  expect(imageKind(bytes("GIF89a"))).toBe("gif");
  expect(imageKind(bytes("GIF87a"))).toBe("gif");
  expect(imageKind(bytes("RIFF", [1, 2, 3, 4], "WEBPVP8 "))).toBe("webp");
  expect(imageKind(bytes("BM", new Array(24).fill(0)))).toBe("bmp");
  expect(imageKind(bytes("RIFF", [1, 2, 3, 4], "WAVEfmt "))).toBeNull();
  expect(imageKind(bytes("hello world"))).toBeNull();
  expect(imageKind(new Uint8Array(0))).toBeNull();
  expect(imageKind(bytes([0x89], "PNG"))).toBeNull();
});
