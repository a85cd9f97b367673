import { describe, expect, test } from "vitest";
import { cutShort } from "../../../src/state/imageFile";
import {
  GIF_IMAGE,
  gifFile,
  JPEG_2X2,
  PNG_SIGNATURE,
  pngChunk,
  pngFile,
  WEBP_2X2,
} from "./imageFiles";

const bytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);

/** cutShort of every prefix of `file` from `from` bytes up to one byte short of the whole. */
function prefixes(file: Buffer, from: number): (string | null)[] {
  const out: (string | null)[] = [];
  for (let n = from; n < file.length; n++) out.push(cutShort(bytes(file.subarray(0, n))));
  return out;
}

describe("a file cut short is told from a whole one", () => {
  test("PNG: whole, or with bytes after IEND, passes; every shorter prefix is cut short", () => {
    const png = pngFile(5, 7, (r, c) => (r * 7 + c) * 6);
    expect(cutShort(bytes(png))).toBeNull();
    expect(cutShort(bytes(Buffer.concat([png, Buffer.from("trailing")])))).toBeNull();
    const cut = prefixes(png, PNG_SIGNATURE.length);
    expect(cut.length).toBeGreaterThan(40);
    expect(cut.every((f) => f === "PNG")).toBe(true);
  });

  test("PNG: the word IEND inside another chunk's data does not end the file", () => {
    const note = pngChunk("tEXt", Buffer.from("Comment\0IEND IEND IEND", "latin1"));
    const png = pngFile(4, 4, () => 128, [note]);
    expect(cutShort(bytes(png))).toBeNull();
    // Cut right after the text chunk, before the image data.
    const end = PNG_SIGNATURE.length + 25 + note.length;
    expect(cutShort(bytes(png.subarray(0, end)))).toBe("PNG");
  });

  test("JPEG: whole, or with bytes after the end marker, passes; every shorter prefix is cut short", () => {
    expect(cutShort(bytes(JPEG_2X2))).toBeNull();
    expect(cutShort(bytes(Buffer.concat([JPEG_2X2, Buffer.from([0, 1, 2, 0xff])])))).toBeNull();
    expect(prefixes(JPEG_2X2, 3).every((f) => f === "JPEG")).toBe(true);
  });

  test("JPEG: a thumbnail's end marker inside an APP1 segment does not end the file", () => {
    // An APP1 segment carrying a whole JPEG (as EXIF thumbnails do), after SOI.
    const thumb = JPEG_2X2;
    const head = Buffer.from([0xff, 0xe1, 0, 0]);
    head.writeUInt16BE(2 + thumb.length, 2);
    const jpeg = Buffer.concat([JPEG_2X2.subarray(0, 2), head, thumb, JPEG_2X2.subarray(2)]);
    expect(cutShort(bytes(jpeg))).toBeNull();
    // Cut just after the thumbnail's FF D9: that ends the segment, not the file.
    expect(cutShort(bytes(jpeg.subarray(0, 2 + head.length + thumb.length)))).toBe("JPEG");
    // Cut inside the main image's entropy-coded data, just before its FF D9.
    expect(cutShort(bytes(jpeg.subarray(0, jpeg.length - 2)))).toBe("JPEG");
  });

  test("JPEG: stuffed 0xFF 0x00 bytes and restart markers are part of the data", () => {
    const sos = JPEG_2X2.lastIndexOf(Buffer.from([0xff, 0xda]));
    const dataStart = sos + 2 + JPEG_2X2.readUInt16BE(sos + 2);
    const withStuffing = Buffer.concat([
      JPEG_2X2.subarray(0, dataStart),
      Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]),
      JPEG_2X2.subarray(dataStart),
    ]);
    expect(cutShort(bytes(withStuffing))).toBeNull();
    expect(cutShort(bytes(withStuffing.subarray(0, dataStart + 7)))).toBe("JPEG");
  });

  test("GIF: whole passes; cut anywhere inside it is cut short", () => {
    const gif = gifFile();
    expect(cutShort(bytes(gif))).toBeNull();
    const cut = prefixes(gif, 4);
    // The one prefix that passes is the whole image without its trailer (some encoders write
    // that, and browsers show it whole).
    expect(cut.slice(0, -1).every((f) => f === "GIF")).toBe(true);
    expect(cut.at(-1)).toBeNull();
  });

  test("GIF: an animation cut inside its second frame is cut short", () => {
    const gif = gifFile(2);
    expect(cutShort(bytes(gif))).toBeNull();
    expect(cutShort(bytes(gif.subarray(0, gif.length - 1 - GIF_IMAGE.length + 6)))).toBe("GIF");
  });

  test("WebP: its RIFF length must be all there", () => {
    expect(cutShort(bytes(WEBP_2X2))).toBeNull();
    expect(prefixes(WEBP_2X2, 12).every((f) => f === "WebP")).toBe(true);
  });

  test("other files are left to the decoder", () => {
    for (const other of [
      Buffer.from("BM"),
      Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"),
      Buffer.from("not an image at all"),
      Buffer.alloc(0),
      PNG_SIGNATURE.subarray(0, 5),
    ])
      expect(cutShort(bytes(other))).toBeNull();
  });
});
