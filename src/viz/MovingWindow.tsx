import "./live.css";
import type { RefObject } from "react";

/** Props of {@link MovingWindow}. */
export interface MovingWindowProps {
  /** The outlined cells, relative to the window's top-left cell (e.g. a kernel's taps). */
  cells: readonly { row: number; col: number }[];
  /** CSS colour of the outlines. */
  color: string;
  /** CSS pixels per cell of the grid under it. */
  cell: number;
  /** The grid's size in CSS pixels: the window is clipped to it (taps over padding vanish). */
  width: number;
  height: number;
  /** The moving layer, for {@link moveWindow}. */
  layerRef: RefObject<HTMLDivElement | null>;
}

/**
 * Outlines of a window that moves over a GridCanvas (the cells the filter sees, the position
 * on a map), drawn once per shape on a layer of its own and moved by a CSS transform: a frame
 * of a playing sweep moves it on the compositor, with no style, layout or paint of any node.
 */
export function MovingWindow({ cells, color, cell, width, height, layerRef }: MovingWindowProps) {
  const rows = Math.max(1, ...cells.map((c) => c.row + 1));
  const cols = Math.max(1, ...cells.map((c) => c.col + 1));
  const stroke = Math.max(0.12, 2 / cell);
  return (
    <div className="moving-window" style={{ width, height }} aria-hidden="true">
      <div
        ref={layerRef}
        className="moving-window-layer"
        data-cell={cell}
        style={{ width: cols * cell, height: rows * cell }}
      >
        <svg
          width={cols * cell}
          height={rows * cell}
          viewBox={`0 0 ${cols} ${rows}`}
          aria-hidden="true"
        >
          <path
            d={cells.map((c) => `M${c.col + 0.06} ${c.row + 0.06}h0.88v0.88h-0.88z`).join("")}
            fill="none"
            stroke={color}
            strokeWidth={stroke}
          />
        </svg>
      </div>
    </div>
  );
}

/**
 * Puts the window's top-left cell at (row, col) of the grid (cells may be outside it, with
 * padding), or hides it for null. Only the layer's transform and opacity change.
 */
export function moveWindow(
  layer: HTMLDivElement | null,
  at: { row: number; col: number } | null,
): void {
  if (layer === null) return;
  const opacity = at === null ? "0" : "1";
  if (layer.style.opacity !== opacity) layer.style.opacity = opacity;
  if (at === null) return;
  const cell = Number(layer.dataset.cell) || 1;
  const transform = `translate(${at.col * cell}px, ${at.row * cell}px)`;
  if (layer.style.transform !== transform) layer.style.transform = transform;
}
