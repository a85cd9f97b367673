import { Suspense, useRef } from "react";
import { TrainingPanel } from "../../panels/Training/TrainingPanel";
import { lazyPart, PartBoundary } from "../../viz/lazyPart";
import { useControlsHeight } from "../App";
import { Controls } from "../Controls";
import { Loading } from "../Loading";
import { MainFigure, useFigureSizes } from "../MainFigure";
import { NoticeBar } from "../NoticeBar";
import { LazyNetwork } from "../network/LazyNetwork";
import { useAppStart } from "../useAppStart";
import { type Section, withParam } from "./sections";

const ViewById = lazyPart(() => import("./ViewById"));

/**
 * ConvSweep embedded in another page (`#embed=<section>&state=…`): the sweep controls and one
 * section, with a link to the whole app. Keys work while the frame has focus; nothing is
 * saved, so an embedded copy never overwrites the person's own saved work. The real network
 * (`#embed=network&net=…`) has its own controls: the main sweep's are left out.
 */
export function Embed({
  section,
}: {
  /** The section shown. */
  section: Section;
}) {
  const controls = useRef<HTMLElement>(null);
  useControlsHeight(controls);
  useAppStart({ save: false });
  const { chartWidth } = useFigureSizes();
  const whole = withParam(
    withParam(window.location.hash, "embed", null),
    "view",
    section.id === "figure" ? null : section.id,
  );
  const network = section.id === "network";
  return (
    <div className="embed">
      {network ? null : (
        <section className="sticky-controls" aria-label="Sweep controls" ref={controls}>
          <Controls />
          <NoticeBar />
        </section>
      )}
      {network ? (
        <main className="panels">
          <LazyNetwork />
        </main>
      ) : section.id === "figure" ? (
        <MainFigure sweepOnly />
      ) : (
        <main className="panels">
          {section.id === "training" ? (
            <TrainingPanel chartWidth={chartWidth} />
          ) : (
            <PartBoundary what={section.title}>
              <Suspense fallback={<Loading>Loading…</Loading>}>
                <ViewById id={section.id} />
              </Suspense>
            </PartBoundary>
          )}
        </main>
      )}
      <p className="embed-credit">
        <a href={`${window.location.pathname}#${whole}`} target="_blank" rel="noopener">
          Open this in ConvSweep
        </a>{" "}
        — one shared filter, every position's gradient added into one sum.
      </p>
    </div>
  );
}
