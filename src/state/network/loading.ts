/**
 * Saving and opening the real network: its state file (file.ts) and its share link
 * (`#view=network&net=…`: settings, seed and the chosen image; weights go in the file).
 */
import { errorText } from "../../engine";
import {
  type NetworkFileContents,
  parseNetworkFile,
  serializeNetwork,
  sumsDisagreement,
} from "./file";
import { networkLink, readNetworkLink } from "./link";
import { freshNetwork, networkStore } from "./store";
import { networkSums } from "./sums";
import { requestNetworkSweepThen, requestPrediction } from "./sweep";
import { endNetworkTraining } from "./training";

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
    file = parseNetworkFile(text);
  } catch (error) {
    networkStore.setState({ message: `That network file cannot be opened: ${errorText(error)}` });
    return false;
  }
  const { savedSums, savedGradient, ...state } = file;
  endNetworkTraining();
  networkStore.setState({ ...state, sweep: null, probabilities: null, message: null });
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
