import { useEffect } from "react";

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
 */
export function useFarPanels(selector: string, busy: boolean, margin = "200px"): void {
  useEffect(() => {
    if (!busy || typeof IntersectionObserver !== "function") return;
    clearTimeout(rest);
    const panels = Array.from(document.querySelectorAll<HTMLElement>(selector));
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const panel = e.target as HTMLElement;
          if (e.isIntersecting) delete panel.dataset.far;
          else panel.dataset.far = "";
        }
      },
      { rootMargin: margin },
    );
    for (const panel of panels) observer.observe(panel);
    return () => {
      observer.disconnect();
      rest = setTimeout(() => {
        for (const panel of panels) delete panel.dataset.far;
      }, REST_MS);
    };
  }, [selector, busy, margin]);
}

/** The pending return to rest (cancelled when the page is busy again first). */
let rest: ReturnType<typeof setTimeout> | undefined;
