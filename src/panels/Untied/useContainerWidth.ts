import { type RefObject, useLayoutEffect, useRef, useState } from "react";

/**
 * The content width of the element the returned ref is put on, following resizes; `fallback`
 * until it has been measured (and where ResizeObserver is missing, the first measurement).
 */
export function useContainerWidth<T extends HTMLElement>(
  fallback: number,
): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const update = () => {
      // clientWidth is 0 before the first layout; keep the fallback until it is real.
      if (element.clientWidth > 0) setWidth(element.clientWidth);
    };
    update();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
