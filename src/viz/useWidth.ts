import { useLayoutEffect, useState } from "react";

/** What a width is measured on: an element's content box, or the viewport (the window). */
export type Measured = HTMLElement | Window;

/** The width of `target` in CSS pixels: the window's innerWidth or an element's clientWidth. */
function widthOf(target: Measured): number {
  return "innerWidth" in target ? target.innerWidth : target.clientWidth;
}

/**
 * The width of an element or of the viewport in CSS pixels, following resizes. Measures the
 * element the returned callback ref is put on (so one that mounts later, after a placeholder,
 * is measured too), or `target` from the start (`window` for the viewport). Reads `fallback`
 * until a usable width has been measured: a hidden or not-yet-laid-out element reads 0, and
 * then the last usable width stays.
 */
export function useWidth<T extends Measured = HTMLElement>(
  fallback: number,
  target: T | null = null,
): [ref: (element: T | null) => void, width: number] {
  const [measured, setMeasured] = useState<T | null>(target);
  // The viewport is known at once: no first render at the fallback width.
  const [width, setWidth] = useState(() => {
    const w = measured === null ? 0 : Math.floor(widthOf(measured));
    return w > 0 ? w : fallback;
  });
  useLayoutEffect(() => {
    if (measured === null) return;
    const measure = () => {
      const w = Math.floor(widthOf(measured));
      if (w > 0) setWidth(w);
    };
    measure();
    if (!("clientWidth" in measured)) {
      measured.addEventListener("resize", measure);
      return () => measured.removeEventListener("resize", measure);
    }
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(measured);
    return () => observer.disconnect();
  }, [measured]);
  return [setMeasured, width];
}
