import { type RefObject, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { outputShape } from "../engine/index";
import { useApp } from "../state/useApp";
import { useDeferredReleased } from "../viz/deferred";
import { lazyPart, PartBoundary } from "../viz/lazyPart";
import { Controls } from "./Controls";
import { HeaderToolsSpace } from "./HeaderToolsSpace";
import { LazyViews } from "./LazyViews";
import { MainFigure } from "./MainFigure";
import { NoticeBar, SetAsideNotice } from "./NoticeBar";
import { LazyPractice } from "./practice/LazyPractice";
import { Tour } from "./Tour";
import { useAppStart } from "./useAppStart";

const HeaderTools = lazyPart(() => import("./HeaderTools"));
const HelpDialog = lazyPart(() => import("./HelpDialog").then((m) => ({ default: m.HelpDialog })));

/**
 * The header's one-line summary, with the current filter's size and number of positions
 * (index.html carries the default's text until the first render).
 */
function Tagline() {
  const kernelHeight = useApp((s) => s.kernel.height);
  const kernelWidth = useApp((s) => s.kernel.width);
  const positions = useApp((s) => {
    try {
      const out = outputShape(s.image, s.kernel, s.options);
      return out.height * out.width;
    } catch {
      return null; // the store never holds options that do not fit; if it did, say less
    }
  });
  return (
    <p className="tagline">
      One {kernelHeight}x{kernelWidth} filter,{" "}
      {positions === null ? "many" : positions.toLocaleString("en")} positions, one summed gradient.
      Step through backpropagation and watch every position add into the same shared filter.
    </p>
  );
}

/**
 * Keeps the CSS variable --sweep-controls-height at the sticky controls' height (it grows
 * with the messages below them), so that focus and scrolling stop below them (app.css); at 0
 * on a page without them.
 */
export function useControlsHeight(section: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const el = section.current;
    const root = document.documentElement.style;
    if (el === null) {
      // No controls on this page (an embedded network has its own): no room kept for them.
      root.setProperty("--sweep-controls-height", "0px");
      return () => {
        root.removeProperty("--sweep-controls-height");
      };
    }
    if (typeof ResizeObserver !== "function") return;
    const observer = new ResizeObserver(() =>
      root.setProperty("--sweep-controls-height", `${Math.ceil(el.offsetHeight)}px`),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      root.removeProperty("--sweep-controls-height");
    };
  }, [section]);
}

export function App() {
  const [help, setHelp] = useState(false);
  const [practice, setPractice] = useState(false);
  const controls = useRef<HTMLElement>(null);
  useControlsHeight(controls);
  const openHelp = useCallback(() => setHelp(true), []);
  const togglePractice = useCallback(() => setPractice((p) => !p), []);
  useAppStart({ onHelp: openHelp });
  const deferred = useDeferredReleased();
  return (
    <>
      {/* index.html shows a copy of the title and tagline until this replaces it: keep them alike. */}
      <header className="app-header">
        <div>
          <h1>ConvSweep</h1>
          <Tagline />
        </div>
        <div className="header-actions">
          <button type="button" onClick={openHelp} aria-keyshortcuts="?">
            Keyboard shortcuts
          </button>
          <PartBoundary what="The header's buttons (Contents, Practice, Paint δ, Theme, saving and sharing)">
            <Suspense fallback={<HeaderToolsSpace />}>
              {deferred ? (
                <HeaderTools practice={practice} onPractice={togglePractice} />
              ) : (
                <HeaderToolsSpace />
              )}
            </Suspense>
          </PartBoundary>
        </div>
      </header>
      <section className="sticky-controls" aria-label="Sweep controls" ref={controls}>
        <Controls />
        <NoticeBar />
      </section>
      <SetAsideNotice />
      {/* In the first load: a tour arriving later would push the panels down mid-stroke. */}
      <Tour />
      {/* The shortcuts' list is a chunk of its own. */}
      <PartBoundary what="Keyboard shortcuts">
        <Suspense fallback={null}>
          {help ? <HelpDialog open onClose={() => setHelp(false)} /> : null}
        </Suspense>
      </PartBoundary>
      <LazyPractice open={practice} onClose={() => setPractice(false)} />
      <MainFigure />
      <LazyViews />
    </>
  );
}
