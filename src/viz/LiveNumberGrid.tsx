import { memo, type RefObject, useLayoutEffect, useRef } from "react";
import { canvasScale } from "./canvasScale";
import {
  type DrawnCell,
  drawGrid,
  frameCells,
  type GridFrame,
  type GridGeometry,
  measureGrid,
  pulse,
  sameCells,
  writeCells,
} from "./numberGridPaint";
import "./live.css";

/** How long numbers that stopped changing wait before they are written out exactly, in ms. */
const SETTLE_MS = 120;

/** What a panel holds to paint a {@link LiveNumberGrid}. */
export interface LiveNumberGridHandle {
  /** Shows a frame: draws the canvas; when `exact`, writes the table's cells too. */
  paint(frame: GridFrame): void;
}

/** Props of {@link LiveNumberGrid}. */
export interface LiveNumberGridProps {
  /** Rows and columns of the grid (a kernel-shaped quantity). */
  rows: number;
  cols: number;
  /** Accessible caption of the table, e.g. "Kernel gradient so far". */
  label: string;
  /** Significant digits shown. */
  digits?: number;
  /** Whether each cell has a note line under its number. */
  notes?: boolean;
  /** Receives the painter once the grid is in the page (null when it leaves). */
  handle: RefObject<LiveNumberGridHandle | null>;
}

/**
 * A small grid of numbers on a diverging colour that changes every frame without React:
 * React renders its structure once per shape (a table of empty cells, fixed in size, and a
 * canvas under it); the panel paints frames through `handle`. The canvas shows the colours and
 * numbers, crisp at any device pixel ratio; the table above it is transparent and carries, when
 * the numbers hold still, each value as text and its exact value in the cell's title, for
 * assistive technology, tooltips and tests.
 */
export const LiveNumberGrid = memo(function LiveNumberGrid({
  rows,
  cols,
  label,
  digits = 4,
  notes = false,
  handle,
}: LiveNumberGridProps) {
  const wrapper = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const table = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const box = wrapper.current;
    const c = canvas.current;
    const t = table.current;
    if (box === null || c === null || t === null) return;
    let geometry: GridGeometry | null = null;
    let last: { frame: GridFrame; cells: DrawnCell[] } | null = null;
    // What the canvas shows: the cells and the scale they were drawn at.
    let drawn: { cells: DrawnCell[]; scale: number } | null = null;
    // "still": exact values in the table; "moving": a playing sweep, the table's cells empty;
    // "settling": just stopped, the table written only once SETTLE_MS pass with no new play.
    let mode: "still" | "moving" | "settling" = "still";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const draw = (again: boolean) => {
      if (last === null) return;
      const scale = canvasScale();
      // Most frames change every cell; some (the kernel before an update, a patch of blank
      // cells) look the same as the last: those are not drawn again.
      if (!again && drawn?.scale === scale && sameCells(drawn.cells, last.cells)) return;
      drawn = { cells: last.cells, scale };
      geometry ??= measureGrid(box, t);
      drawGrid(c, geometry, last.cells, scale);
    };
    const settle = () => {
      timer = undefined;
      if (last === null || !last.frame.exact) return;
      mode = "still";
      draw(false);
      writeCells(t, cols, last.frame, digits);
    };
    handle.current = {
      paint(frame) {
        const changed =
          last === null || last.frame.data !== frame.data || last.frame.scaleMax !== frame.scaleMax;
        last = { frame, cells: frameCells(frame, digits) };
        if (!frame.exact || mode !== "still") {
          if (timer !== undefined) {
            clearTimeout(timer);
            timer = undefined;
          }
          mode = frame.exact ? "settling" : "moving";
          if (frame.exact) timer = setTimeout(settle, SETTLE_MS);
          draw(false);
          writeCells(t, cols, { ...frame, exact: false }, digits);
          return;
        }
        draw(false);
        writeCells(t, cols, frame, digits);
        if (frame.pulse && changed)
          for (const td of Array.from(t.querySelectorAll("td"))) pulse(td);
      },
    };
    // A new layout (fonts loaded, a zoom, the theme) or a new pixel ratio: measure and redraw.
    const again = () => {
      geometry = null;
      draw(true);
    };
    const observer = typeof ResizeObserver === "function" ? new ResizeObserver(again) : null;
    observer?.observe(t);
    window.addEventListener("resize", again);
    return () => {
      clearTimeout(timer);
      observer?.disconnect();
      window.removeEventListener("resize", again);
      handle.current = null;
    };
  }, [handle, cols, digits]);
  return (
    <div className="live-grid" ref={wrapper}>
      {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a canvas takes no focus; the table
          beside it carries the numbers for assistive technology. */}
      <canvas
        ref={canvas}
        aria-hidden="true"
        data-smooth
        style={{ position: "absolute", inset: 0, width: "100%", height: "100%" }}
      />
      <table className="number-grid" aria-label={label} ref={table}>
        <tbody>
          {Array.from({ length: rows }, (_, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the rows are a fixed list.
            <tr key={r}>
              {Array.from({ length: cols }, (_, c) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the cells are a fixed list.
                <td key={c}>
                  <span className="value" />
                  {notes ? <span className="note" /> : null}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
