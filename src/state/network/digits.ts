import { DIGITS_ASSET_NAME } from "../../engine";

/** The URL of the digits asset, beside the page (the build puts it at its root). */
export function digitsUrl(): string {
  return typeof document === "undefined"
    ? DIGITS_ASSET_NAME
    : new URL(DIGITS_ASSET_NAME, document.baseURI).href;
}
