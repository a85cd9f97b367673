/**
 * A person's own images as a data set: the module's public face. decode.ts and storage.ts are
 * browser only (canvas, createImageBitmap, IndexedDB) but touch nothing until called, so
 * importing this in Node is safe.
 */
export {
  entriesFromFiles,
  newImageSetId,
  type OpenImageSetOptions,
  openImageSet,
} from "./build";
export { checkImageSet, checkManifest, checkShape, type ImageSetManifest } from "./check";
export { type ImagePlan, pathVerdict, planImages } from "./collect";
export { decodeImage, fitFromSource } from "./decode";
export { type CropRect, cropRect, imageBytes, rgbaToPlanar, toGray } from "./fit";
export { bytesText, IMAGE_LIMITS, type ImageLimits } from "./limits";
export { compareCodePoints, imageKind } from "./names";
export { addImages, imageSetFromPictures } from "./pictures";
export { type EncodePng, encodePng } from "./png";
export { DEFAULT_SEED, mulberry32, splitItems, TEST_SHARE, testCount } from "./split";
export {
  clearImageSets,
  IMAGE_DB,
  loadImageSet,
  readStoredImageSet,
  type StoredImageSet,
  saveImageSet,
} from "./storage";
export type {
  DecodeImage,
  ImageEntries,
  ImageEntry,
  ImageSet,
  ImageShape,
  LabelledSet,
  Skipped,
} from "./types";
export { ImageSetError } from "./types";
export { imageSetZip, MANIFEST_NAME, readZip } from "./zip";
