import "./live.css";
import { type RefObject, useLayoutEffect } from "react";
import { canvasScale } from "./canvasScale";

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
  /** The canvas the window is drawn into, for {@link moveWindow}. */
  layerRef: RefObject<HTMLCanvasElement | null>;
}

/** Where a window is, as its top-left cell, or null when hidden. */
type At = { row: number; col: number } | null;

/** What a window canvas draws (its props), where it last drew the window, and at what scale. */
interface Drawn {
  cells: readonly { row: number; col: number }[];
  color: string;
  cell: number;
  /** The grid's size in CSS pixels. */
  width: number;
  height: number;
  scale: number;
  at: At;
}

const drawn = new WeakMap<HTMLCanvasElement, Drawn>();

/** Sizes the canvas for its grid at `scale` and draws the outlines at the window's place. */
function draw(canvas: HTMLCanvasElement, d: Drawn, scale: number): void {
  const w = Math.max(1, Math.round(d.width * scale));
  const h = Math.max(1, Math.round(d.height * scale));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  d.scale = scale;
  const ctx = canvas.getContext("2d");
  if (ctx === null) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const { at, cell } = d;
  if (at === null) return;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.strokeStyle = d.color;
  ctx.lineWidth = Math.max(0.12 * cell, 2);
  ctx.beginPath();
  for (const c of d.cells)
    ctx.rect(
      (at.col + c.col + 0.06) * cell,
      (at.row + c.row + 0.06) * cell,
      0.88 * cell,
      0.88 * cell,
    );
  ctx.stroke();
}

/**
 * Outlines of a window that moves over a GridCanvas (the cells the filter sees, the position
 * on a map), drawn into a canvas over the grid. A frame of a playing sweep redraws that canvas
 * only: no node's style, layout or paint changes, and the compositor's layers stay as they are
 * (a transform moved every frame made the browser re-layerize the whole page each frame).
 */
export function MovingWindow({ cells, color, cell, width, height, layerRef }: MovingWindowProps) {
  useLayoutEffect(() => {
    const canvas = layerRef.current;
    if (canvas === null) return;
    const before = drawn.get(canvas);
    const d: Drawn = { cells, color, cell, width, height, scale: 0, at: before?.at ?? null };
    drawn.set(canvas, d);
    draw(canvas, d, canvasScale());
  }, [cells, color, cell, width, height, layerRef]);
  return (
    <>
      {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a canvas takes no focus; the position
          is in the status and each panel's text. */}
      <canvas
        ref={layerRef}
        className="moving-window"
        aria-hidden="true"
        data-smooth
        style={{ width, height }}
      />
    </>
  );
}

/**
 * Puts the window's top-left cell at (row, col) of the grid (cells may be outside it, with
 * padding), or hides it for null; redraws the canvas only when something changed (the place,
 * or the display's pixel ratio).
 */
export function moveWindow(canvas: HTMLCanvasElement | null, at: At): void {
  const d = canvas === null ? undefined : drawn.get(canvas);
  if (canvas === null || d === undefined) return;
  const scale = canvasScale();
  const same =
    d.at === at || (d.at !== null && at !== null && d.at.row === at.row && d.at.col === at.col);
  if (same && scale === d.scale) return;
  d.at = at === null ? null : { row: at.row, col: at.col };
  draw(canvas, d, scale);
}
