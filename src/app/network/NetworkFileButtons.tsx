import { useRef, useState } from "react";
import {
  exportNetwork,
  exportNetworkOnnx,
  NETWORK_FILE_NAME,
  networkLinkParam,
  ONNX_FILE_NAME,
  openModel,
  openNetworkFile,
} from "../../state/network/loading";
import { networkStore, useNetwork } from "../../state/network/store";
import { downloadBlob } from "../../viz/download";
import { lazyPart } from "../../viz/lazyPart";
import { CodeTwinButton } from "../codeTwin/CodeTwinButton";
import { withParam } from "../sections/sections";

// The network's scripts and their dialog: chunks of their own, fetched on the first click.
const NetworkCodeTwin = lazyPart(() => import("./NetworkCodeTwin"));
// The state of the click: a sweep that lands or goes before the chunk does changes nothing.
const networkTwin = (onClose: () => void) => (
  <NetworkCodeTwin onClose={onClose} network={networkStore.getState()} />
);

/**
 * Save network file, Open network file, Save as ONNX (float32 or float64 weights), Open model
 * (an ONNX file), a link to these settings, and Show as code.
 */
export function NetworkFileButtons() {
  // A training or test digit's pixels arrive with its sweep; a drawing's are here already.
  const codeReady = useNetwork((s) => s.sweep !== null || s.choice.set === "drawn");
  // A link carries the layers and settings of a network of the digits, not a person's images.
  const images = useNetwork((s) => s.data.kind === "images");
  const input = useRef<HTMLInputElement>(null);
  const modelInput = useRef<HTMLInputElement>(null);
  const [dtype, setDtype] = useState<"float32" | "float64">("float32");
  const saveOnnx = () =>
    downloadBlob(
      new Blob([exportNetworkOnnx(dtype) as Uint8Array<ArrayBuffer>], {
        type: "application/octet-stream",
      }),
      ONNX_FILE_NAME,
    );
  const openOnnx = async (file: File | undefined) => {
    if (file) await openModel(file);
    if (modelInput.current) modelInput.current.value = "";
  };
  const [link, setLink] = useState<string | null>(null);
  const save = () =>
    downloadBlob(new Blob([exportNetwork()], { type: "application/json" }), NETWORK_FILE_NAME);
  const open = async (file: File | undefined) => {
    if (file) await openNetworkFile(file);
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
      <button type="button" onClick={saveOnnx}>
        Save as ONNX
      </button>
      <label className="network-field">
        <span>ONNX weights</span>
        <select
          value={dtype}
          onChange={(e) => setDtype(e.target.value === "float64" ? "float64" : "float32")}
        >
          <option value="float32">float32 (as PyTorch saves)</option>
          <option value="float64">float64 (every bit)</option>
        </select>
      </label>
      <button type="button" onClick={() => modelInput.current?.click()}>
        Open model
      </button>
      <input
        ref={modelInput}
        type="file"
        accept=".onnx,application/octet-stream"
        hidden
        aria-label="ONNX model to open"
        onChange={(e) => void openOnnx(e.target.files?.[0])}
      />
      <button
        type="button"
        onClick={makeLink}
        disabled={images}
        title={
          images
            ? "A link cannot carry your images: Save network file and Save images keep them"
            : undefined
        }
      >
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
