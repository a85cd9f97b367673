import "./live.css";
import { type RefObject, useLayoutEffect } from "react";

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

/** What a window canvas draws (its props) and where it last drew the window. */
interface Drawn {
  cells: readonly { row: number; col: number }[];
  color: string;
  cell: number;
  /** The grid's size in CSS pixels. */
  width: number;
  height: number;
  scale: number;
  at: At;
  /** The timer that will redraw it for a still page, while one is set. */
  settling?: ReturnType<typeof setTimeout> | undefined;
}

const drawn = new WeakMap<HTMLCanvasElement, Drawn>();

/**
 * Canvas pixels per CSS pixel: the display's while the window moves every frame (a canvas of
 * a quarter the pixels to hand to the compositor at a pixel ratio of 1), and at rest at least
 * 2, so that a 2x picture of the page (PNG export) keeps the outlines crisp.
 */
function windowScale(moving: boolean): number {
  const dpr = Math.ceil(window.devicePixelRatio || 1);
  return moving ? dpr : Math.max(2, dpr);
}

/** Sizes the canvas for its grid at `scale` (which clears it) when it is not already. */
function size(canvas: HTMLCanvasElement, width: number, height: number, scale: number): void {
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
}

/** Draws the outlines with their top-left cell at `at` into a cleared canvas. */
function draw(canvas: HTMLCanvasElement, d: Drawn): void {
  const ctx = canvas.getContext("2d");
  if (ctx === null) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (d.at === null) return;
  const { cell, scale } = d;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.strokeStyle = d.color;
  ctx.lineWidth = Math.max(0.12 * cell, 2);
  ctx.beginPath();
  for (const c of d.cells)
    ctx.rect(
      (d.at.col + c.col + 0.06) * cell,
      (d.at.row + c.row + 0.06) * cell,
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
    const scale = before?.scale ?? windowScale(false);
    size(canvas, width, height, scale);
    const d: Drawn = { cells, color, cell, width, height, scale, at: before?.at ?? null };
    drawn.set(canvas, d);
    draw(canvas, d);
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

/** How long windows that stopped moving wait before they are drawn for a still page, in ms. */
const SETTLE_MS = 250;

/**
 * When a window last moved with a playing sweep (any window: those of panels off screen are
 * not moved then, and wait for the ones on screen).
 */
let lastMoving = Number.NEGATIVE_INFINITY;

/** Redraws the window at the still page's scale once no window has moved for SETTLE_MS. */
function settleLater(canvas: HTMLCanvasElement, d: Drawn): void {
  if (d.settling !== undefined) return;
  const check = () => {
    const wait = lastMoving + SETTLE_MS - performance.now();
    if (wait > 0) {
      d.settling = setTimeout(check, wait);
      return;
    }
    d.settling = undefined;
    const scale = windowScale(false);
    if (!canvas.isConnected || scale === d.scale) return;
    d.scale = scale;
    size(canvas, d.width, d.height, scale);
    draw(canvas, d);
  };
  d.settling = setTimeout(check, SETTLE_MS);
}

/**
 * Puts the window's top-left cell at (row, col) of the grid (cells may be outside it, with
 * padding), or hides it for null; redraws the canvas only when the place changed. `moving`:
 * it moves every frame (a playing sweep), which draws it at the display's pixel ratio; once
 * every window has been still for SETTLE_MS it is redrawn for a still page (a sweep restarted
 * at its end never resizes the canvases).
 */
export function moveWindow(canvas: HTMLCanvasElement | null, at: At, moving = false): void {
  if (canvas === null) return;
  const d = drawn.get(canvas);
  if (d === undefined) return;
  const same =
    d.at === at || (d.at !== null && at !== null && d.at.row === at.row && d.at.col === at.col);
  if (moving) {
    lastMoving = performance.now();
    const scale = windowScale(true);
    if (scale !== d.scale) {
      d.scale = scale;
      size(canvas, d.width, d.height, scale);
    } else if (same) return;
  } else {
    if (d.scale !== windowScale(false)) settleLater(canvas, d);
    if (same) return;
  }
  d.at = at === null ? null : { row: at.row, col: at.col };
  draw(canvas, d);
}
