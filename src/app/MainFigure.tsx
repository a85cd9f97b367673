import { Suspense } from "react";
import { ForwardPanel } from "../panels/Forward/ForwardPanel";
import { InputPanel } from "../panels/Input/InputPanel";
import { InputGradientPanel } from "../panels/InputGradient/InputGradientPanel";
import { RunningSumPanel } from "../panels/RunningSum/RunningSumPanel";
import { ThisPositionPanel } from "../panels/ThisPosition/ThisPositionPanel";
import { UpdatePanel } from "../panels/Update/UpdatePanel";
import { useDeferredReleased } from "../viz/deferred";
import { lazyPart, PartBoundary } from "../viz/lazyPart";
import { useWidth } from "../viz/useWidth";
import { LazyPaintDelta } from "./paintDelta/LazyPaintDelta";

// Training (below the sweep's panels) is a chunk of its own, fetched with the first load's end.
const TrainingPanel = lazyPart(() =>
  import("../panels/Training/TrainingPanel").then((m) => ({ default: m.TrainingPanel })),
);
const Explanation = lazyPart(() =>
  import("./Explanation").then((m) => ({ default: m.Explanation })),
);

/** The panels' sizes for the viewport's width. */
export function useFigureSizes() {
  // innerWidth can read 0 before the first layout; never size a figure below a usable minimum.
  const [, viewportWidth] = useWidth(320, window);
  const width = Math.max(320, viewportWidth);
  const narrow = width < 760;
  return {
    mapSize: narrow ? Math.min(110, Math.floor((width - 64) / 3)) : 118,
    bigSize: narrow ? Math.min(300, width - 48) : 224,
    chartWidth: narrow ? width - 48 : 380,
  };
}

/**
 * The main figure: input, forward pass, this position, running sum, input gradient and
 * update; with the training panel and the explanation unless `sweepOnly`.
 */
export function MainFigure({
  sweepOnly = false,
}: {
  /** Only the sweep's six panels (the embedded figure). */
  sweepOnly?: boolean;
}) {
  const { mapSize, bigSize, chartWidth } = useFigureSizes();
  const deferred = useDeferredReleased();
  const trainingSpace = (
    <section className="panel training-space" aria-hidden="true" data-pending />
  );
  return (
    <main className="panels" id="figure">
      <InputPanel size={bigSize} />
      <ForwardPanel size={mapSize} />
      <LazyPaintDelta size={bigSize} />
      <ThisPositionPanel />
      <RunningSumPanel />
      <InputGradientPanel size={bigSize} />
      <UpdatePanel />
      {sweepOnly ? null : (
        <>
          {/* Chunks of their own, loaded once the app is interactive (viz/deferred.ts). */}
          <PartBoundary what="Training">
            <Suspense fallback={trainingSpace}>
              {deferred ? <TrainingPanel chartWidth={chartWidth} /> : trainingSpace}
            </Suspense>
          </PartBoundary>
          <PartBoundary what="The explanation">
            <Suspense fallback={null}>{deferred ? <Explanation /> : null}</Suspense>
          </PartBoundary>
        </>
      )}
    </main>
  );
}
