/**
 * Pictures (the camera's, already [3][H][W] at the set's size) into a set: added to a class
 * of a set open now, or made into a new set of two classes or more, split by build.ts's rule.
 */
import { assemble, checkSeed, type Decoded, newImageSetId } from "./build";
import { checkImageSet, checkShape } from "./check";
import { imageBytes } from "./fit";
import { IMAGE_LIMITS, numberText } from "./limits";
import { classNameProblem, compareCodePoints, quoted } from "./names";
import { pickTest } from "./split";
import { type ImageSet, ImageSetError, type ImageShape, type LabelledSet } from "./types";

/**
 * A new set (new id) with `images` ([3][H][W] each, the set's shape) added to a class,
 * created when new. Only the new images are split: enough of them go to test to bring the
 * class to split.ts's share (pickTest), and no image already in the set moves.
 */
export function addImages(
  set: ImageSet,
  className: string,
  images: readonly Uint8Array[],
  options: { readonly seed?: number | undefined } = {},
): ImageSet {
  const name = className.normalize("NFC");
  const problem = classNameProblem(name);
  if (problem !== null)
    throw new ImageSetError(`${quoted(className)} cannot be a class name: ${problem}.`);
  const size = imageBytes(set.shape);
  images.forEach((image, i) => {
    if (image.length !== size) {
      throw new ImageSetError(
        `Picture ${i + 1} has ${numberText(image.length)} bytes; the set's images (3x${set.shape.height}x${set.shape.width}) have ${numberText(size)}.`,
      );
    }
  });
  const held = set.train.count + set.test.count;
  if (held + images.length > IMAGE_LIMITS.images) {
    throw new ImageSetError(
      `A set holds ${numberText(IMAGE_LIMITS.images)} images at most; this one has ${numberText(held)}, and ${numberText(images.length)} more would make ${numberText(held + images.length)}.`,
    );
  }
  const isNew = !set.classes.includes(name) && images.length > 0;
  if (isNew && set.classes.length >= IMAGE_LIMITS.classes) {
    throw new ImageSetError(
      `A set has ${numberText(IMAGE_LIMITS.classes)} classes at most: add the pictures to a class it has.`,
    );
  }
  const classes = isNew ? [...set.classes, name].sort(compareCodePoints) : [...set.classes];
  const relabel = set.classes.map((c) => classes.indexOf(c));
  const label = classes.indexOf(name);
  const oldLabel = set.classes.indexOf(name);
  const count = (part: LabelledSet) =>
    part.labels.reduce((n, l) => n + (l === oldLabel ? 1 : 0), 0);
  const heldTest = oldLabel < 0 ? 0 : count(set.test);
  const heldAll = oldLabel < 0 ? 0 : count(set.train) + heldTest;
  const seed = checkSeed(options.seed);
  const picks = pickTest(images.length, heldAll, heldTest, seed, name);
  const grow = (part: LabelledSet, added: readonly Uint8Array[]): LabelledSet => {
    if (added.length === 0 && !isNew) return part; // unchanged: share it, not a copy
    const pixels = new Uint8Array((part.count + added.length) * size);
    pixels.set(part.pixels);
    added.forEach((image, i) => {
      pixels.set(image, (part.count + i) * size);
    });
    const labels = new Uint8Array(part.count + added.length);
    part.labels.forEach((l, i) => {
      labels[i] = relabel[l] ?? l;
    });
    labels.fill(label, part.count);
    return { count: part.count + added.length, pixels, labels };
  };
  return checkImageSet({
    id: newImageSetId(),
    classes,
    shape: set.shape,
    train: grow(
      set.train,
      images.filter((_, i) => !picks[i]),
    ),
    test: grow(
      set.test,
      images.filter((_, i) => picks[i]),
    ),
    skipped: set.skipped,
  });
}

/**
 * A new set from pictures ([3][H][W] each, at `shape`'s size; from the camera) grouped by
 * class name, split as openImageSet splits files: each class by the plain rule, in the order
 * given. Needs at least 2 classes.
 */
export function imageSetFromPictures(
  pictures: readonly { readonly className: string; readonly pixels: Uint8Array }[],
  shape: ImageShape,
  options: { readonly seed?: number | undefined } = {},
): ImageSet {
  const { height, width } = checkShape(shape, "The image size");
  const stored: ImageShape = { channels: 3, height, width };
  const size = imageBytes(stored);
  if (pictures.length > IMAGE_LIMITS.images) {
    throw new ImageSetError(
      `A set holds ${numberText(IMAGE_LIMITS.images)} images at most, not ${numberText(pictures.length)}.`,
    );
  }
  const decoded: Decoded[] = pictures.map((picture, i) => {
    const name = picture.className.normalize("NFC");
    const problem = classNameProblem(name);
    if (problem !== null) {
      throw new ImageSetError(`${quoted(picture.className)} cannot be a class name: ${problem}.`);
    }
    if (picture.pixels.length !== size) {
      throw new ImageSetError(
        `Picture ${i + 1} has ${numberText(picture.pixels.length)} bytes; at 3x${height}x${width} it needs ${numberText(size)}.`,
      );
    }
    // The index, zero-padded, keeps each class's pictures in the order given.
    return {
      path: `${name}/${String(i).padStart(6, "0")}`,
      className: name,
      fixed: undefined,
      pixels: picture.pixels,
    };
  });
  const classes = [...new Set(decoded.map((d) => d.className))].sort(compareCodePoints);
  if (classes.length > IMAGE_LIMITS.classes) {
    throw new ImageSetError(
      `A set has ${numberText(IMAGE_LIMITS.classes)} classes at most, not ${numberText(classes.length)}.`,
    );
  }
  if (classes.length < 2) {
    const found =
      classes.length === 0
        ? "there are no pictures yet"
        : `all the pictures are of ${quoted(classes[0] ?? "")}`;
    throw new ImageSetError(
      `A data set needs at least 2 classes, but ${found}: take pictures of another class too.`,
    );
  }
  return assemble(decoded, classes, stored, checkSeed(options.seed), []);
}
