import { drawnInput } from "../../state/network/data";
import type { NetworkState } from "../../state/network/store";
import {
  type CodeTwin,
  CodeTwinDialog,
  type CodeTwinDialogProps,
} from "../codeTwin/CodeTwinDialog";
import { NETWORK_SCRIPT_NAMES, type NetworkScriptState, networkScript } from "./networkScript";

/**
 * The network section's state for its scripts. A training or test digit's pixels reach the
 * page only with its sweep (the worker holds the digits), so its button waits for one.
 */
function networkScriptState(s: NetworkState): NetworkScriptState {
  const { choice, sweep } = s;
  const drawn = drawnInput(s);
  const image =
    choice.set === "drawn" && drawn !== null
      ? { image: drawn, label: choice.label }
      : sweep === null
        ? null
        : { image: sweep.pixels, label: sweep.label };
  if (image === null) throw new RangeError("the chosen digit has no sweep yet");
  const { spec, settings, params, velocity, steps, layer, filter } = s;
  const classNames = s.data.kind === "images" ? { classNames: s.data.set.classes } : {};
  return {
    spec,
    settings,
    params,
    velocity,
    steps,
    ...image,
    choice,
    layer,
    filter,
    ...classNames,
  };
}

function networkTwin(network: NetworkState): CodeTwin {
  const state = networkScriptState(network);
  return {
    title: "The network's current state as code",
    about: (check) =>
      `A self-contained script with this image, its label, every weight, the chosen filter and this step's settings. It runs the network forward, takes the filter's δ from the layers above, adds every position's terms into one buffer, checks it against ${check}, and prints the filter after one update.`,
    scripts: { pytorch: networkScript(state, "pytorch"), numpy: networkScript(state, "numpy") },
    names: NETWORK_SCRIPT_NAMES,
  };
}

/**
 * "Show as code" of "Inside a real network" (a chunk of its own, with its script writer). The
 * section hands it the store's state: importing the store here would split the store's library
 * into a chunk of the first load of its own.
 */
export default function NetworkCodeTwin({
  onClose,
  network,
}: CodeTwinDialogProps & {
  /** The network section's state when the button was clicked. */
  network: NetworkState;
}) {
  return <CodeTwinDialog make={() => networkTwin(network)} onClose={onClose} />;
}
