import { css, divergingColor, maxAbs, type Rgb, textOn } from "./color";
import { exactNumber, formatNumber } from "./format";

/** What a live number grid shows at one moment. */
export interface GridFrame {
  /** The values, row-major. */
  data: ArrayLike<number>;
  /** The |value| at which the colour saturates; default: the values' own largest. */
  scaleMax?: number;
  /** Cell colour; default: diverging around zero, saturating at scaleMax. */
  color?: (value: number) => Rgb;
  /** Small text under each number (the term that just landed), or null for none. */
  notes?: readonly string[] | null;
  /**
   * True when the numbers hold still (paused, stepped): the table's cells then carry each value
   * as text and the exact value in their titles. False while they change every frame: only the
   * canvas is drawn, and the table leaves the accessibility tree until they hold still again.
   */
  exact: boolean;
  /** Restart the landing pulse on every cell (a step, not a playing sweep). */
  pulse?: boolean;
}

/** A cell's box in CSS pixels, relative to the grid's wrapper. */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The grid's layout as last measured: the canvas size and each cell's box. */
export interface GridGeometry {
  width: number;
  height: number;
  cells: Box[];
  /** CSS font of the values and of the notes. */
  valueFont: string;
  noteFont: string;
  /** Line height of a note, in CSS pixels. */
  noteHeight: number;
}

/** The font shorthand of an element's computed style (Firefox leaves `font` empty). */
function fontOf(el: Element | null): string {
  if (el === null) return "12px sans-serif";
  const s = getComputedStyle(el);
  return `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
}

/** Measures the table's cells against the wrapper (a layout read: only after a resize). */
export function measureGrid(wrapper: HTMLElement, table: HTMLTableElement): GridGeometry {
  const origin = wrapper.getBoundingClientRect();
  const cells = Array.from(table.querySelectorAll("td"), (td) => {
    const r = td.getBoundingClientRect();
    return { x: r.left - origin.left, y: r.top - origin.top, width: r.width, height: r.height };
  });
  const note = table.querySelector(".note");
  return {
    width: origin.width,
    height: origin.height,
    cells,
    valueFont: fontOf(table.querySelector(".value")),
    noteFont: fontOf(note),
    noteHeight: note ? Number.parseFloat(getComputedStyle(note).lineHeight) || 10 : 0,
  };
}

/**
 * Text drawn centred at (x, y), condensed to `room` CSS pixels when it is wider (the canvas
 * does it: no measureText for every cell of every frame).
 */
function fitText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, room: number) {
  ctx.fillText(text, x, y, room);
}

/** One cell as drawn: its colour, its number and its note. */
export interface DrawnCell {
  /** The cell's colour, as a CSS colour. */
  fill: string;
  /** The colour of its text on that fill, black or white (see {@link textOn}). */
  ink: string;
  text: string;
  note: string;
}

/**
 * Each colour's CSS string and text colour, made once rather than every frame: the grids are
 * coloured by divergingColor and grayColor, so a few hundred colours at most.
 */
const paints = new Map<number, [string, string]>();

/** What each cell of a frame shows (colour and rounded text): frames that agree look the same. */
export function frameCells(frame: GridFrame, digits: number): DrawnCell[] {
  const max = frame.scaleMax ?? maxAbs(frame.data);
  return Array.from({ length: frame.data.length }, (_, i) => {
    const v = frame.data[i] as number;
    const bg = frame.color ? frame.color(v) : divergingColor(v, max);
    const key = (bg[0] << 16) | (bg[1] << 8) | bg[2];
    let paint = paints.get(key);
    if (paint === undefined) {
      paint = [css(bg), textOn(bg)];
      paints.set(key, paint);
    }
    return {
      fill: paint[0],
      ink: paint[1],
      text: formatNumber(v, digits),
      note: frame.notes?.[i] ?? "",
    };
  });
}

/** Whether two frames' cells look the same (equal colours, texts and notes: equal pixels). */
export function sameCells(a: readonly DrawnCell[], b: readonly DrawnCell[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i] as DrawnCell;
      return x.fill === y.fill && x.text === y.text && x.note === y.note;
    })
  );
}

/**
 * Draws the grid's cells, colours and numbers into its canvas (sized to the measured layout at
 * `scale` canvas pixels per CSS pixel): no DOM node changes, so the page restyles and lays out
 * nothing.
 */
export function drawGrid(
  canvas: HTMLCanvasElement,
  geometry: GridGeometry,
  cells: readonly DrawnCell[],
  scale: number,
): void {
  const w = Math.max(1, Math.round(geometry.width * scale));
  const h = Math.max(1, Math.round(geometry.height * scale));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext("2d");
  if (ctx === null) return;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.clearRect(0, 0, geometry.width, geometry.height);
  // In passes, the colours, then the numbers, then the notes: the context's font and style
  // change a few times a grid rather than at every cell (the cells never overlap, so the
  // pixels are those of drawing cell by cell).
  const boxes = geometry.cells;
  const n = Math.min(boxes.length, cells.length);
  for (let i = 0; i < n; i++) {
    const box = boxes[i] as Box;
    ctx.fillStyle = (cells[i] as DrawnCell).fill;
    ctx.beginPath();
    ctx.roundRect(box.x, box.y, box.width, box.height, 4);
    ctx.fill();
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.font = geometry.valueFont;
  let notes = false;
  for (let i = 0; i < n; i++) {
    const box = boxes[i] as Box;
    const cell = cells[i] as DrawnCell;
    if (cell.note) notes = true;
    const cy = box.y + box.height / 2;
    ctx.fillStyle = cell.ink;
    fitText(
      ctx,
      cell.text,
      box.x + box.width / 2,
      cell.note ? cy - geometry.noteHeight / 2 : cy,
      box.width - 4,
    );
  }
  if (!notes) return;
  ctx.font = geometry.noteFont;
  for (let i = 0; i < n; i++) {
    const box = boxes[i] as Box;
    const cell = cells[i] as DrawnCell;
    if (!cell.note) continue;
    ctx.fillStyle = cell.ink;
    const cy = box.y + box.height / 2;
    fitText(ctx, cell.note, box.x + box.width / 2, cy + geometry.noteHeight / 2 + 1, box.width - 4);
  }
}

/** The landing pulse (as the `.pulse` class draws it), unless motion is to be reduced. */
const LAND: Keyframe[] = [{ boxShadow: "0 0 0 3px #ff9f1c" }, { boxShadow: "0 0 0 0 transparent" }];

/** Plays the landing pulse on an element (Web Animations: no class toggling, no reflow). */
export function pulse(el: Element): void {
  if (typeof el.animate !== "function") return;
  if (window.matchMedia?.("(prefers-reduced-motion: reduce)").matches) return;
  el.animate(LAND, { duration: 450, easing: "ease-out" });
}

/**
 * Sets an element's text when it differs (reading a single text node's data makes no string and
 * costs no layout). An element holding one text node keeps it and changes its data: replacing the
 * node would take it out of the layout and put a new one in, a costlier invalidation every frame.
 */
export function setText(el: Element | null | undefined, text: string): void {
  if (!el) return;
  const node = el.firstChild;
  if (node !== null && node === el.lastChild && node.nodeType === Node.TEXT_NODE) {
    if ((node as Text).data !== text) (node as Text).data = text;
  } else if (el.textContent !== text) el.textContent = text;
}

/** Sets or removes an element's title. */
export function setTitle(el: Element | null | undefined, title: string | null): void {
  if (!el) return;
  if (title === null) {
    if (el.hasAttribute("title")) el.removeAttribute("title");
  } else if (el.getAttribute("title") !== title) el.setAttribute("title", title);
}

/**
 * Writes the frame into the table's cells for the accessibility tree and tooltips: each
 * cell's number and note as text and its exact value in the title; or, while the numbers
 * change every frame, takes the titles away and hides the table from assistive technology
 * (the status's live summary speaks for it then).
 */
export function writeCells(
  table: HTMLTableElement,
  cols: number,
  frame: GridFrame,
  digits: number,
): void {
  if (!frame.exact) {
    if (table.getAttribute("aria-hidden") !== "true") {
      table.setAttribute("aria-hidden", "true");
      for (const td of Array.from(table.querySelectorAll("td"))) setTitle(td, null);
    }
    return;
  }
  if (table.hasAttribute("aria-hidden")) table.removeAttribute("aria-hidden");
  table.querySelectorAll("td").forEach((td, i) => {
    const v = frame.data[i] as number;
    setTitle(td, `[${Math.floor(i / cols)}][${i % cols}] = ${exactNumber(v)}`);
    setText(td.querySelector(".value"), formatNumber(v, digits));
    const note = td.querySelector(".note");
    if (note) setText(note, frame.notes?.[i] ?? "");
  });
}
