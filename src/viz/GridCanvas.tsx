import { type CanvasHTMLAttributes, useLayoutEffect, useRef } from "react";
import type { Grid } from "../engine/index";
import type { Rgb } from "./color";
import { paintGrid } from "./paintGrid";

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
}: GridCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    if (ref.current) paintGrid(ref.current, grid, color, fadeFrom);
  }, [grid, color, fadeFrom]);
  const cell = size / grid.width;
  const height = cell * grid.height;
  const hover = onHoverCell
    ? {
        onPointerMove: (e: React.PointerEvent<HTMLCanvasElement>) => {
          const box = e.currentTarget.getBoundingClientRect();
          const col = Math.floor(((e.clientX - box.left) / box.width) * grid.width);
          const row = Math.floor(((e.clientY - box.top) / box.height) * grid.height);
          if (row >= 0 && row < grid.height && col >= 0 && col < grid.width)
            onHoverCell({ row, col });
        },
        onPointerLeave: () => onHoverCell(null),
      }
    : {};
  return (
    <div className="grid-canvas" style={{ width: size, height }}>
      <canvas
        ref={ref}
        role="img"
        aria-label={label}
        width={grid.width}
        height={grid.height}
        style={{ width: size, height }}
        {...hover}
        {...canvasProps}
      />
      <svg
        className="grid-canvas-overlay"
        width={size}
        height={height}
        viewBox={`0 0 ${grid.width} ${grid.height}`}
        aria-hidden="true"
      >
        {highlights.map((h) =>
          h.cells ? (
            h.cells.map((c) => (
              <rect
                key={`${h.color}-${c.row}-${c.col}`}
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
              key={`${h.color}-${h.row}-${h.col}`}
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
    </div>
  );
}
