import { useMemo, useRef } from "react";
import { appStore } from "../../state/store";
import { useApp } from "../../state/useApp";
import { divergingColor, maxAbs } from "../../viz/color";
import { formatNumber } from "../../viz/format";
import { GridCanvas } from "../../viz/GridCanvas";
import { Legend } from "../../viz/Legend";
import { MovingWindow, moveWindow } from "../../viz/MovingWindow";
import { setText } from "../../viz/numberGridPaint";
import { paintGrid } from "../../viz/paintGrid";
import { useFramePaint } from "../../viz/useFramePaint";
import { useLiveSubscribe } from "../busyPanels";
import { paintInterval, positionViewOf } from "../livePosition";
import { Panel } from "../Panel";
import { sweepMaps } from "../positionView";

/** The orange the panels mark the current position with. */
const MARK = "#ff9f1c";
/** The mark's one cell. */
const ONE_CELL = [{ row: 0, col: 0 }];

/**
 * The output map filling in as the sweep passes, the target beside it, and the delta map.
 * React renders them when the sweep or the target changes; the fade, the position's mark and
 * the readout move every frame outside React (src/viz/useFramePaint.ts).
 */
export function ForwardPanel({ size }: { /** Width of each map in CSS pixels. */ size: number }) {
  const sweep = useApp((s) => s.sweep);
  const target = useApp((s) => s.target);
  const reduction = useApp((s) => s.reduction);
  const painted = useApp((s) => s.paintedDelta !== null);
  const maps = useMemo(() => (sweep ? sweepMaps(sweep) : null), [sweep]);
  const valueMax = useMemo(
    () => Math.max(maxAbs(target.data), maps ? maxAbs(maps.out.data) : 0),
    [target, maps],
  );
  const deltaMax = useMemo(() => (maps ? maxAbs(maps.delta.data) : 1), [maps]);
  const valueColor = useMemo(() => (v: number) => divergingColor(v, valueMax), [valueMax]);
  const deltaColor = useMemo(() => (v: number) => divergingColor(v, deltaMax), [deltaMax]);
  const shapeMatches =
    maps !== null && maps.out.height === target.height && maps.out.width === target.width;
  const outCanvas = useRef<HTMLCanvasElement>(null);
  const deltaCanvas = useRef<HTMLCanvasElement>(null);
  const outMark = useRef<HTMLCanvasElement>(null);
  const targetMark = useRef<HTMLCanvasElement>(null);
  const deltaMark = useRef<HTMLCanvasElement>(null);
  // The position's mark on each map: one cell, moved by a transform every frame.
  const mark = (layer: React.RefObject<HTMLCanvasElement | null>) => (
    <MovingWindow
      cells={ONE_CELL}
      color={MARK}
      cell={size / target.width}
      width={size}
      height={(size / target.width) * target.height}
      layerRef={layer}
    />
  );
  const readout = useRef<HTMLSpanElement>(null);
  const last = useRef<unknown[]>([]);
  useFramePaint(
    useLiveSubscribe("forward"),
    (force) => {
      const s = appStore.getState();
      // Until React renders a new sweep or target, the maps on the page are the old ones.
      if (s.sweep !== sweep || s.target !== target) return;
      const view = positionViewOf(s);
      const key = [view, s.position];
      if (!force && key.every((k, i) => k === last.current[i])) return;
      last.current = key;
      if (maps !== null && shapeMatches) {
        if (outCanvas.current) paintGrid(outCanvas.current, maps.out, valueColor, s.position);
        if (deltaCanvas.current) paintGrid(deltaCanvas.current, maps.delta, deltaColor, s.position);
      }
      for (const layer of [outMark, targetMark, deltaMark]) moveWindow(layer.current, view);
      setText(
        readout.current,
        view
          ? `At (row ${view.row}, col ${view.col}): out = ${formatNumber(view.out)}, target = ${formatNumber(view.target)}, δ = ${formatNumber(view.delta)}. `
          : "",
      );
    },
    paintInterval,
  );
  return (
    <Panel
      id="forward"
      title="Forward pass"
      lead={
        <>
          The output fills in as the filter sweeps (faded: not reached yet). Delta is{" "}
          <span className="math">
            {painted
              ? "∂L/∂out, painted by hand (the loss is Σ δ·out)"
              : `∂L/∂out = ${reduction === "sum" ? "out − target" : "(out − target) / N"}`}
          </span>
          .
        </>
      }
    >
      <div className="maps">
        <figure>
          {maps && shapeMatches ? (
            <GridCanvas
              grid={maps.out}
              color={valueColor}
              label="Output map"
              size={size}
              paintSelf={false}
              canvasRef={outCanvas}
              overlay={mark(outMark)}
            />
          ) : (
            <div className="placeholder" style={{ width: size, height: size }} />
          )}
          <figcaption>Output</figcaption>
        </figure>
        <figure>
          <GridCanvas
            grid={target}
            color={valueColor}
            label="Target map"
            size={size}
            overlay={mark(targetMark)}
          />
          <figcaption>Target</figcaption>
        </figure>
        <figure>
          {maps && shapeMatches ? (
            <GridCanvas
              grid={maps.delta}
              color={deltaColor}
              label="Delta map"
              size={size}
              paintSelf={false}
              canvasRef={deltaCanvas}
              overlay={mark(deltaMark)}
            />
          ) : (
            <div className="placeholder" style={{ width: size, height: size }} />
          )}
          <figcaption>Delta</figcaption>
        </figure>
      </div>
      <div className="legends">
        <Legend max={valueMax} title="Output and target" />
        <Legend max={deltaMax} title="Delta" />
      </div>
      {sweep ? (
        <p className="readout">
          <span ref={readout} />
          {painted ? "Σ δ·out of this sweep" : "Loss of this sweep"}: {formatNumber(sweep.loss)}.
        </p>
      ) : null}
    </Panel>
  );
}
