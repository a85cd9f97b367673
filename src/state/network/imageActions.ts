/**
 * A person's own images in the section: opening them (files, a folder, a zip), pictures from
 * the camera, training on them or on the digits, saving them as a zip, clearing them. The set
 * itself (every image's bytes) is kept here and in this browser's IndexedDB, where the worker
 * reads it; the store holds what the page shows (ImageSetInfo). A failure says why and
 * changes nothing: the network, its training and the images already open stay as they were.
 */
import { errorText, type LayerSpec, NETWORK_PRESETS } from "../../engine";
import { entriesFromFiles, openImageSet } from "../../images/build";
import { classCounts } from "../../images/check";
import { fitFromSource } from "../../images/decode";
import { droppedFiles } from "../../images/dropped";
import { addImages, imageSetFromPictures } from "../../images/pictures";
import { clearImageSets, loadImageSet, saveImageSet } from "../../images/storage";
import type { ImageSet } from "../../images/types";
import { imageSetZip } from "../../images/zip";
import { layersForClasses, sectionSpec, specProblem } from "./spec";
import {
  DIGITS,
  fitOf,
  freshNetwork,
  type ImageSetInfo,
  networkStore,
  type SectionData,
  sweepTargetIn,
} from "./store";
import { requestNetworkSweep, requestPrediction } from "./sweep";
import { endNetworkTraining } from "./training";
// Every change to the network's store passes the network file's rules (guard.ts).
import "./guard";

/** The file name Save images downloads. */
export const IMAGES_FILE_NAME = "convsweep-images.zip";

/** Thumbnails kept of each class. */
const THUMBNAILS_PER_CLASS = 6;

export { IMAGE_SIDES } from "./imageSides";

/** The set open now (its bytes), or null. */
let openSet: ImageSet | null = null;
/** Stops the opening under way. */
let opening: AbortController | null = null;

const set = networkStore.setState;
const get = networkStore.getState;

/** What the page shows of a set: its classes, counts, a few thumbnails and what was skipped. */
export function imageSetInfo(images: ImageSet): ImageSetInfo {
  const n = images.classes.length;
  const { height, width } = images.shape;
  const size = 3 * height * width;
  const thumbnails: { label: number; pixels: Uint8Array }[] = [];
  const taken = new Array<number>(n).fill(0);
  const { train } = images;
  for (let i = 0; i < train.count; i++) {
    const label = train.labels[i] as number;
    if ((taken[label] as number) >= THUMBNAILS_PER_CLASS) continue;
    taken[label] = (taken[label] as number) + 1;
    thumbnails.push({ label, pixels: train.pixels.slice(i * size, (i + 1) * size) });
  }
  return {
    id: images.id,
    classes: images.classes,
    height,
    width,
    trainCounts: classCounts(images.train.labels, n),
    testCounts: classCounts(images.test.labels, n),
    thumbnails,
    skipped: images.skipped,
  };
}

/**
 * The network for a data set: its layers with the last one giving one value per class, reading
 * `channels` channels at the data's size; the default network's layers when its own do not
 * make a network there. Null (with the reason) when neither does.
 */
function networkFor(
  data: SectionData,
  channels: number,
): { spec: ReturnType<typeof sectionSpec> } | { problem: string } {
  const fit = fitOf(data);
  const shape = fit.inputs.find((s) => s.channels === channels) ?? fit.inputs[0];
  if (shape === undefined) return { problem: "the data can be read as no input" };
  const specOf = (layers: readonly LayerSpec[]) =>
    sectionSpec(layersForClasses(layers, fit.classes), shape);
  const own = specOf(get().spec.layers);
  const problem = specProblem(own, fit);
  if (problem === null) return { spec: own };
  const fallback = specOf(NETWORK_PRESETS.default().layers);
  // When neither fits, the reason given is the network's own layers'.
  return specProblem(fallback, fit) === null ? { spec: fallback } : { problem };
}

/**
 * Makes `data` the section's data, with a network that reads it (`channels`: 3 colour, 1
 * gray): the current layers where they fit, from the seed. Returns false (and says why) when
 * no network fits.
 */
function switchData(data: SectionData, channels: number): boolean {
  const made = networkFor(data, channels);
  if ("problem" in made) {
    set({ message: `The network cannot read those images: ${made.problem}.` });
    return false;
  }
  endNetworkTraining();
  const state = get();
  const { spec } = made;
  set({
    ...freshNetwork(spec, state.settings.seed, data),
    data,
    choice: { set: "train", index: 0 },
    ...sweepTargetIn(spec, state.layer, state.filter),
    probabilities: null,
    digits: "idle",
    message: null,
  });
  requestNetworkSweep();
  if (data.kind === "digits") requestPrediction(true);
  return true;
}

/** Where opening images stands (null: not opening). */
export interface ImagesProgress {
  readonly done: number;
  readonly total: number;
}

type ProgressListener = (progress: ImagesProgress | null) => void;
const progressListeners = new Set<ProgressListener>();

/** Follows the opening's progress (for the panel); returns the unsubscribe. */
export function onImagesProgress(listener: ProgressListener): () => void {
  progressListeners.add(listener);
  return () => progressListeners.delete(listener);
}

function tellProgress(progress: ImagesProgress | null): void {
  for (const listener of progressListeners) listener(progress);
}

/** Stops an opening under way (the images open before stay). */
export function stopOpeningImages(): void {
  opening?.abort();
}

/** Stores a set and makes it the section's data; false (and why) when it cannot be. */
async function takeSet(images: ImageSet, channels: number): Promise<boolean> {
  try {
    await saveImageSet(images);
  } catch (error) {
    set({
      message: `Your images cannot be used: ${errorText(error)}`,
    });
    return false;
  }
  const info = imageSetInfo(images);
  if (!switchData({ kind: "images", set: info }, channels)) return false;
  openSet = images;
  return true;
}

/**
 * Opens image files, a folder (one subfolder per class) or a zip of such folders, at `side`
 * x `side` pixels, as the section's data set, read in colour or gray. Files that are not
 * images, cannot be read or pass a limit are listed and skipped.
 */
export async function openImages(
  files: readonly File[],
  options: { side: number; channels: 1 | 3; paths?: readonly string[] },
): Promise<boolean> {
  if (files.length === 0) return false;
  opening?.abort();
  const controller = new AbortController();
  opening = controller;
  const { side, channels } = options;
  tellProgress({ done: 0, total: files.length });
  try {
    const entries = await entriesFromFiles(files, {
      signal: controller.signal,
      paths: options.paths,
    });
    const images = await openImageSet(
      entries,
      { channels: 3, height: side, width: side },
      {
        signal: controller.signal,
        onProgress: (done, total) => {
          if (opening === controller) tellProgress({ done, total });
        },
      },
    );
    if (opening !== controller) return false;
    return await takeSet(images, channels);
  } catch (error) {
    if (controller.signal.aborted) {
      set({ message: "Opening the images was stopped; nothing changed." });
    } else {
      set({ message: `Those images cannot be opened: ${errorText(error)}` });
    }
    return false;
  } finally {
    if (opening === controller) {
      opening = null;
      tellProgress(null);
    }
  }
}

/** Opens what was dropped on Your images: a folder (its subfolders the classes), files or a zip. */
export async function openDroppedImages(
  data: DataTransfer,
  options: { side: number; channels: 1 | 3 },
): Promise<boolean> {
  const { files, paths } = await droppedFiles(data);
  return openImages(files, { ...options, paths });
}

/**
 * Adds pictures (from the camera: [3][H][W] bytes at the images' size) to classes: to the
 * set open now, or as a new set when none is open (it then needs two classes).
 */
export async function addPictures(
  pictures: readonly { readonly className: string; readonly pixels: Uint8Array }[],
  options: { side: number; channels: 1 | 3 },
): Promise<boolean> {
  try {
    let images: ImageSet;
    if (openSet !== null && get().data.kind === "images") {
      images = openSet;
      const byClass = new Map<string, Uint8Array[]>();
      for (const p of pictures)
        byClass.set(p.className, [...(byClass.get(p.className) ?? []), p.pixels]);
      for (const [name, list] of byClass) images = addImages(images, name, list);
    } else {
      images = imageSetFromPictures(pictures, {
        channels: 3,
        height: options.side,
        width: options.side,
      });
    }
    const channels = get().data.kind === "images" ? get().spec.input.channels : options.channels;
    return await takeSet(images, channels === 1 ? 1 : 3);
  } catch (error) {
    set({ message: `Those pictures cannot be added: ${errorText(error)}` });
    return false;
  }
}

/** Reads the images in colour (3 channels) or gray (1): a new network from the seed. */
export function setImageChannels(channels: 1 | 3): void {
  const { data, spec } = get();
  if (data.kind !== "images" || spec.input.channels === channels) return;
  switchData(data, channels);
}

/** Trains on the digits again (the images stay stored, to come back to). */
export function trainOnDigits(): void {
  if (get().data.kind === "digits") return;
  switchData(DIGITS, 1);
}

/** Trains on the images stored in this browser (opened on an earlier visit). */
export async function trainOnStoredImages(channels: 1 | 3 = 3): Promise<boolean> {
  try {
    const images = openSet ?? (await loadImageSet());
    if (images === null) {
      set({ message: "No images are stored in this browser: open some with Open images." });
      return false;
    }
    if (!switchData({ kind: "images", set: imageSetInfo(images) }, channels)) return false;
    openSet = images;
    return true;
  } catch (error) {
    set({ message: `The stored images cannot be read: ${errorText(error)}` });
    return false;
  }
}

/** The stored set's info, if any (for "Use your images" after a reload), else null. */
export async function storedImagesInfo(): Promise<ImageSetInfo | null> {
  try {
    const images = openSet ?? (await loadImageSet());
    return images === null ? null : imageSetInfo(images);
  } catch {
    return null;
  }
}

/** Removes the images from this browser; the section trains on the digits again. */
export async function clearImages(): Promise<void> {
  try {
    await clearImageSets();
  } catch (error) {
    set({ message: `The images could not be removed from this browser: ${errorText(error)}` });
    return;
  }
  openSet = null;
  if (get().data.kind === "images") switchData(DIGITS, 1);
}

/** The open images as a zip (a folder per class, and the split), or null when none are open. */
export async function imagesZip(): Promise<Uint8Array | null> {
  if (openSet === null) return null;
  return imageSetZip(openSet);
}

/** The picture a playing video (the camera) shows now, fitted to side x side: [3][H][W] bytes. */
export function pictureFromVideo(video: HTMLVideoElement, side: number): Uint8Array {
  return fitFromSource(video, video.videoWidth, video.videoHeight, {
    channels: 3,
    height: side,
    width: side,
  });
}
