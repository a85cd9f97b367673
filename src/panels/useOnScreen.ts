import { useEffect, useRef, useState } from "react";
import type { AppState } from "../state/store";
import { useApp } from "../state/useApp";

/**
 * Whether the element with this id is on screen or within `margin` of it. True until the
 * first observation, so a panel renders live before anything is known.
 */
export function useOnScreen(id: string, margin = "200px"): boolean {
  const [onScreen, setOnScreen] = useState(true);
  useEffect(() => {
    const el = document.getElementById(id);
    if (el === null || typeof IntersectionObserver !== "function") return;
    const observer = new IntersectionObserver(
      (entries) => {
        const last = entries[entries.length - 1];
        if (last) setOnScreen(last.isIntersecting);
      },
      { rootMargin: margin },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [id, margin]);
  return onScreen;
}

/**
 * Whether the panel with this id follows the store: always, except while `busy` (a sweep
 * playing, a training run, a drag) and the panel is off screen. A panel nobody can see then
 * skips the re-render (and any worker request) for each of the 60 changes a second, and
 * catches up as soon as it scrolls near or the run or drag stops. At rest every panel is live, so what assistive
 * technology reads off screen is never stale for long.
 */
export function useLive(id: string, busy: boolean): boolean {
  const onScreen = useOnScreen(id);
  return onScreen || !busy;
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
