import { type KeyboardEvent, useMemo, useState } from "react";
import { focusIndex } from "../../state/positionView";
import { setPosition } from "../../state/sweep";
import { divergingColor, maxAbs } from "../../viz/color";
import { type CellRect, GridCanvas } from "../../viz/GridCanvas";
import { Legend } from "../../viz/Legend";
import { Num } from "../../viz/Num";
import { useWidth } from "../../viz/useWidth";
import { Panel } from "../Panel";
import { useAppWhile, useBusy, useLive } from "../useOnScreen";
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

/**
 * One small map per kernel weight: the term delta · x that each position adds to that weight's
 * gradient. The sum of a map over the positions so far is that weight's gradient so far.
 */
export function WeightMapsPanel() {
  // Off screen during playback or training the panel keeps what it showed (see useLive).
  const live = useLive("weight-maps", useBusy());
  const sweep = useAppWhile(live, (s) => s.sweep);
  const sums = useAppWhile(live, (s) => s.sums);
  const position = useAppWhile(live, (s) => s.position);
  const [selected, setSelected] = useState(0);
  const [boxRef, width] = useWidth<HTMLDivElement>(340);
  const maps = useMemo(() => (sweep ? weightTermMaps(sweep) : null), [sweep]);
  const max = useMemo(() => {
    if (maps === null) return 1;
    return maps.reduce((m, g) => Math.max(m, maxAbs(g.data)), 1e-12);
  }, [maps]);
  const color = useMemo(() => (v: number) => divergingColor(v, max), [max]);

  if (sweep === null || maps === null || sums === null) {
    return (
      <Panel id="weight-maps" title="Where each weight's gradient comes from">
        <p className="placeholder-text">Computing the sweep…</p>
      </Panel>
    );
  }
  const { kernelHeight: kH, kernelWidth: kW, outHeight: outH, outWidth: outW } = sweep;
  const kCells = kH * kW;
  const total = outH * outW;
  const tap = Math.min(selected, kCells - 1);
  const index = focusIndex(position);
  const row = Math.floor(index / outW);
  const col = index % outW;
  const mark: CellRect[] = [{ row, col, height: 1, width: 1, color: MARK }];
  const sumsMatch = sums.kernelGrad.data.length === kCells;
  const sumOf = (t: number) => (sumsMatch ? (sums.kernelGrad.data[t] as number) : 0);

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
    const next = movedIndex(index, e.key, outH, outW);
    if (next === null) return;
    e.preventDefault();
    setPosition(next + 1);
  };
  const term = maps[tap]?.data[index] ?? 0;
  const selectedName = tapName(tap, kW);

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
            <GridCanvas
              grid={maps[tap] ?? maps[0] ?? { height: 1, width: 1, data: new Float64Array(1) }}
              color={color}
              label={`Enlarged gradient map of ${selectedName}`}
              size={bigSize}
              fadeFrom={position}
              highlights={mark}
              onHoverCell={hover(tap)}
            />
            <figcaption>
              <strong>{selectedName}</strong>: {outH}×{outW} terms
            </figcaption>
          </figure>
          <div className="weight-maps-info">
            <dl className="weight-maps-readout" aria-live="polite">
              <div>
                <dt>
                  {selectedName} term at row {row}, col {col}
                </dt>
                <dd>
                  <span className="math">δ·x</span> = <Num value={term} />
                  {position === 0 ? " (not added yet)" : ""}
                </dd>
              </div>
              <div>
                <dt>
                  Sum of {position} of {total} terms
                </dt>
                <dd>
                  <span className="math">∂L/∂{selectedName}</span> = <Num value={sumOf(tap)} />
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
          {maps.map((grid, t) => {
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
                  <GridCanvas
                    grid={grid}
                    color={color}
                    label={`Terms δ·x for ${name}`}
                    size={smallSize}
                    fadeFrom={position}
                    highlights={mark}
                    onHoverCell={hover(t)}
                  />
                </button>
                <figcaption>
                  <span className="weight-map-name">{name}</span>{" "}
                  <span className="weight-map-sum">
                    Σ<span className="visually-hidden"> so far, ∂L/∂{name} =</span>{" "}
                    <Num value={sumOf(t)} digits={smallSize < 60 ? 2 : 4} />
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
