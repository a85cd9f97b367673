import {
  type CanvasHTMLAttributes,
  type ReactNode,
  type RefObject,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import type { Grid } from "../engine/index";
import type { Rgb } from "./color";
import { formatNumber } from "./format";
import { paintedGrid, paintGrid } from "./paintGrid";

/** A rectangle in cell coordinates, outlined over the grid. */
export interface CellRect {
  row: number;
  col: number;
  height: number;
  width: number;
  /** CSS colour of the outline. */
  color: string;
  /** Individual cells inside the rect to mark (e.g. dilated taps); default: the whole rect. */
  cells?: readonly { row: number; col: number }[];
}

export interface GridCanvasProps {
  /** The values to paint, one cell per canvas pixel. */
  grid: Grid;
  /** Maps a value to its colour. */
  color: (value: number) => Rgb;
  /** Accessible name of the picture. */
  label: string;
  /** Displayed width in CSS pixels (height follows the aspect ratio). */
  size: number;
  /** Cells from this row-major index on are faded (not reached yet). */
  fadeFrom?: number;
  /** Outlines drawn over the grid. */
  highlights?: readonly CellRect[];
  /** Extra attributes for the canvas (pointer handlers, tabIndex…). */
  canvasProps?: CanvasHTMLAttributes<HTMLCanvasElement>;
  /** Called with the cell under the pointer, or null when it leaves. */
  onHoverCell?: (cell: { row: number; col: number } | null) => void;
  /** Receives the canvas element (for listeners React has no prop for). */
  canvasRef?: RefObject<HTMLCanvasElement | null>;
  /**
   * False when the panel paints the canvas itself (`paintGrid` through `canvasRef`, every
   * frame, with its own fade): React then only sizes it. Default true.
   */
  paintSelf?: boolean;
  /** Drawn over the grid and its outlines, e.g. a MovingWindow the panel moves itself. */
  overlay?: ReactNode;
  /** The text of a cell's value under the pointer (default: the number). */
  valueText?: (value: number) => string;
}

/** A dense grid as a pixelated canvas with an SVG overlay for outlines (React owns both). */
export function GridCanvas({
  grid,
  color,
  label,
  size,
  fadeFrom,
  highlights = [],
  canvasProps,
  onHoverCell,
  canvasRef,
  paintSelf = true,
  overlay,
  valueText = formatNumber,
}: GridCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    if (paintSelf && ref.current) paintGrid(ref.current, grid, color, fadeFrom);
  }, [paintSelf, grid, color, fadeFrom]);
  const cell = size / grid.width;
  const height = cell * grid.height;
  // The value under the pointer, shown as text: colour is never the only way to read a cell.
  const [tip, setTip] = useState<{ row: number; col: number } | null>(null);
  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    canvasProps?.onPointerMove?.(e);
    const box = e.currentTarget.getBoundingClientRect();
    const col = Math.floor(((e.clientX - box.left) / box.width) * grid.width);
    const row = Math.floor(((e.clientY - box.top) / box.height) * grid.height);
    if (row < 0 || row >= grid.height || col < 0 || col >= grid.width) return;
    setTip((t) => (t?.row === row && t.col === col ? t : { row, col }));
    onHoverCell?.({ row, col });
  };
  const onPointerLeave = (e: React.PointerEvent<HTMLCanvasElement>) => {
    canvasProps?.onPointerLeave?.(e);
    setTip(null);
    onHoverCell?.(null);
  };
  // A panel that paints the canvas itself may have painted a newer grid than this render's.
  const shown = paintedGrid(ref.current) ?? grid;
  const tipValue =
    tip && shown.width === grid.width ? shown.data[tip.row * grid.width + tip.col] : undefined;
  return (
    <div className="grid-canvas" style={{ width: size, height }}>
      <canvas
        ref={(el) => {
          ref.current = el;
          if (canvasRef) canvasRef.current = el;
        }}
        role="img"
        aria-label={label}
        width={grid.width}
        height={grid.height}
        style={{ width: size, height }}
        {...canvasProps}
        onPointerMove={onPointerMove}
        onPointerLeave={onPointerLeave}
      />
      {tip && tipValue !== undefined ? (
        <span
          className="grid-tip"
          aria-hidden="true"
          style={{
            left: Math.min((tip.col + 1) * cell + 4, size - 4),
            top: Math.max(0, tip.row * cell - 22),
          }}
        >
          ({tip.row}, {tip.col}) {valueText(tipValue)}
        </span>
      ) : null}
      <svg
        className="grid-canvas-overlay"
        width={size}
        height={height}
        viewBox={`0 0 ${grid.width} ${grid.height}`}
        aria-hidden="true"
      >
        {/* Keyed by place in the list, not by cell: when the position moves, React moves the
            outline instead of removing one node and creating another. */}
        {highlights.map((h, hi) =>
          h.cells ? (
            h.cells.map((c, ci) => (
              <rect
                // biome-ignore lint/suspicious/noArrayIndexKey: the outlines are a fixed list.
                key={`${hi}-${ci}`}
                x={c.col + 0.06}
                y={c.row + 0.06}
                width={0.88}
                height={0.88}
                fill="none"
                stroke={h.color}
                strokeWidth={Math.max(0.12, 2 / cell)}
              />
            ))
          ) : (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: the outlines are a fixed list.
              key={hi}
              x={h.col}
              y={h.row}
              width={h.width}
              height={h.height}
              fill="none"
              stroke={h.color}
              strokeWidth={Math.max(0.12, 2 / cell)}
            />
          ),
        )}
      </svg>
      {overlay}
    </div>
  );
}
