import { useLayoutEffect, useRef } from "react";

/** A store's subscribe: calls the listener after every change, returns the unsubscribe. */
export type Subscribe = (listener: () => void) => () => void;

/** The time of the animation frame the page is in (or last drew), the same for a whole frame. */
function frameTime(): number {
  const t = document.timeline?.currentTime;
  return typeof t === "number" ? t : performance.now();
}

/**
 * Paints what changes every frame outside React: `paint` runs after each commit of the
 * component (the structure it paints into may be new) and after every change `subscribe`
 * reports, coalesced: once per task (in a microtask, after the change's other updates), and
 * at most once per animation frame (a second change within the frame waits for the next one).
 * A playing sweep changes the store once a frame, in its requestAnimationFrame callback, so it
 * paints once a frame with no delay; a burst of input events paints once.
 *
 * `paint` receives `force`: true after a commit (redraw everything), false after a change
 * (the painter may skip what is unchanged). `interval` gives the least time between two paints
 * in milliseconds, asked at each change: 1 (the default) is once a frame; 0 paints every change
 * at once (the status, which a test or a person may read right after an action); 25 is every
 * other frame at 60 Hz. A change that waits is painted by a later frame.
 */
export function useFramePaint(
  subscribe: Subscribe,
  paint: (force: boolean) => void,
  interval: () => number = () => 1,
): void {
  const paintRef = useRef(paint);
  paintRef.current = paint;
  const intervalRef = useRef(interval);
  intervalRef.current = interval;
  // After every commit of the component: the DOM it paints may have been replaced.
  useLayoutEffect(() => {
    paintRef.current(true);
  });
  useLayoutEffect(() => {
    let queued = false;
    let frameQueued = false;
    let lastFrame = Number.NEGATIVE_INFINITY;
    let live = true;
    const flush = () => {
      queued = false;
      if (!live) return;
      const now = frameTime();
      const least = intervalRef.current();
      if (least <= 0 || now - lastFrame >= least) {
        lastFrame = now;
        paintRef.current(false);
      } else if (!frameQueued) {
        frameQueued = true;
        requestAnimationFrame(() => {
          frameQueued = false;
          flush();
        });
      }
    };
    const unsubscribe = subscribe(() => {
      if (queued) return;
      queued = true;
      queueMicrotask(flush);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [subscribe]);
}
