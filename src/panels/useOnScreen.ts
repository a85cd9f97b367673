import { type RefObject, useEffect, useMemo, useRef, useState } from "react";
import { type AppState, appStore } from "../state/store";
import { useApp } from "../state/useApp";
import type { Subscribe } from "../viz/useFramePaint";

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
 * True while a sweep plays, a training run goes on, or a pointer drags (a stroke, the Position
 * slider): the store changes every frame.
 */
export function useBusy(): boolean {
  return useApp(busyOf);
}

/** See {@link useBusy}. */
function busyOf(s: AppState): boolean {
  return s.playing || s.training || s.dragging;
}

/**
 * The store's subscribe for the per-frame painter (src/viz/useFramePaint.ts) of the panel with
 * this id, with useLive's rule and no React render: while the store changes every frame (see
 * useBusy) and the panel is off screen, its changes are not reported, so no frame is painted
 * that nobody sees; coming on screen reports one, and the panel catches up. At rest every
 * change is reported. The same function for the same id (useFramePaint subscribes once).
 */
export function useLiveSubscribe(id: string, margin = "200px"): Subscribe {
  return useMemo<Subscribe>(
    () => (listener) => {
      let onScreen = true;
      const el = document.getElementById(id);
      const observer =
        el !== null && typeof IntersectionObserver === "function"
          ? new IntersectionObserver(
              (entries) => {
                const last = entries[entries.length - 1];
                if (last === undefined) return;
                const was = onScreen;
                onScreen = last.isIntersecting;
                if (onScreen && !was) listener();
              },
              { rootMargin: margin },
            )
          : null;
      if (el !== null) observer?.observe(el);
      const unsubscribe = appStore.subscribe((s) => {
        if (onScreen || !busyOf(s)) listener();
      });
      return () => {
        observer?.disconnect();
        unsubscribe();
      };
    },
    [id, margin],
  );
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

/**
 * While `busy` (see useBusy), marks each panel inside `root` that is more than `margin` off
 * screen with `data-far`, which the page's CSS turns into `content-visibility: hidden`: the
 * browser then styles, lays out and paints nothing of it, and its canvases leave the
 * compositor, which otherwise takes every canvas of the page again each frame. Each panel
 * keeps its last size (`contain-intrinsic-size: auto`), is shown again as it comes within
 * `margin` of the screen, and at rest none is marked.
 */
export function useFarPanels(
  root: RefObject<HTMLElement | null>,
  busy: boolean,
  margin = "200px",
): void {
  useEffect(() => {
    const el = root.current;
    if (!busy || el === null || typeof IntersectionObserver !== "function") return;
    const panels = Array.from(el.querySelectorAll<HTMLElement>(".panel"));
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
      for (const panel of panels) delete panel.dataset.far;
    };
  }, [root, busy, margin]);
}
