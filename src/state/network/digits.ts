import { DIGITS_ASSET_NAME, type NetworkSpec } from "../../engine";
import { dataKey } from "../../worker/network/dataKey";
import type { SectionData } from "./store";

/** The URL of the digits asset, beside the page (the build puts it at its root). */
export function digitsUrl(): string {
  return typeof document === "undefined"
    ? DIGITS_ASSET_NAME
    : new URL(DIGITS_ASSET_NAME, document.baseURI).href;
}

/**
 * The worker's key of the images a network trains and sweeps on: the digits (unpadded for a
 * 28x28 input), or a person's stored images read with the network's input channels.
 */
export function sectionDataKey(state: { readonly data: SectionData; readonly spec: NetworkSpec }) {
  const { data, spec } = state;
  if (data.kind === "images") {
    return dataKey({
      kind: "images",
      id: data.set.id,
      channels: spec.input.channels === 1 ? 1 : 3,
    });
  }
  return dataKey({ kind: "digits", url: digitsUrl(), side: spec.input.height === 28 ? 28 : 32 });
}
