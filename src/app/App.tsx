import { type RefObject, useEffect, useRef, useState } from "react";
import { outputShape } from "../engine/index";
import { ForwardPanel } from "../panels/Forward/ForwardPanel";
import { InputPanel } from "../panels/Input/InputPanel";
import { InputGradientPanel } from "../panels/InputGradient/InputGradientPanel";
import { RunningSumPanel } from "../panels/RunningSum/RunningSumPanel";
import { ThisPositionPanel } from "../panels/ThisPosition/ThisPositionPanel";
import { TrainingPanel } from "../panels/Training/TrainingPanel";
import { UpdatePanel } from "../panels/Update/UpdatePanel";
import { useApp } from "../state/useApp";
import { useWidth } from "../viz/useWidth";
import { Controls } from "./Controls";
import { CodeTwinButton } from "./codeTwin/CodeTwinButton";
import { Explanation } from "./Explanation";
import { FigureButtons } from "./FigureButtons";
import { HelpDialog } from "./HelpDialog";
import { LazyViews } from "./LazyViews";
import { NoticeBar } from "./NoticeBar";
import { ShareButton } from "./ShareButton";
import { StateFileButtons } from "./StateFileButtons";
import { handleShortcut } from "./shortcuts";
import { startApp } from "./start";
import { ThemeToggle } from "./ThemeToggle";
import { Tour } from "./Tour";

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
 * with the messages below them), so that focus and scrolling stop below them (app.css).
 */
function useControlsHeight(section: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const el = section.current;
    if (el === null || typeof ResizeObserver !== "function") return;
    const root = document.documentElement.style;
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
  const controls = useRef<HTMLElement>(null);
  useControlsHeight(controls);
  useEffect(() => {
    const stop = startApp();
    const onKey = (e: KeyboardEvent) => {
      if (
        e.key === "?" &&
        !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement)
      ) {
        e.preventDefault();
        setHelp(true);
        return;
      }
      handleShortcut(e);
    };
    window.addEventListener("keydown", onKey);
    return () => {
      stop();
      window.removeEventListener("keydown", onKey);
    };
  }, []);
  // innerWidth can read 0 before the first layout; never size a figure below a usable minimum.
  const [, viewportWidth] = useWidth(320, window);
  const width = Math.max(320, viewportWidth);
  const narrow = width < 760;
  const mapSize = narrow ? Math.min(110, Math.floor((width - 64) / 3)) : 118;
  const bigSize = narrow ? Math.min(300, width - 48) : 224;
  return (
    <>
      {/* index.html shows a copy of the title and tagline until this replaces it: keep them alike. */}
      <header className="app-header">
        <div>
          <h1>ConvSweep</h1>
          <Tagline />
        </div>
        <div className="header-actions">
          <button type="button" onClick={() => setHelp(true)} aria-keyshortcuts="?">
            Keyboard shortcuts
          </button>
          <ThemeToggle />
          <FigureButtons />
          <ShareButton />
          <CodeTwinButton />
          <StateFileButtons />
        </div>
      </header>
      <section className="sticky-controls" aria-label="Sweep controls" ref={controls}>
        <Controls />
        <NoticeBar />
      </section>
      <Tour />
      <HelpDialog open={help} onClose={() => setHelp(false)} />
      <main className="panels" id="figure">
        <InputPanel size={bigSize} />
        <ForwardPanel size={mapSize} />
        <ThisPositionPanel />
        <RunningSumPanel />
        <InputGradientPanel size={bigSize} />
        <UpdatePanel />
        <TrainingPanel chartWidth={narrow ? width - 48 : 380} />
        <Explanation />
      </main>
      <LazyViews />
    </>
  );
}
