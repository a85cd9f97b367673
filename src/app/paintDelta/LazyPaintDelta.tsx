import { Suspense } from "react";
import { useApp } from "../../state/useApp";
import { lazyPart, PartBoundary } from "../../viz/lazyPart";
import { Loading } from "../Loading";

// The painting panel is a chunk of its own, fetched when Paint δ is first switched on.
const PaintDeltaPanel = lazyPart(() => import("../../panels/PaintDelta/PaintDeltaPanel"));

/** The Paint δ panel while the mode is on; nothing (and no code fetched) otherwise. */
export function LazyPaintDelta({
  size,
}: {
  /** The δ map's width in CSS pixels. */
  size: number;
}) {
  const painting = useApp((s) => s.paintedDelta !== null);
  if (!painting) return null;
  return (
    <PartBoundary what="Paint δ">
      <Suspense fallback={<Loading>Loading Paint δ…</Loading>}>
        <PaintDeltaPanel size={size} />
      </Suspense>
    </PartBoundary>
  );
}
