import type { CellRect } from "./GridCanvas";

const SVG_NS = "http://www.w3.org/2000/svg";

/** Sets an attribute when it differs (an unchanged outline is not restyled). */
function attr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/**
 * Draws outlines into the group a GridCanvas gives through `outlinesRef`, reusing its <rect>
 * nodes: a moving window changes a few attributes a frame and creates nothing. The group's
 * `data-cell` (CSS pixels per cell) sets the stroke width as GridCanvas's own outlines have it.
 */
export function setOutlines(group: SVGGElement, rects: readonly CellRect[]): void {
  const cell = Number(group.getAttribute("data-cell")) || 1;
  const stroke = String(Math.max(0.12, 2 / cell));
  let n = 0;
  const place = (x: number, y: number, w: number, h: number, color: string) => {
    let rect = group.children[n] as SVGRectElement | undefined;
    if (rect === undefined) {
      rect = document.createElementNS(SVG_NS, "rect");
      rect.setAttribute("fill", "none");
      group.appendChild(rect);
    }
    n++;
    attr(rect, "x", String(x));
    attr(rect, "y", String(y));
    attr(rect, "width", String(w));
    attr(rect, "height", String(h));
    attr(rect, "stroke", color);
    attr(rect, "stroke-width", stroke);
  };
  for (const h of rects) {
    if (h.cells) for (const c of h.cells) place(c.col + 0.06, c.row + 0.06, 0.88, 0.88, h.color);
    else place(h.col, h.row, h.width, h.height, h.color);
  }
  while (group.children.length > n) group.lastElementChild?.remove();
}
