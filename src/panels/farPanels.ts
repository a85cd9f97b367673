import { useLayoutEffect, useRef } from "react";

/** How long the page is at rest before far panels are rendered again, in ms. */
const REST_MS = 250;

/**
 * While `busy` (a sweep playing, a training run), marks each panel matching `selector` that
 * is more than `margin` off screen with `data-far`, which the page's CSS turns into
 * `content-visibility: hidden`:
 * the browser then styles, lays out and paints nothing of it, and its canvases leave the
 * compositor, which otherwise takes every canvas of the page again each frame. Each panel
 * keeps its last size (`contain-intrinsic-size: auto`) and is shown again as it comes within
 * `margin` of the screen. At rest for REST_MS none is marked (a sweep restarted at its end
 * does not render every panel of the page for a moment).
 *
 * The observer watches the panels at rest too, so that Play marks the far ones at once,
 * before the page draws its next frame: an IntersectionObserver reports only after a frame,
 * and that first frame would hand the compositor every canvas of the page (at 1280x900, 37
 * instead of 17: 83 ms of a 127 ms frame at 4x CPU throttling). Measuring the panels' boxes
 * at Play instead would lay out the whole page in the click.
 */
export function useFarPanels(selector: string, busy: boolean, margin = "200px"): void {
  const seen = useRef<{ far: WeakMap<Element, boolean>; observer: IntersectionObserver | null }>({
    far: new WeakMap(),
    observer: null,
  });
  const busyNow = useRef(busy);
  busyNow.current = busy;
  useLayoutEffect(() => {
    if (typeof IntersectionObserver !== "function") return;
    const { far } = seen.current;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          far.set(e.target, !e.isIntersecting);
          if (busyNow.current) mark(e.target as HTMLElement, !e.isIntersecting);
        }
      },
      { rootMargin: margin },
    );
    seen.current.observer = observer;
    for (const panel of document.querySelectorAll(selector)) observer.observe(panel);
    return () => {
      observer.disconnect();
      seen.current.observer = null;
    };
  }, [selector, margin]);
  useLayoutEffect(() => {
    const { far, observer } = seen.current;
    if (!busy || observer === null) return;
    clearTimeout(rest);
    // Panels that appeared since (the network's section loads later) are observed now; the
    // observer reports them after the next frame.
    const panels = Array.from(document.querySelectorAll<HTMLElement>(selector));
    for (const panel of panels) {
      observer.observe(panel);
      mark(panel, far.get(panel) === true);
    }
    return () => {
      rest = setTimeout(() => {
        for (const panel of panels) mark(panel, false);
      }, REST_MS);
    };
  }, [selector, busy]);
}

function mark(panel: HTMLElement, far: boolean): void {
  if (far) panel.dataset.far = "";
  else delete panel.dataset.far;
}

/** The pending return to rest (cancelled when the page is busy again first). */
let rest: ReturnType<typeof setTimeout> | undefined;
