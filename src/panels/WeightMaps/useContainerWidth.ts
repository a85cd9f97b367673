import { useLayoutEffect, useState } from "react";

/**
 * The content width of an element in CSS pixels, following resizes; `fallback` until measured.
 * Returns a callback ref, so an element that mounts later (after a placeholder) is measured too.
 */
export function useContainerWidth<T extends HTMLElement>(
  fallback: number,
): [(el: T | null) => void, number] {
  const [element, setElement] = useState<T | null>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    if (element === null) return;
    const measure = () => {
      const w = element.clientWidth;
      // A hidden or not-yet-laid-out element reads 0: keep the last usable width.
      if (w > 0) setWidth(Math.floor(w));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return [setElement, width];
}
