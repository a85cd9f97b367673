import { formatNumber } from "./format";

export interface ChartAxesProps {
  /** The plot area's size inside the margins, in CSS pixels. */
  innerW: number;
  innerH: number;
  /** Where a value lands on each axis. */
  x: (value: number) => number;
  y: (value: number) => number;
  xTicks: readonly number[];
  yTicks: readonly number[];
  /** The x axis's title, under the ticks. */
  xTitle: string;
  /** How far left of the plot the (rotated) y-axis title sits. */
  yTitleOffset: number;
}

/**
 * The axes the loss charts share: y gridlines with their labels, x ticks on the baseline, and
 * the two titles (the y axis is a log loss). Drawn inside the chart's translated group.
 */
export function ChartAxes({
  innerW,
  innerH,
  x,
  y,
  xTicks,
  yTicks,
  xTitle,
  yTitleOffset,
}: ChartAxesProps) {
  return (
    <>
      {yTicks.map((t) => (
        <g key={t} transform={`translate(0,${y(t)})`}>
          <line x2={innerW} className="gridline" />
          <text x={-6} dy="0.32em" textAnchor="end">
            {formatNumber(t, 2)}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <g key={t} transform={`translate(${x(t)},${innerH})`}>
          <line y2={5} stroke="currentColor" />
          <text y={8} dy="0.71em" textAnchor="middle">
            {t}
          </text>
        </g>
      ))}
      <line y1={innerH} x2={innerW} y2={innerH} stroke="currentColor" />
      <text x={innerW / 2} y={innerH + 28} textAnchor="middle" className="axis-title">
        {xTitle}
      </text>
      <text
        transform={`translate(${-yTitleOffset},${innerH / 2}) rotate(-90)`}
        textAnchor="middle"
        className="axis-title"
      >
        loss (log)
      </text>
    </>
  );
}
