/**
 * Canvas pixels per CSS pixel of the canvases drawn every frame (the moving windows' and the
 * live number grids'): the display's, and at least 2, so that a 2x picture of the page (PNG
 * export) stays crisp. The same while a sweep plays: switching every canvas to another size
 * when Play is pressed cost more (new canvases for the compositor, in the frames right after
 * the click) than the smaller canvases saved per frame.
 */
export function canvasScale(): number {
  return Math.max(2, Math.ceil(window.devicePixelRatio || 1));
}
