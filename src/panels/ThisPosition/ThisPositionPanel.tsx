import { useRef } from "react";
import { appStore } from "../../state/store";
import { useApp } from "../../state/useApp";
import { grayColor, maxAbs } from "../../viz/color";
import { exactNumber, formatNumber } from "../../viz/format";
import { LiveNumberGrid, type LiveNumberGridHandle } from "../../viz/LiveNumberGrid";
import { setText, setTitle } from "../../viz/numberGridPaint";
import { useFramePaint } from "../../viz/useFramePaint";
import { useLiveSubscribe } from "../busyPanels";
import { paintInterval, positionViewOf, positionViewShape, sizesOf } from "../livePosition";
import { Panel } from "../Panel";

/**
 * The current position's patch, its delta, and what it adds to each gradient. React renders
 * the structure (the kernel's shape); the numbers are painted every frame
 * outside React (see src/viz/useFramePaint.ts).
 */
export function ThisPositionPanel() {
  const shape = useApp(positionViewShape);
  const patch = useRef<LiveNumberGridHandle>(null);
  const kernelTerm = useRef<LiveNumberGridHandle>(null);
  const inputTerm = useRef<LiveNumberGridHandle>(null);
  const heading = useRef<HTMLSpanElement>(null);
  const tag = useRef<HTMLSpanElement>(null);
  const deltas = useRef<(HTMLSpanElement | null)[]>([]);
  const last = useRef<unknown[]>([]);
  useFramePaint(
    useLiveSubscribe("this-position"),
    (force) => {
      const s = appStore.getState();
      // React renders a new shape first: until then the grids are the old shape's.
      const view = positionViewShape(s) === shape ? positionViewOf(s) : null;
      // Paused or stepped, the numbers hold still: exact values in titles (read here, not in
      // React, so that play and pause re-render nothing).
      const still = !s.playing;
      const key = [view, still];
      if (view === null || (!force && key.every((k, i) => k === last.current[i]))) return;
      last.current = key;
      setText(heading.current, `row ${view.row}, col ${view.col}`);
      setText(tag.current, s.position > 0 ? `#${view.index + 1}, just added` : "#1, next to add");
      for (const el of deltas.current) {
        setText(el, formatNumber(view.delta));
        setTitle(el, still ? exactNumber(view.delta) : null);
      }
      const termMax = Math.max(maxAbs(view.kernelGradTerm.data), maxAbs(view.inputGradPatch.data));
      patch.current?.paint({ data: view.patch.data, color: grayColor, exact: still });
      kernelTerm.current?.paint({
        data: view.kernelGradTerm.data,
        scaleMax: termMax,
        exact: still,
      });
      inputTerm.current?.paint({ data: view.inputGradPatch.data, scaleMax: termMax, exact: still });
    },
    paintInterval,
  );
  if (shape === null) {
    return (
      <Panel id="this-position" title="This position">
        <p className="placeholder-text">Computing the sweep…</p>
      </Panel>
    );
  }
  const [rows, cols] = sizesOf(shape) as [number, number];
  const delta = (i: number) => (
    <span
      className="big-number"
      ref={(el) => {
        deltas.current[i] = el;
      }}
    />
  );
  return (
    <Panel
      id="this-position"
      title={
        <>
          This position: <span ref={heading} /> <span className="tag" ref={tag} />
        </>
      }
      lead="The same filter is used here as everywhere; this position only contributes terms to add."
    >
      <div className="equation">
        <figure>
          <LiveNumberGrid
            rows={rows}
            cols={cols}
            label="Input patch the filter sees"
            digits={3}
            handle={patch}
          />
          <figcaption>Input patch x</figcaption>
        </figure>
        <span className="op">×</span>
        <figure className="scalar">
          {delta(0)}
          <figcaption>δ</figcaption>
        </figure>
      </div>
      <div className="equation">
        <span className="op">=</span>
        <figure>
          <LiveNumberGrid
            rows={rows}
            cols={cols}
            label="Kernel-gradient contribution"
            handle={kernelTerm}
          />
          <figcaption>δ·x → kernel gradient</figcaption>
        </figure>
      </div>
      <div className="equation">
        <figure className="scalar">
          {delta(1)}
          <figcaption>δ → bias gradient</figcaption>
        </figure>
        <figure>
          <LiveNumberGrid
            rows={rows}
            cols={cols}
            label="Input-gradient contribution"
            handle={inputTerm}
          />
          <figcaption>δ·w → input gradient</figcaption>
        </figure>
      </div>
    </Panel>
  );
}
