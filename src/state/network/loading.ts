/**
 * Saving and opening the real network: its state file (file.ts) and its share link
 * (`#view=network&net=…`: settings, seed and the chosen image; weights go in the file).
 */
import {
  createNetwork,
  errorText,
  exportOnnx,
  type ImportedModel,
  MAX_ONNX_BYTES,
} from "../../engine";
import { SupersededError } from "../../worker/client";
import { engine } from "../engineClient";
import {
  MAX_NETWORK_FILE_BYTES,
  MAX_PARAM,
  type NetworkFileContents,
  parseNetworkFile,
  serializeNetwork,
  sumsDisagreement,
} from "./file";
import { IMAGE_SIDES } from "./imageSides";
import { networkLink, readNetworkLink } from "./link";
import { sectionSpec, specProblem } from "./spec";
import { DIGITS, fitOf, freshNetwork, networkStore, sweepTargetIn } from "./store";
import { networkSums } from "./sums";
import { requestNetworkSweep, requestNetworkSweepThen, requestPrediction } from "./sweep";
import { endNetworkTraining } from "./training";
// Every change to the network's store passes the network file's rules (guard.ts).
import "./guard";

/** The file name Save network file downloads. */
export const NETWORK_FILE_NAME = "convsweep-network.json";

/** The state file's text of the network as it is now. */
export function exportNetwork(): string {
  return serializeNetwork(networkStore.getState());
}

/**
 * Opens a network file: on any problem nothing changes and the message names the field; on
 * success training ends and the file's network, history, drawing and sweep take over. The
 * sweep is made again from the file's network and image, and the sums the file saved are
 * compared with it: a file edited by hand, or by a build whose engine differs, is named.
 */
export function importNetwork(text: string): boolean {
  let file: NetworkFileContents;
  try {
    file = parseNetworkFile(text, networkStore.getState().data);
  } catch (error) {
    networkStore.setState({ message: `That network file cannot be opened: ${errorText(error)}` });
    return false;
  }
  const { savedSums, savedGradient, ...state } = file;
  endNetworkTraining();
  networkStore.setState({
    ...state,
    sweep: null,
    probabilities: null,
    message: null,
  });
  requestNetworkSweepThen((sweep) => {
    const { position } = networkStore.getState();
    const problem =
      (savedSums && sumsDisagreement(savedSums, networkSums(sweep, position), "sweep.sums")) ??
      (savedGradient &&
        sumsDisagreement(savedGradient, { ...sweep.sweep, below: null }, "sweep.engine"));
    if (problem) {
      networkStore.setState({
        message: `The file's saved sums do not match its network: ${problem}. The page shows the sums of the file's network and image made again; the file was edited, or written by another version of ConvSweep.`,
      });
    }
  });
  requestPrediction(true);
  return true;
}

/**
 * Opens a network file chosen or dropped: one over the size limit is refused by its size,
 * before a byte of it is read, and one that can no longer be read (changed, moved or its
 * permission gone since it was picked: NotReadableError) is refused with the reason; any other
 * goes to importNetwork. Either way a refused file changes nothing.
 */
export async function openNetworkFile(file: {
  name: string;
  size: number;
  text(): Promise<string>;
}): Promise<boolean> {
  if (file.size > MAX_NETWORK_FILE_BYTES) {
    networkStore.setState({
      message: `That network file cannot be opened: ${file.name} is ${(file.size / 1048576).toFixed(1)} MB; a network file is at most ${MAX_NETWORK_FILE_BYTES / 1048576} MB.`,
    });
    return false;
  }
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    networkStore.setState({
      message: `That network file cannot be opened: ${file.name} could not be read: ${errorText(error)}`,
    });
    return false;
  }
  return importNetwork(text);
}

/** The `net` parameter of a link to the network as it is now. */
export function networkLinkParam(): string {
  return networkLink(networkStore.getState());
}

/**
 * Applies a link's `net` parameter: the seed's network with those settings and that choice.
 * A bad link is refused naming the field; the network stays as it was.
 */
export function applyNetworkLink(param: string): boolean {
  try {
    const { spec, settings, choice, layer, filter } = readNetworkLink(param);
    endNetworkTraining();
    networkStore.setState({
      ...freshNetwork(spec, settings.seed),
      data: DIGITS,
      settings,
      choice,
      layer,
      filter,
      message: null,
    });
    return true;
  } catch (error) {
    networkStore.setState({ message: `The link's network cannot be used: ${errorText(error)}` });
    return false;
  }
}

/** The file name Save as ONNX downloads. */
export const ONNX_FILE_NAME = "convsweep-network.onnx";

/** The network and its current weights as an ONNX model (float32 unless asked for float64). */
export function exportNetworkOnnx(dtype: "float32" | "float64" = "float32"): Uint8Array {
  const { spec, params } = networkStore.getState();
  return exportOnnx(createNetwork(spec), params, { dtype });
}

/**
 * Opens a trained model (an ONNX file, read in the worker): a model whose layers the section
 * can train on the digits replaces the network with its weights, from step 0; anything else
 * is refused with a message that says why, and the network and its training are untouched.
 */
export async function openModel(file: {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}): Promise<boolean> {
  const refuse = (why: string) => {
    networkStore.setState({ message: `That model cannot be opened: ${why}` });
    return false;
  };
  if (file.size > MAX_ONNX_BYTES) {
    return refuse(
      `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; a model is at most ${MAX_ONNX_BYTES / 1048576} MB.`,
    );
  }
  let model: ImportedModel;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    model = await engine().lane("network-onnx").importOnnxModel({ bytes });
  } catch (error) {
    if (error instanceof SupersededError) return false;
    return refuse(errorText(error));
  }
  // The model's images: the section's data when they fit it, else the digits when it reads them.
  const state = networkStore.getState();
  const spec = sectionSpec(model.spec.layers, model.spec.input);
  const data = specProblem(spec, fitOf(state.data)) === null ? state.data : DIGITS;
  const problem = specProblem(spec, fitOf(data));
  if (problem !== null) {
    const { channels, height, width } = model.spec.input;
    const images =
      state.data.kind === "images"
        ? ` Your images are ${state.data.set.height}x${state.data.set.width} in ${state.data.set.classes.length} classes.`
        : "";
    const how =
      height === width && IMAGE_SIDES.includes(height)
        ? `open them at ${height}x${width} (Image size, then Open images), then open the model again${channels === 3 ? " (3 channels: colour)" : ""}`
        : `ConvSweep opens images as squares of ${IMAGE_SIDES[0]} to ${IMAGE_SIDES.at(-1)} pixels (Image size), so export the model for one of those`;
    return refuse(`${problem}.${images} A model of other images: ${how}.`);
  }
  const at = model.params.findIndex((w) => !(Math.abs(w) <= MAX_PARAM));
  if (at !== -1) {
    return refuse(
      `parameter ${at} is ${model.params[at]}; ConvSweep holds weights within ±${MAX_PARAM.toLocaleString("en-US")}.`,
    );
  }
  endNetworkTraining();
  networkStore.setState({
    ...freshNetwork(spec, state.settings.seed, data),
    data,
    choice: data === state.data ? state.choice : { set: "train", index: 0 },
    params: model.params,
    ...sweepTargetIn(spec, state.layer, state.filter),
    probabilities: null,
    message: null,
    // Said, not refused: the model's last softmax is the loss's own.
    notice:
      model.folded === undefined
        ? null
        : `Opened ${file.name}: its last ${model.folded} is folded into the cross-entropy loss, which applies the softmax itself (the sweep's δ is the probabilities minus the label).`,
  });
  requestNetworkSweep();
  requestPrediction(true);
  return true;
}
