import type { Ref } from "react";
import { exactNumber, formatNumber } from "./format";
import { setText, setTitle } from "./numberGridPaint";

/** Props of {@link Num}. */
export interface NumProps {
  /** The value. */
  value: number;
  /** Significant digits shown (formatNumber's default, 4, when left out). */
  digits?: number;
  /** What the value is, as `data-quantity` (tests and styles find a value by it). */
  quantity?: string;
  /** The element's id, for a value other text or tests point at. */
  id?: string;
}

/**
 * A number as the views print it: rounded to `digits` significant digits, with the exact
 * float64 in its title (the tooltip) and in `data-value` (empty when it is not finite), so that
 * the rounding never hides what was computed.
 */
export function Num({ value, digits, quantity, id }: NumProps) {
  return (
    <span
      id={id}
      className="num"
      data-quantity={quantity}
      data-value={Number.isFinite(value) ? value : ""}
      title={exactNumber(value)}
    >
      {formatNumber(value, digits)}
    </span>
  );
}

/** Props of {@link LiveNum}. */
export interface LiveNumProps {
  /** What the value is, as `data-quantity` (tests, styles and the painter find it by it). */
  quantity?: string;
  /** Receives the element, for {@link paintNum}. */
  numRef?: Ref<HTMLSpanElement>;
}

/**
 * A {@link Num} whose value a panel paints outside React ({@link paintNum}), every frame of a
 * playing sweep: React renders the empty element once.
 */
export function LiveNum({ quantity, numRef }: LiveNumProps) {
  return <span ref={numRef} className="num" data-quantity={quantity} />;
}

/**
 * Writes a value into a number's element as {@link Num} renders it: rounded as text; when
 * `exact` (the numbers hold still) with its exact value in the title and `data-value`. While
 * they change every frame the two are taken away: no stale exact value, no attribute written
 * per frame.
 */
export function paintNum(
  el: HTMLElement | null | undefined,
  value: number,
  exact: boolean,
  digits?: number,
): void {
  if (!el) return;
  setText(el, formatNumber(value, digits));
  setTitle(el, exact ? exactNumber(value) : null);
  if (!exact) delete el.dataset.value;
  else el.dataset.value = Number.isFinite(value) ? String(value) : "";
}
