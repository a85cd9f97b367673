import { lazy, useRef, useState } from "react";
import {
  exportNetwork,
  importNetwork,
  NETWORK_FILE_NAME,
  networkLinkParam,
} from "../../state/network/loading";
import { networkStore, useNetwork } from "../../state/network/store";
import { downloadBlob } from "../../viz/download";
import { CodeTwinButton } from "../codeTwin/CodeTwinButton";
import { withParam } from "../sections/sections";

// The network's scripts and their dialog: chunks of their own, fetched on the first click.
const NetworkCodeTwin = lazy(() => import("./NetworkCodeTwin"));
// The state of the click: a sweep that lands or goes before the chunk does changes nothing.
const networkTwin = (onClose: () => void) => (
  <NetworkCodeTwin onClose={onClose} network={networkStore.getState()} />
);

/** Save network file, Open network file, a link to these settings, and Show as code. */
export function NetworkFileButtons() {
  // A training or test digit's pixels arrive with its sweep; a drawing's are here already.
  const codeReady = useNetwork((s) => s.sweep !== null || s.choice.set === "drawn");
  const input = useRef<HTMLInputElement>(null);
  const [link, setLink] = useState<string | null>(null);
  const save = () =>
    downloadBlob(new Blob([exportNetwork()], { type: "application/json" }), NETWORK_FILE_NAME);
  const open = async (file: File | undefined) => {
    if (file) importNetwork(await file.text());
    if (input.current) input.current.value = "";
  };
  const makeLink = () => {
    // The whole app at this section (from an embedded copy too).
    const hash = withParam(withParam(window.location.hash, "embed", null), "view", "network");
    const params = new URLSearchParams(hash);
    params.delete("state");
    params.set("net", networkLinkParam());
    const url = `${window.location.href.split("#")[0]}#${params.toString()}`;
    setLink(url);
    void navigator.clipboard?.writeText(url).catch(() => {});
  };
  return (
    <div className="tools network-files">
      <button type="button" onClick={save}>
        Save network file
      </button>
      <button type="button" onClick={() => input.current?.click()}>
        Open network file
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Network file to open"
        onChange={(e) => void open(e.target.files?.[0])}
      />
      <button type="button" onClick={makeLink}>
        Link to these network settings
      </button>
      <CodeTwinButton
        dialog={networkTwin}
        disabled={!codeReady}
        why="Waits for the sweep of the chosen digit"
      />
      {link ? (
        <input
          className="network-link"
          readOnly
          value={link}
          aria-label="Link to the network settings"
        />
      ) : null}
    </div>
  );
}
