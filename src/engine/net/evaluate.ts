import { checkBuffer } from "../cnn/checks";
import type { Evaluation } from "../cnn/evaluate";
import { checkLabelledImages, type LabelledImages, loadImage } from "../cnn/images";
import { softmaxCrossEntropy } from "../cnn/softmaxCrossEntropy";
import { argmax } from "../cnn/train";
import { createNetworkWorkspace, forwardInto, type NetworkWorkspace } from "./pass";
import { type Network, sizeOf } from "./spec";

/** The last layer's outputs as class probabilities: the softmax of `logits` into `out`. */
function softmaxInto(logits: Float64Array, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const z of logits) max = Math.max(max, z);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp((logits[i] as number) - max);
    total += out[i] as number;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / total;
}

/**
 * How well a cross-entropy network classifies a set of labelled images (forward passes only):
 * the fraction correct, the mean cross-entropy and the confusion matrix
 * (`confusion[label · classes + predicted]`, classes = the last layer's size).
 */
export function evaluateNetwork(
  net: Network,
  params: Float64Array,
  set: LabelledImages,
  workspace: NetworkWorkspace = createNetworkWorkspace(net),
): Evaluation {
  checkBuffer("params", params, net.paramCount);
  checkLabelledImages("set", set);
  if (net.spec.loss !== "cross-entropy") {
    throw new RangeError("evaluateNetwork classifies: the network's loss must be cross-entropy");
  }
  const last = workspace.outputs[workspace.outputs.length - 1] as Float64Array;
  const classes = last.length;
  const confusion = new Int32Array(classes * classes);
  let loss = 0;
  let correct = 0;
  for (let n = 0; n < set.count; n++) {
    loadImage(set, n, workspace.input);
    forwardInto(net, params, workspace);
    const label = set.labels[n] as number;
    if (label >= classes) {
      throw new RangeError(`set.labels[${n}] is ${label}; the network has ${classes} classes`);
    }
    loss += softmaxCrossEntropy(last, label, workspace.probabilities, null);
    const predicted = argmax(workspace.probabilities);
    if (predicted === label) correct++;
    const cell = label * classes + predicted;
    confusion[cell] = (confusion[cell] as number) + 1;
  }
  return { accuracy: correct / set.count, loss: loss / set.count, confusion };
}

/**
 * The class probabilities (softmax of the last layer) of a cross-entropy network for one input (`[C][H][W]`, values in
 * [0, 1], e.g. a drawn digit). Throws RangeError for a wrong length or a value outside [0, 1].
 */
export function predictNetwork(
  net: Network,
  params: Float64Array,
  image: Float64Array,
  workspace: NetworkWorkspace = createNetworkWorkspace(net),
): Float64Array {
  checkBuffer("params", params, net.paramCount);
  checkBuffer("image", image, sizeOf(net.spec.input));
  if (net.spec.loss !== "cross-entropy") {
    throw new RangeError("predictNetwork classifies: the network's loss must be cross-entropy");
  }
  for (let i = 0; i < image.length; i++) {
    const v = image[i] as number;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`image[${i}] must be in [0, 1]; got ${v}`);
  }
  workspace.input.set(image);
  forwardInto(net, params, workspace);
  const logits = workspace.outputs[workspace.outputs.length - 1] as Float64Array;
  const probabilities = new Float64Array(logits.length);
  softmaxInto(logits, probabilities);
  return probabilities;
}
