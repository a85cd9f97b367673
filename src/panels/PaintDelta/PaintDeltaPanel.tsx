import { useId, useMemo, useRef, useState } from "react";
import { RECORD_DELTA } from "../../engine/index";
import type { CellPoint } from "../../state/images";
import {
  type DeltaPreset,
  loadDeltaPreset,
  paintDelta,
  stopPaintingDelta,
} from "../../state/paintedDelta";
import { setDragging } from "../../state/problem";
import { useApp } from "../../state/useApp";
import { divergingColor, maxAbs } from "../../viz/color";
import { formatNumber } from "../../viz/format";
import { GridCanvas } from "../../viz/GridCanvas";
import { Legend } from "../../viz/Legend";
import { Panel } from "../Panel";
import { BrushTools, type Tool } from "./BrushTools";
import "./paintDelta.css";

const PRESETS: readonly { preset: DeltaPreset; label: string }[] = [
  { preset: "oneHot", label: "One hot cell" },
  { preset: "rowStripe", label: "Row stripe" },
  { preset: "columnStripe", label: "Column stripe" },
  { preset: "real", label: "The real δ" },
  { preset: "clear", label: "Clear" },
];

const MOVES: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/** Where a pointer is on the canvas, in fractional cells of a grid this size. */
function cellAt(
  e: { clientX: number; clientY: number },
  canvas: HTMLCanvasElement,
  grid: { height: number; width: number },
): CellPoint {
  const box = canvas.getBoundingClientRect();
  return {
    row: ((e.clientY - box.top) / box.height) * grid.height,
    col: ((e.clientX - box.left) / box.width) * grid.width,
  };
}

/** The centre of a whole cell. */
const centre = (c: { row: number; col: number }): CellPoint => ({
  row: c.row + 0.5,
  col: c.col + 0.5,
});

/**
 * Paint δ: the error map δ = ∂L/∂out painted by hand (brush or erase, either sign, presets),
 * with the loss L = Σ δ·out so that ∂L/∂out = δ exactly. Every other panel follows it.
 */
export default function PaintDeltaPanel({
  size,
}: {
  /** Canvas width in CSS pixels. */
  size: number;
}) {
  const delta = useApp((s) => s.paintedDelta);
  const sweep = useApp((s) => s.sweep);
  const [tool, setTool] = useState<Tool>({ erase: false, sign: 1, magnitude: 1, radius: 1 });
  const [cursor, setCursor] = useState<{ row: number; col: number } | null>(null);
  const last = useRef<CellPoint | null>(null);
  const id = useId();
  const max = useMemo(() => (delta ? maxAbs(delta.data, 1e-12) : 1), [delta]);
  const color = useMemo(() => (v: number) => divergingColor(v, max), [max]);
  const stats = useMemo(() => {
    if (sweep === null) return null;
    const n = sweep.outHeight * sweep.outWidth;
    let nonzero = 0;
    for (let p = 0; p < n; p++) {
      if (sweep.records[p * sweep.recordLength + RECORD_DELTA] !== 0) nonzero++;
    }
    return { nonzero, n, loss: sweep.loss };
  }, [sweep]);
  if (delta === null) return null;

  const value = tool.erase ? 0 : tool.sign * tool.magnitude;
  const paint = (from: CellPoint | null, to: CellPoint) =>
    void paintDelta(from, to, tool.radius - 0.5, value);
  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const cell = cellAt(e, e.currentTarget, delta);
    last.current = cell;
    setDragging(true);
    paint(null, cell);
  };
  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (last.current === null) return;
    const end = cellAt(e, e.currentTarget, delta);
    paint(last.current, end);
    last.current = end;
  };
  const endStroke = () => {
    last.current = null;
    setDragging(false);
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLCanvasElement>) => {
    const at = cursor ?? { row: Math.floor(delta.height / 2), col: Math.floor(delta.width / 2) };
    const move = MOVES[e.key];
    if (move) {
      const next = {
        row: Math.max(0, Math.min(delta.height - 1, at.row + move[0])),
        col: Math.max(0, Math.min(delta.width - 1, at.col + move[1])),
      };
      setCursor(next);
      if (e.shiftKey) paint(centre(at), centre(next));
    } else if (e.key === " " || e.key === "Enter") {
      setCursor(at);
      paint(null, centre(at));
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  };
  const highlights = cursor ? [{ ...cursor, height: 1, width: 1, color: "#2ec4b6" }] : [];
  const atCursor = cursor ? (delta.data[cursor.row * delta.width + cursor.col] as number) : 0;

  return (
    <Panel
      id="paint-delta"
      title="Paint δ = ∂L/∂out"
      lead={
        <>
          Paint the error each output position sends back. The loss is now{" "}
          <span className="math">L = Σ δ·out</span>, so <span className="math">∂L/∂out = δ</span>{" "}
          exactly: this position, the running sum, the input gradient and the update follow your
          brush.
        </>
      }
    >
      <BrushTools tool={tool} onChange={setTool} />
      <fieldset className="paint-delta-presets">
        <legend className="visually-hidden">δ presets</legend>
        {PRESETS.map(({ preset, label }) => (
          <button
            key={preset}
            type="button"
            onClick={() => void loadDeltaPreset(preset, tool.sign * tool.magnitude)}
          >
            {label}
          </button>
        ))}
      </fieldset>
      <figure className="paint-delta-map">
        <GridCanvas
          grid={delta}
          color={color}
          label={`Painted δ map, ${delta.height}x${delta.width}`}
          size={size}
          highlights={highlights}
          canvasProps={{
            tabIndex: 0,
            className: "paint-delta-canvas",
            "aria-describedby": `${id}-hint`,
            onPointerDown,
            onPointerMove,
            onPointerUp: endStroke,
            onPointerCancel: endStroke,
            onKeyDown,
          }}
        />
        <Legend max={max} title="Painted δ" />
      </figure>
      <p className="hint" id={`${id}-hint`}>
        Draw on the map, or focus it: arrow keys move the cursor, Space paints there, Shift+arrow
        paints as it moves.
        {cursor ? ` Cursor (${cursor.row}, ${cursor.col}): δ = ${formatNumber(atCursor)}.` : ""}
      </p>
      {stats ? (
        <p className="readout paint-delta-count" aria-live="polite">
          <strong>{stats.nonzero}</strong> of {stats.n} positions have δ ≠ 0: only they add anything
          to the running sum. L = Σ δ·out = {formatNumber(stats.loss)}.
        </p>
      ) : null}
      <button type="button" onClick={() => void stopPaintingDelta()}>
        Back to δ from the target
      </button>
    </Panel>
  );
}
