import { useStore } from "zustand";
import { type AppState, appStore } from "./store";

/** Reads one value of the store in a component; it re-renders only when that value changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}
