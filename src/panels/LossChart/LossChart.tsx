import { extent } from "d3-array";
import type { LossPoint } from "../../state/store";
import { ChartAxes } from "../../viz/ChartAxes";
import { formatNumber } from "../../viz/format";
import { linePath } from "../../viz/linePath";
import { linearScale, logScale } from "../../viz/scales";

export interface LossChartProps {
  /** The loss after each update, in update order. */
  points: readonly LossPoint[];
  /** Chart width in CSS pixels. */
  width: number;
  /** Chart height in CSS pixels. */
  height: number;
}

const MARGIN = { top: 8, right: 12, bottom: 30, left: 56 };
const MAX_POINTS = 600;

/** Keeps at most MAX_POINTS points, always the first and the last. */
function decimate(points: readonly LossPoint[]): readonly LossPoint[] {
  if (points.length <= MAX_POINTS) return points;
  const stride = points.length / MAX_POINTS;
  const out: LossPoint[] = [];
  for (let i = 0; i < MAX_POINTS - 1; i++) out.push(points[Math.floor(i * stride)] as LossPoint);
  out.push(points[points.length - 1] as LossPoint);
  return out;
}

/** The loss curve on a log scale: d3-array's ticks, d3-scale's maths (src/viz/scales), React renders the SVG. */
export function LossChart({ points, width, height }: LossChartProps) {
  const shown = decimate(points.filter((p) => Number.isFinite(p.loss) && p.loss > 0));
  const innerW = width - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const [u0, u1] = extent(shown, (p) => p.update);
  const [l0, l1] = extent(shown, (p) => p.loss);
  const x = linearScale([u0 ?? 0, Math.max(u1 ?? 1, (u0 ?? 0) + 1)], [0, innerW]);
  const y = logScale([Math.min(l0 ?? 1, (l1 ?? 1) / 10), l1 ?? 10], [innerH, 0], true);
  const path = linePath(
    shown,
    (p) => x(p.update),
    (p) => y(p.loss),
  );
  const xTicks = x.ticks(5).filter(Number.isInteger);
  const yTicks = y
    .ticks(4)
    .filter((t, i, all) => all.length <= 6 || Math.log10(t) % 1 === 0 || i === 0);
  const last = points[points.length - 1];
  return (
    <svg
      className="loss-chart"
      width={width}
      height={height}
      role="img"
      aria-label={
        last
          ? `Loss curve: ${points.length} points, latest loss ${formatNumber(last.loss)} after ${last.update} updates`
          : "Loss curve: no points yet"
      }
    >
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        <ChartAxes
          innerW={innerW}
          innerH={innerH}
          x={x}
          y={y}
          xTicks={xTicks}
          yTicks={yTicks}
          xTitle="updates"
          yTitleOffset={44}
        />
        <path d={path ?? ""} className="loss-line" />
        {shown.length > 0 ? (
          <circle
            cx={x((shown[shown.length - 1] as LossPoint).update)}
            cy={y((shown[shown.length - 1] as LossPoint).loss)}
            r={3.5}
            className="loss-dot"
          />
        ) : null}
      </g>
    </svg>
  );
}
