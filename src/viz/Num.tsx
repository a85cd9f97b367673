import { exactNumber, formatNumber } from "./format";

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
