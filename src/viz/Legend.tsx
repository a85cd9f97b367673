import { memo, useId } from "react";
import { css, divergingColor } from "./color";
import { formatNumber } from "./format";
import { linearScale } from "./scales";

export interface LegendProps {
  /** The colour saturates at ±max. */
  max: number;
  /** Width in CSS pixels. */
  width?: number;
  /** What the colours measure, e.g. "∂L/∂x". */
  title: string;
}

/**
 * A diverging colour bar with ticks from d3-array's ticks(). Memoised: its props are numbers
 * and a string, and the panels around it re-render on every position of a playing sweep.
 */
export const Legend = memo(function Legend({ max, width = 160, title }: LegendProps) {
  const x = linearScale([-max, max], [0, width]);
  const ticks = x.ticks(3);
  const stops = Array.from({ length: 11 }, (_, i) => -1 + i / 5);
  const id = useId();
  return (
    <svg
      className="legend"
      width={width + 16}
      height={46}
      role="img"
      aria-label={`${title} colour scale from ${formatNumber(-max)} to ${formatNumber(max)}`}
    >
      <defs>
        <linearGradient id={id}>
          {stops.map((t) => (
            <stop
              key={t}
              offset={`${((t + 1) / 2) * 100}%`}
              stopColor={css(divergingColor(t, 1))}
            />
          ))}
        </linearGradient>
      </defs>
      <text x={8} y={10} fontSize={10.5} fill="currentColor">
        {title}
      </text>
      <g transform="translate(8,14)">
        <rect width={width} height={10} fill={`url(#${id})`} stroke="#8888" />
        {ticks.map((t) => (
          <g key={t} transform={`translate(${x(t)},10)`}>
            <line y2={4} stroke="currentColor" />
            <text y={14} dy="0.71em" textAnchor="middle" fontSize={10} fill="currentColor">
              {formatNumber(t, 2)}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
});
