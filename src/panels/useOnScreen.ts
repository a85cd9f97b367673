import { useEffect, useReducer, useRef } from "react";
import type { AppState } from "../state/store";
import { useApp } from "../state/useApp";

/**
 * Whether the panel with this id follows the store: always, except while `busy` (a sweep
 * playing, a training run, a drag) and the panel is off screen or more than `margin` from it.
 * A panel nobody can see then skips the re-render (and any worker request) for each of the 60
 * changes a second, and catches up as soon as it scrolls near or the run or drag stops. At
 * rest every panel is live, so what assistive technology reads off screen is never stale for
 * long. The panel renders again only when the answer changes: a panel coming on or going off
 * screen at rest (or hidden by farPanels.ts when Play is pressed) renders nothing.
 */
export function useLive(id: string, busy: boolean, margin = "200px"): boolean {
  // Until the first observation, on screen: a panel renders live before anything is known.
  const onScreen = useRef(true);
  const busyNow = useRef(busy);
  busyNow.current = busy;
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const el = document.getElementById(id);
    if (el === null || typeof IntersectionObserver !== "function") return;
    const observer = new IntersectionObserver(
      (entries) => {
        const last = entries[entries.length - 1];
        if (last === undefined || last.isIntersecting === onScreen.current) return;
        onScreen.current = last.isIntersecting;
        if (busyNow.current) rerender();
      },
      { rootMargin: margin },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [id, margin]);
  return onScreen.current || !busy;
}

/**
 * One value of the store that follows the store only while `live`; otherwise it keeps the
 * value it had when `live` was last true.
 */
export function useAppWhile<T>(live: boolean, selector: (state: AppState) => T): T {
  const kept = useRef<{ value: T } | null>(null);
  const value = useApp((s) => (live || kept.current === null ? selector(s) : kept.current.value));
  kept.current = { value };
  return value;
}
