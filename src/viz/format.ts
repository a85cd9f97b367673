/**
 * A number for display: 4 significant digits, a true minus sign (in the exponent too:
 * "−3.469e−18", "1.724e−18"), no "NaN" ever.
 */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  let text = abs >= 1e5 || abs < 1e-4 ? value.toExponential(digits - 1) : value.toPrecision(digits);
  // Trim trailing zeros of the mantissa and a point left bare ("0.5000" → "0.5", "2.000e+5" →
  // "2e+5"). Done by hand, not by a regular expression: the live grids format ~100 numbers a
  // frame, and each replace made new strings whether or not it changed anything.
  if (text.includes(".")) {
    const e = text.indexOf("e");
    const end = e < 0 ? text.length : e;
    let cut = end;
    while (text.charCodeAt(cut - 1) === 48) cut--; // "0"
    if (text.charCodeAt(cut - 1) === 46) cut--; // "."
    if (cut < end) text = text.slice(0, cut) + text.slice(end);
  }
  return text.includes("-") ? text.replace(/-/g, "−") : text;
}

/** The exact value, as JavaScript prints a float64 (shortest round-trip form), true minus signs. */
export function exactNumber(value: number): string {
  return Number.isFinite(value) ? String(value).replace(/-/g, "−") : "—";
}
