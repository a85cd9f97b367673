import { useSyncExternalStore } from "react";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("resize", onChange);
  return () => window.removeEventListener("resize", onChange);
}

/** The viewport width in CSS pixels, following resizes. */
export function useWidth(): number {
  return useSyncExternalStore(subscribe, () => window.innerWidth);
}
