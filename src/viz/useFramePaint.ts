import { useLayoutEffect, useRef } from "react";

/** A store's subscribe: calls the listener after every change, returns the unsubscribe. */
export type Subscribe = (listener: () => void) => () => void;

/** The time of the animation frame the page is in (or last drew), the same for a whole frame. */
function frameTime(): number {
  const t = document.timeline?.currentTime;
  return typeof t === "number" ? t : performance.now();
}

/**
 * How far behind the display the page falls when it paints: shared by every painter, since
 * they paint in the same frames. After a paint, the next frame's time says how long that frame
 * took; a frame that overran (a slow machine, a busy one) makes the paints of a fast playing
 * sweep wait three times as long, up to 250 ms, so that most frames stay on time; frames on
 * time bring the wait back down.
 */
const pace = { wait: 0, probing: Number.NaN, shortest: Number.POSITIVE_INFINITY };

/** Measures the frame a paint happened in by the time the next frame starts. */
function probe(frame: number): void {
  if (pace.probing === frame) return;
  pace.probing = frame;
  requestAnimationFrame((next) => {
    const took = next - frame;
    if (!(took > 0) || took > 1000) return;
    pace.shortest = Math.min(pace.shortest, took);
    pace.wait = took > pace.shortest * 1.5 ? Math.min(250, took * 3) : pace.wait / 2;
  });
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
 * other frame at 60 Hz, or less often when frames overrun (see `pace`). A change that waits is
 * painted by a later frame.
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
      const asked = intervalRef.current();
      // Paints spaced out already (a fast playing sweep) wait longer when frames overrun.
      const least = asked > 1 ? Math.max(asked, pace.wait) : asked;
      if (least <= 0 || now - lastFrame >= least) {
        lastFrame = now;
        paintRef.current(false);
        probe(now);
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
