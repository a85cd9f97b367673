import { memo } from "react";
import type { Grid } from "../engine/index";
import { css, divergingColor, maxAbs, type Rgb, textOn } from "./color";
import { exactNumber, formatNumber } from "./format";

export interface NumberGridProps {
  /** The small grid (a 3x3 kernel-shaped quantity) to show with its numbers. */
  grid: Grid;
  /** Accessible caption, e.g. "Kernel gradient so far". */
  label: string;
  /** The |value| at which the colour saturates; default: the grid's own largest. */
  scaleMax?: number;
  /** Cell index to emphasise (e.g. the one a hover is about). */
  emphasis?: number | null;
  /** Re-keying this restarts the "landing" animation on every cell. */
  pulseKey?: string | number;
  /** Small text under each number, e.g. the "+term" that just landed. */
  notes?: readonly string[] | undefined;
  /** Significant digits shown. */
  digits?: number;
  /** Cell colour; default: diverging around zero, saturating at scaleMax. */
  color?: (value: number) => Rgb;
  /** Called when the pointer enters a cell (index) or leaves the grid (null). */
  onHover?: (index: number | null) => void;
  /** Each cell's exact value in its title (default); false leaves the titles out. */
  exact?: boolean;
}

/**
 * A small grid of exact numbers on a diverging colour; the full value is in each cell's title
 * (unless `exact` is false: numbers changing every frame).
 * Memoised: the panels around it re-render on every position of a playing sweep, and most of
 * their grids (the kernel, a patch) do not change with it.
 */
export const NumberGrid = memo(function NumberGrid({
  grid,
  label,
  scaleMax,
  emphasis = null,
  pulseKey,
  notes,
  digits = 4,
  color,
  onHover,
  exact = true,
}: NumberGridProps) {
  const max = scaleMax ?? maxAbs(grid.data);
  const rows = Array.from({ length: grid.height }, (_, r) => r);
  const cols = Array.from({ length: grid.width }, (_, c) => c);
  return (
    <table
      className="number-grid"
      aria-label={label}
      onPointerLeave={onHover ? () => onHover(null) : undefined}
    >
      <tbody>
        {rows.map((r) => (
          <tr key={r}>
            {cols.map((c) => {
              const i = r * grid.width + c;
              const v = grid.data[i] as number;
              const bg = color ? color(v) : divergingColor(v, max);
              return (
                <td
                  key={`${c}-${pulseKey ?? ""}`}
                  className={`${pulseKey === undefined ? "" : "pulse"}${emphasis === i ? " emphasis" : ""}`}
                  style={{ background: css(bg), color: textOn(bg) }}
                  title={exact ? `[${r}][${c}] = ${exactNumber(v)}` : undefined}
                  onPointerEnter={onHover ? () => onHover(i) : undefined}
                >
                  <span className="value">{formatNumber(v, digits)}</span>
                  {notes?.[i] ? <span className="note">{notes[i]}</span> : null}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
});
