import { useMemo } from "react";
import { focusIndex, type PositionView, positionView } from "../state/positionView";
import { useApp } from "../state/useApp";

/** The view of the position the panels focus on (the last one added), or null before a sweep. */
export function usePositionView(): PositionView | null {
  const sweep = useApp((s) => s.sweep);
  const position = useApp((s) => s.position);
  const image = useApp((s) => s.image);
  const target = useApp((s) => s.target);
  return useMemo(() => {
    if (sweep === null) return null;
    // While a new sweep is computed, the old one may not match the new image's shape.
    if (sweep.inputHeight !== image.height || sweep.inputWidth !== image.width) return null;
    if (target.height !== sweep.outHeight || target.width !== sweep.outWidth) return null;
    return positionView(sweep, focusIndex(position), image, target);
  }, [sweep, position, image, target]);
}

/**
 * Whether the per-position numbers hold still: false while a sweep plays. Playing, they change
 * up to 60 times a second; a tooltip with the exact value would show one already gone, so the
 * numbers carry no title then (and the page skips rewriting sixty titles a frame). Paused or
 * stepped, every number has its exact value in its title.
 */
export function useStill(): boolean {
  return useApp((s) => !s.playing);
}
