import { useMemo } from "react";
import { type AppState, appStore } from "../state/store";
import { useApp } from "../state/useApp";
import type { Subscribe } from "../viz/useFramePaint";

/**
 * What the main figure's panels and the views share while the store changes every frame: the
 * busy flag and the per-frame painters' subscription that skips panels off screen.
 * (useOnScreen.ts holds what only the views use, farPanels.ts the marking of far panels.)
 */

/**
 * True while a sweep plays, a training run goes on, or a pointer drags (a stroke, the Position
 * slider): the store changes every frame.
 */
export function useBusy(): boolean {
  return useApp(busyOf);
}

/** See {@link useBusy}. */
function busyOf(s: AppState): boolean {
  return runningOf(s) || s.dragging;
}

/**
 * True while a sweep plays or a training run goes on: the store changes every frame for a
 * while (a drag's moves come one at a time). What the views' section and the far-panel
 * marking follow.
 */
export function runningOf(s: AppState): boolean {
  return s.playing || s.training;
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
