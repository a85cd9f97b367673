/**
 * The images a network request reads, by data key (dataKey.ts): the digits asset fetched and
 * parsed (as stored, or unpadded to 28x28), or a person's images read from this browser's
 * IndexedDB (in colour or gray). Each key is loaded once and kept; a failed load is forgotten.
 */
import {
  checkLabelledImages,
  DIGITS_ASSET_NAME,
  type DigitsDataset,
  type LabelledImages,
  parseDigits,
  UNPADDED_SIDE,
  unpadDigits,
} from "../../engine";
import { loadCode } from "../../engine/loadCode";
import { toGray } from "../../images/fit";
import { BadRequest, describe } from "../host/requestChecks";
import { dataSourceOf } from "./dataKey";

/** Loads the digits asset at a URL (tests give a synthetic one). */
export type DigitsLoader = (url: string) => Promise<DigitsDataset>;

/** A person's image set as stored: RGB images of one size, split into training and held-out. */
export interface StoredImages {
  readonly classes: readonly string[];
  readonly shape: { readonly height: number; readonly width: number };
  readonly train: {
    readonly count: number;
    readonly pixels: Uint8Array;
    readonly labels: Uint8Array;
  };
  readonly test: {
    readonly count: number;
    readonly pixels: Uint8Array;
    readonly labels: Uint8Array;
  };
}

/** Loads a person's image set by its id (from IndexedDB in the page; tests give one). */
export type ImagesLoader = (id: string) => Promise<StoredImages>;

/**
 * Fetches and parses the asset; a refused asset throws DigitsAssetError's message. A failed
 * download (offline, blocked, cut short, HTTP error) says what failed, why, and what to do.
 */
export const fetchDigits: DigitsLoader = async (url) => {
  const name = String(url).split(/[?#]/)[0]?.split("/").pop() || DIGITS_ASSET_NAME;
  let bytes: ArrayBuffer;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    bytes = await response.arrayBuffer();
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/\.$/, "") : String(error);
    throw new Error(
      `The digits (${name}, 7.9 MB) could not be downloaded: ${why}. Check the connection and press Train network or Show the sweep again.`,
    );
  }
  return parseDigits(bytes);
};

/**
 * Loads a person's images from this browser's storage (the page saved them there when they
 * were opened); a set no longer stored says what to do.
 */
export const storedImages: ImagesLoader = async (id) => {
  const { loadImageSet } = await loadCode(
    "The code that reads your stored images",
    () => import("../../images/storage"),
  );
  const set = await loadImageSet(id);
  if (set === null) {
    throw new Error(
      "Your images are no longer stored in this browser (cleared, or storage refused them). Open them again with Open images.",
    );
  }
  return set;
};

/** The digits without MNIST's padding of 2: 1x28x28, MNIST's own size. */
function unpadded(set: LabelledImages): LabelledImages {
  const to = UNPADDED_SIDE;
  return {
    count: set.count,
    pixels: unpadDigits(set.pixels, new Uint8Array(set.count * to * to)),
    labels: set.labels,
    shape: { channels: 1, height: to, width: to },
  };
}

/**
 * A stored set's images with `channels` channels: as stored (3, RGB) or gray (1), each pixel's
 * luma 0.299 R + 0.587 G + 0.114 B, rounded (halves up), as the images module's toGray.
 */
function imagesWith(stored: StoredImages, part: "train" | "test", channels: 1 | 3): LabelledImages {
  const { count, pixels, labels } = stored[part];
  const { height, width } = stored.shape;
  const shape = { channels, height, width };
  const classes = stored.classes.length;
  if (channels === 3) return { count, pixels, labels, shape, classes };
  // In whole numbers (toGray): in floating point 0.299 R + 0.587 G + 0.114 B lands just under
  // an exact half for some colours (R 0, G 36, B 12 is 22.5, computed 22.4999…) and rounds down.
  return { count, pixels: toGray(pixels, count, height, width), labels, shape, classes };
}

/** Loads the images a data key names (dataKey.ts). */
export async function loadData(
  key: string,
  loadDigits: DigitsLoader,
  loadImages: ImagesLoader,
): Promise<DigitsDataset> {
  const source = dataSourceOf(key);
  if (source.kind === "images") {
    const stored = await loadImages(source.id);
    return {
      train: checkLabelledImages("train", imagesWith(stored, "train", source.channels)),
      test: checkLabelledImages("test", imagesWith(stored, "test", source.channels)),
    };
  }
  const digits = await loadDigits(source.url);
  return source.side === 32
    ? digits
    : { train: unpadded(digits.train), test: unpadded(digits.test) };
}

/**
 * A cache of the data keys' images: each loaded once and kept (the last few), and a failed
 * load forgotten, so the next request tries again.
 */
export function dataCache(
  loadDigits: DigitsLoader,
  loadImages: ImagesLoader,
): (key: string) => Promise<DigitsDataset> {
  const loaded = new Map<string, Promise<DigitsDataset>>();
  return (key) => {
    if (typeof key !== "string" || key === "") {
      return Promise.reject(
        new BadRequest(`data must be the digits asset's URL or a data key; got ${describe(key)}`),
      );
    }
    let entry = loaded.get(key);
    if (entry === undefined) {
      entry = loadData(key, loadDigits, loadImages);
      entry.catch(() => loaded.delete(key));
      loaded.set(key, entry);
      // A person's images may be large: keep the digits and the latest key only.
      for (const old of loaded.keys()) {
        if (old !== key && dataSourceOf(old).kind === "images") loaded.delete(old);
      }
    }
    return entry;
  };
}
