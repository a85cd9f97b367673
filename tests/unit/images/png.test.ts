import { crc32 } from "node:zlib";
import { unzlibSync } from "fflate";
import { expect, test } from "vitest";
import { encodePng, type ImageShape } from "../../../src/images";

/** Reads the PNGs encodePng writes (8-bit RGB, filter 0): [3][H][W] bytes, checking every CRC. */
function decodeOwnPng(file: Uint8Array): { height: number; width: number; pixels: Uint8Array } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  const types: string[] = [];
  while (at < file.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    const data = file.subarray(at + 8, at + 8 + length);
    expect(view.getUint32(at + 8 + length), `${type} CRC`).toBe(
      crc32(file.subarray(at + 4, at + 8 + length)),
    );
    types.push(type);
    if (type === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      expect([...data.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  expect(types).toEqual(["IHDR", "IDAT", "IEND"]);
  const raw = unzlibSync(idat[0] as Uint8Array);
  const pixels = new Uint8Array(3 * height * width);
  for (let y = 0; y < height; y++) {
    const row = y * (1 + 3 * width);
    expect(raw[row]).toBe(0);
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++)
        pixels[c * height * width + y * width + x] = raw[row + 1 + 3 * x + c] ?? -1;
    }
  }
  return { height, width, pixels };
}

test.each([
  [1, 1],
  [3, 5],
  [32, 32],
  [128, 7],
])("a %ix%i image comes back from its PNG byte for byte", (height, width) => {
  const shape: ImageShape = { channels: 3, height, width };
  const pixels = Uint8Array.from({ length: 3 * height * width }, (_, i) => (i * 37 + 11) % 256);
  const png = encodePng(pixels, shape);
  const back = decodeOwnPng(png);
  expect([back.height, back.width]).toEqual([height, width]);
  expect(back.pixels).toEqual(pixels);
  // The same pixels make the same file.
  expect(encodePng(pixels, shape)).toEqual(png);
});

test("encodePng refuses pixels of another size", () => {
  expect(() => encodePng(new Uint8Array(5), { channels: 3, height: 1, width: 2 })).toThrow(
    RangeError,
  );
});
