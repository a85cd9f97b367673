/**
 * A number for display: 4 significant digits, a true minus sign (in the exponent too:
 * "−3.469e−18", "1.724e−18"), no "NaN" ever.
 */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  const text =
    abs >= 1e5 || abs < 1e-4 ? value.toExponential(digits - 1) : value.toPrecision(digits);
  // Trim trailing zeros of the mantissa ("0.5000" → "0.5").
  const trimmed = text.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1");
  return trimmed.replace(/-/g, "−");
}

/** The exact value, as JavaScript prints a float64 (shortest round-trip form), true minus signs. */
export function exactNumber(value: number): string {
  return Number.isFinite(value) ? String(value).replace(/-/g, "−") : "—";
}
