import { checkBuffer } from "./checks";
import { checkLabelledImages, type LabelledImages, loadImage } from "./images";
import { CLASSES, type CnnArchitecture, type CnnParams, IMAGE_SIDE } from "./network";
import { type CnnWorkspace, createWorkspace, forwardImage } from "./pass";
import { softmaxCrossEntropy } from "./softmaxCrossEntropy";
import { argmax } from "./train";

/** How well a network classifies a set of labelled images. */
export interface Evaluation {
  /** Fraction classified correctly, 0–1. */
  readonly accuracy: number;
  /** Mean cross-entropy over the images. */
  readonly loss: number;
  /** `confusion[label * 10 + predicted]`: how many images of each label got each prediction. */
  readonly confusion: Int32Array;
}

/** Classifies every image of `set` (forward passes only). */
export function evaluate(
  arch: CnnArchitecture,
  params: CnnParams,
  set: LabelledImages,
  workspace: CnnWorkspace = createWorkspace(arch),
): Evaluation {
  checkLabelledImages("set", set);
  const confusion = new Int32Array(CLASSES * CLASSES);
  let loss = 0;
  let correct = 0;
  for (let n = 0; n < set.count; n++) {
    loadImage(set, n, workspace.input);
    forwardImage(arch, params, workspace);
    const label = set.labels[n] as number;
    loss += softmaxCrossEntropy(workspace.logits, label, workspace.probabilities, null);
    const predicted = argmax(workspace.probabilities);
    if (predicted === label) correct++;
    confusion[label * CLASSES + predicted] = (confusion[label * CLASSES + predicted] as number) + 1;
  }
  return { accuracy: correct / set.count, loss: loss / set.count, confusion };
}

/**
 * The ten class probabilities for one 32x32 image (values in [0, 1], e.g. a drawn digit).
 * Throws RangeError for a wrong length or a value outside [0, 1].
 */
export function predict(
  arch: CnnArchitecture,
  params: CnnParams,
  image: Float64Array,
  workspace: CnnWorkspace = createWorkspace(arch),
): Float64Array {
  checkBuffer("image", image, IMAGE_SIDE * IMAGE_SIDE);
  for (let i = 0; i < image.length; i++) {
    const v = image[i] as number;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`image[${i}] must be in [0, 1]; got ${v}`);
  }
  workspace.input.set(image);
  forwardImage(arch, params, workspace);
  let max = Number.NEGATIVE_INFINITY;
  for (const z of workspace.logits) max = Math.max(max, z);
  const probabilities = new Float64Array(CLASSES);
  let total = 0;
  for (let i = 0; i < CLASSES; i++) {
    probabilities[i] = Math.exp((workspace.logits[i] as number) - max);
    total += probabilities[i] as number;
  }
  for (let i = 0; i < CLASSES; i++) probabilities[i] = (probabilities[i] as number) / total;
  return probabilities;
}
