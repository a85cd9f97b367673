// Small real image files, made here byte by byte (PNG, GIF) or kept as bytes a browser wrote
// (JPEG, WebP), for the tests of opening image files.
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC of type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * An 8-bit grayscale PNG, height x width, each pixel `gray(row, col)` in 0..255. `extra`
 * chunks go before the image data.
 */
export function pngFile(
  height: number,
  width: number,
  gray: (row: number, col: number) => number,
  extra: Buffer[] = [],
): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, grayscale, deflate, no filter, no interlace
  const rows = Buffer.alloc(height * (width + 1));
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) rows[r * (width + 1) + 1 + c] = gray(r, c);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", header),
    ...extra,
    pngChunk("IDAT", deflateSync(rows)),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/** One 1x1 GIF image block: descriptor, LZW code size 2, one data sub-block, terminator. */
export const GIF_IMAGE = Buffer.from([
  0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00,
]);

/**
 * A 1x1 GIF89a, white, with a two-colour global table, a graphic control extension, then
 * `images` copies of the image block and the trailer.
 */
export function gifFile(images = 1): Buffer {
  return Buffer.concat([
    Buffer.from("GIF89a", "latin1"),
    Buffer.from([1, 0, 1, 0, 0x80, 0, 0]), // 1x1, global table of 2 colours
    Buffer.from([0xff, 0xff, 0xff, 0, 0, 0]),
    Buffer.from([0x21, 0xf9, 0x04, 0x00, 0, 0, 0, 0x00]), // graphic control extension
    ...Array.from({ length: images }, () => GIF_IMAGE),
    Buffer.from([0x3b]),
  ]);
}

/**
 * A 2x2 baseline JPEG (left column black, right white) as Chromium's canvas encodes it, with
 * its ICC profile segment taken out: SOI, APP0, two DQT, SOF0, four DHT, SOS, data, EOI.
 */
export const JPEG_2X2 = Buffer.from(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAFA3PEY8MlBGQUZaVVBfeMiCeG5uePWvuZHI////////////////////////////////////////////////////2wBDAVVaWnhpeOuCguv/////////////////////////////////////////////////////////////////////////wAARCAACAAIDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAT/xAAZEAEAAgMAAAAAAAAAAAAAAAAAAQMzcrH/xAAUAQEAAAAAAAAAAAAAAAAAAAAA/8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAwDAQACEQMRAD8AqpwV6xwAH//Z",
  "base64",
);

/** A 2x2 lossy WebP ("RIFF", size, "WEBP", one "VP8 " chunk) as Chromium encodes it. */
export const WEBP_2X2 = Buffer.from(
  "UklGRiwAAABXRUJQVlA4ICAAAACQAQCdASoCAAIAB0CWJaQAAudZtgAA/pwVn5w2wAAAAA==",
  "base64",
);
