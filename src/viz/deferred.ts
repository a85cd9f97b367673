import { useSyncExternalStore } from "react";

/**
 * The parts the first interaction does not need (the header's tools, the training panel and
 * its chart, the legends' ticks, the explanation below the figure) are chunks that load once
 * the app is interactive: the first-load budget counts every script fetched before that. The
 * app says when (`releaseDeferred`): a frame after its first sweep is on screen.
 */
let released = false;
const listeners = new Set<() => void>();

/** Lets the deferred parts load (once; later calls do nothing). */
export function releaseDeferred(): void {
  if (released) return;
  released = true;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const isReleased = () => released;

/** True once the deferred parts may load: render them (or their lazy chunk) only then. */
export function useDeferredReleased(): boolean {
  return useSyncExternalStore(subscribe, isReleased, isReleased);
}
