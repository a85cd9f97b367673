import { createRef, type KeyboardEvent, type RefObject, useMemo, useRef, useState } from "react";
import type { Grid } from "../../engine/index";
import { appStore } from "../../state/store";
import { setPosition } from "../../state/sweep";
import { useApp } from "../../state/useApp";
import { divergingColor, maxAbs } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { Legend } from "../../viz/Legend";
import { MovingWindow, moveWindow } from "../../viz/MovingWindow";
import { LiveNum, paintNum } from "../../viz/Num";
import { setText } from "../../viz/numberGridPaint";
import { paintGrid } from "../../viz/paintGrid";
import { useFramePaint } from "../../viz/useFramePaint";
import { useWidth } from "../../viz/useWidth";
import { useLiveSubscribe } from "../busyPanels";
import { paintInterval } from "../livePosition";
import { Panel } from "../Panel";
import { focusIndex } from "../positionView";
import { movedIndex, tapName, weightTermMaps } from "./weightMaps";
import "./weightMaps.css";

/** Space between the small maps, in CSS pixels. */
const GAP = 6;
/** Padding plus border of a small map's button, both sides together, in CSS pixels. */
const BUTTON_CHROME = 8;
/** The orange the other panels mark the current position with. */
const MARK = "#ff9f1c";
/** Width kept for the readout beside the enlarged map on narrow screens, in CSS pixels. */
const INFO_WIDTH = 150;
/** The position's mark: one cell. */
const ONE_CELL = [{ row: 0, col: 0 }];

/** What the painter holds of one map on the page: its canvas and its position mark. */
interface MapNodes {
  canvas: RefObject<HTMLCanvasElement | null>;
  mark: RefObject<HTMLCanvasElement | null>;
}

/**
 * One small map per kernel weight: the term delta · x that each position adds to that weight's
 * gradient. The sum of a map over the positions so far is that weight's gradient so far.
 */
export function WeightMapsPanel() {
  const sweep = useApp((s) => s.sweep);
  const hasSums = useApp((s) => s.sums !== null);
  const [selected, setSelected] = useState(0);
  const [boxRef, width] = useWidth<HTMLDivElement>(340);
  const maps = useMemo(() => (sweep ? weightTermMaps(sweep) : null), [sweep]);
  const max = useMemo(() => {
    if (maps === null) return 1;
    return maps.reduce((m, g) => Math.max(m, maxAbs(g.data)), 1e-12);
  }, [maps]);
  const color = useMemo(() => (v: number) => divergingColor(v, max), [max]);
  // The enlarged map, then one per weight; and the numbers of the readout and of each map.
  const kCells = maps?.length ?? 0;
  const nodes = useMemo<MapNodes[]>(
    () => Array.from({ length: kCells + 1 }, () => ({ canvas: createRef(), mark: createRef() })),
    [kCells],
  );
  const sumNums = useRef<(HTMLSpanElement | null)[]>([]);
  const where = useRef<HTMLSpanElement>(null);
  const termNum = useRef<HTMLSpanElement>(null);
  const notYet = useRef<HTMLSpanElement>(null);
  const summed = useRef<HTMLSpanElement>(null);
  const readoutNum = useRef<HTMLSpanElement>(null);
  const readout = useRef<HTMLDListElement>(null);
  const last = useRef<unknown[]>([]);
  const tapShown = maps === null ? 0 : Math.min(selected, maps.length - 1);
  useFramePaint(
    useLiveSubscribe("weight-maps"),
    (force) => {
      const s = appStore.getState();
      // Until React renders a new sweep, the maps on the page are the old one's.
      if (s.sweep !== sweep || sweep === null || maps === null || s.sums === null) return;
      const { sums, position } = s;
      const still = !s.playing;
      const key = [sums, position, still];
      if (!force && key.every((k, i) => k === last.current[i])) return;
      last.current = key;
      const outW = sweep.outWidth;
      const index = focusIndex(position);
      const at = { row: Math.floor(index / outW), col: index % outW };
      nodes.forEach((n, i) => {
        const grid = maps[i === 0 ? tapShown : i - 1];
        if (grid && n.canvas.current) paintGrid(n.canvas.current, grid, color, position);
        moveWindow(n.mark.current, at);
      });
      const sumOf = (t: number) =>
        sums.kernelGrad.data.length === maps.length ? (sums.kernelGrad.data[t] as number) : 0;
      setText(where.current, `row ${at.row}, col ${at.col}`);
      paintNum(termNum.current, maps[tapShown]?.data[index] ?? 0, still);
      setText(notYet.current, position === 0 ? " (not added yet)" : "");
      setText(summed.current, String(position));
      paintNum(readoutNum.current, sumOf(tapShown), still);
      sumNums.current.forEach((el, t) => {
        paintNum(el, sumOf(t), still, Number(el?.dataset.digits) || undefined);
      });
      // Polite at rest; while a sweep plays the control bar's summary speaks instead.
      const live = still ? "polite" : "off";
      if (readout.current && readout.current.getAttribute("aria-live") !== live)
        readout.current.setAttribute("aria-live", live);
    },
    paintInterval,
  );

  if (sweep === null || maps === null || !hasSums) {
    return (
      <Panel id="weight-maps" title="Where each weight's gradient comes from">
        <p className="placeholder-text">Computing the sweep…</p>
      </Panel>
    );
  }
  const { kernelWidth: kW, outHeight: outH, outWidth: outW } = sweep;
  const total = outH * outW;
  const tap = tapShown;

  // Wide: the enlarged map (readout under it) beside the small maps. Narrow: the enlarged map
  // with the readout beside it when that leaves it at least 180 px, the small maps below.
  const wide = width >= 560;
  const sideReadout = !wide && width - INFO_WIDTH >= 180;
  const bigSize = wide
    ? Math.min(260, Math.floor(width * 0.42))
    : sideReadout
      ? Math.min(260, width - INFO_WIDTH)
      : Math.min(300, width);
  const gridWidth = wide ? width - bigSize - 16 : width;
  const smallSize = Math.max(
    24,
    Math.min(120, Math.floor((gridWidth - (kW - 1) * GAP) / kW) - BUTTON_CHROME),
  );

  const hover = (t: number) => (cell: { row: number; col: number } | null) => {
    if (cell === null) return;
    setSelected(t);
    setPosition(cell.row * outW + cell.col + 1);
  };
  const onKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const index = focusIndex(appStore.getState().position);
    const next = movedIndex(index, e.key, outH, outW);
    if (next === null) return;
    e.preventDefault();
    setPosition(next + 1);
  };
  const selectedName = tapName(tap, kW);
  /** A map's canvas, painted and marked by the painter (node 0: the enlarged one). */
  const map = (node: number, label: string, size: number, t: number) => {
    const n = nodes[node] as MapNodes;
    return (
      <GridCanvas
        grid={maps[t] ?? (maps[0] as Grid)}
        color={color}
        label={label}
        size={size}
        paintSelf={false}
        canvasRef={n.canvas}
        onHoverCell={hover(t)}
        overlay={
          <MovingWindow
            cells={ONE_CELL}
            color={MARK}
            cell={size / outW}
            width={size}
            height={(size / outW) * outH}
            layerRef={n.mark}
          />
        }
      />
    );
  };

  return (
    <Panel
      id="weight-maps"
      title="Where each weight's gradient comes from"
      lead={
        <>
          Each small map shows, at every position, the term <span className="math">δ·x</span> that
          position adds to one weight's gradient. A weight's gradient is the sum of its map. Faded
          cells are not added yet.
        </>
      }
    >
      <div ref={boxRef} className={`weight-maps${wide ? " wide" : ""}`}>
        <div className={`weight-maps-focus${sideReadout ? " side" : ""}`}>
          <figure>
            {map(0, `Enlarged gradient map of ${selectedName}`, bigSize, tap)}
            <figcaption>
              <strong>{selectedName}</strong>: {outH}×{outW} terms
            </figcaption>
          </figure>
          <div className="weight-maps-info">
            <dl className="weight-maps-readout" aria-live="polite" ref={readout}>
              <div>
                <dt>
                  {selectedName} term at <span ref={where} />
                </dt>
                <dd>
                  <span className="math">δ·x</span> = <LiveNum numRef={termNum} />
                  <span ref={notYet} />
                </dd>
              </div>
              <div>
                <dt>
                  Sum of <span ref={summed} /> of {total} terms
                </dt>
                <dd>
                  <span className="math">∂L/∂{selectedName}</span> = <LiveNum numRef={readoutNum} />
                </dd>
              </div>
            </dl>
            <Legend max={max} title="Term δ·x (all maps)" width={120} />
          </div>
        </div>
        <div
          className="weight-maps-grid"
          style={{ gridTemplateColumns: `repeat(${kW}, ${smallSize + BUTTON_CHROME}px)` }}
        >
          {maps.map((_, t) => {
            const name = tapName(t, kW);
            return (
              <figure key={name} className="weight-map">
                <button
                  type="button"
                  className="weight-map-button"
                  aria-label={`Weight ${name} gradient map`}
                  aria-pressed={t === tap}
                  aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Home End"
                  onPointerEnter={() => setSelected(t)}
                  onFocus={() => setSelected(t)}
                  onClick={() => setSelected(t)}
                  onKeyDown={onKey}
                >
                  {map(t + 1, `Terms δ·x for ${name}`, smallSize, t)}
                </button>
                <figcaption>
                  <span className="weight-map-name">{name}</span>{" "}
                  <span className="weight-map-sum">
                    Σ<span className="visually-hidden"> so far, ∂L/∂{name} =</span>{" "}
                    <span
                      className="num"
                      data-digits={smallSize < 60 ? 2 : 4}
                      ref={(el) => {
                        sumNums.current[t] = el;
                      }}
                    />
                  </span>
                </figcaption>
              </figure>
            );
          })}
        </div>
      </div>
      <p className="hint">
        Point at a cell of any map to move the position there. Or focus a map (Tab) and use the
        arrow keys, Home and End.
      </p>
    </Panel>
  );
}
