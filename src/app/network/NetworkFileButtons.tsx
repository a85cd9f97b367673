import { useRef, useState } from "react";
import {
  exportNetwork,
  importNetwork,
  NETWORK_FILE_NAME,
  networkLinkParam,
} from "../../state/networkLoading";
import { downloadBlob } from "../../viz/download";
import { withParam } from "../sections/sections";

/** Save network file, Open network file, and a link to these settings. */
export function NetworkFileButtons() {
  const input = useRef<HTMLInputElement>(null);
  const [link, setLink] = useState<string | null>(null);
  const save = () =>
    downloadBlob(new Blob([exportNetwork()], { type: "application/json" }), NETWORK_FILE_NAME);
  const open = async (file: File | undefined) => {
    if (file) importNetwork(await file.text());
    if (input.current) input.current.value = "";
  };
  const makeLink = () => {
    const hash = withParam(window.location.hash, "view", "network");
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
