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
 * (the painter may skip what is unchanged). `throttle: false` paints every change at once, for
 * the one text a test or a person may read right after an action (the status).
 */
export function useFramePaint(
  subscribe: Subscribe,
  paint: (force: boolean) => void,
  { throttle = true }: { throttle?: boolean } = {},
): void {
  const paintRef = useRef(paint);
  paintRef.current = paint;
  // After every commit of the component: the DOM it paints may have been replaced.
  useLayoutEffect(() => {
    paintRef.current(true);
  });
  useLayoutEffect(() => {
    let queued = false;
    let frameQueued = false;
    let lastFrame = Number.NaN;
    let live = true;
    const run = () => {
      if (!live) return;
      lastFrame = frameTime();
      paintRef.current(false);
    };
    const onFrame = () => {
      frameQueued = false;
      run();
    };
    const flush = () => {
      queued = false;
      if (!live) return;
      if (!throttle || frameTime() !== lastFrame) run();
      else if (!frameQueued) {
        frameQueued = true;
        requestAnimationFrame(onFrame);
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
  }, [subscribe, throttle]);
}
