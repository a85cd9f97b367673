/**
 * Saving and opening the real network: its state file (networkFile.ts) and its share link
 * (`#view=network&net=…`: settings, seed and the chosen image; weights go in the file).
 */
import { errorText } from "../engine/index";
import { networkLink, parseNetworkFile, readNetworkLink, serializeNetwork } from "./networkFile";
import { freshNetwork, networkStore } from "./networkStore";
import { requestNetworkSweep, requestPrediction } from "./networkSweep";
import { endNetworkTraining } from "./networkTraining";

/** The file name Save network file downloads. */
export const NETWORK_FILE_NAME = "convsweep-network.json";

/** The state file's text of the network as it is now. */
export function exportNetwork(): string {
  return serializeNetwork(networkStore.getState());
}

/**
 * Opens a network file: on any problem nothing changes and the message names the field; on
 * success training ends and the file's network, history, drawing and sweep take over.
 */
export function importNetwork(text: string): boolean {
  try {
    const state = parseNetworkFile(text);
    endNetworkTraining();
    networkStore.setState({ ...state, sweep: null, probabilities: null, message: null });
  } catch (error) {
    networkStore.setState({ message: `That network file cannot be opened: ${errorText(error)}` });
    return false;
  }
  requestNetworkSweep();
  requestPrediction();
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
    const { config, settings, choice, layer, filter } = readNetworkLink(param);
    endNetworkTraining();
    networkStore.setState({
      ...freshNetwork(config, settings.seed),
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
