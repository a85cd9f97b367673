import { type ScaleLogarithmic, scaleLinear, scaleLog } from "d3-scale";
import { line } from "d3-shape";
import { ChartAxes } from "./ChartAxes";

/** One loss curve of a {@link LossChart}. */
export interface LossCurve {
  /** Names the curve (its React key). */
  name: string;
  /** [x, loss] pairs in x order; non-finite losses are left out. */
  points: readonly (readonly [x: number, loss: number])[];
  /** CSS class of the line (its colour and dash). */
  className: string;
}

/** Props of {@link LossChart}. */
export interface LossChartProps {
  /** The curves, drawn in this order. */
  curves: readonly LossCurve[];
  /** The x axis's domain. */
  xDomain: readonly [number, number];
  /** The losses the y axis must show; it widens to whole powers of ten. */
  lossDomain: readonly [number, number];
  /** The x axis's title ("updates", "steps"). */
  xTitle: string;
  /** The chart's accessible name. */
  label: string;
  /** Chart width in CSS pixels. */
  width: number;
  /** Chart height in CSS pixels. */
  height: number;
  /** Space left of the plot for the y labels and title, in CSS pixels. */
  labelSpace?: { ticks: number; title: number };
  /** "readable": every tick d3 offers when there are few, else the decades; "decades": only
   *  whole powers of ten, at most about five of them. */
  yTicks?: "readable" | "decades";
  /** Mark the last point of the first curve with a dot (the latest loss). */
  markLast?: boolean;
  /** Extra CSS class of the SVG. */
  className?: string;
  /** At most this many points of a curve are drawn (always its first and last). */
  maxPoints?: number;
}

const MARGIN = { top: 8, right: 12, bottom: 30 };
const DEFAULT_LABEL_SPACE = { ticks: 56, title: 44 };

/** At most `max` points, evenly spaced by index, always the first and the last. */
function thin<T>(points: readonly T[], max: number): readonly T[] {
  if (points.length <= max) return points;
  const stride = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * stride)] as T);
  out.push(points[points.length - 1] as T);
  return out;
}

/** The y ticks: see LossChartProps.yTicks. */
function lossTicks(y: ScaleLogarithmic<number, number>, kind: "readable" | "decades"): number[] {
  if (kind === "readable") {
    return y.ticks(4).filter((t, i, all) => all.length <= 6 || Math.log10(t) % 1 === 0 || i === 0);
  }
  const [y0, y1] = y.domain() as [number, number];
  const every = Math.max(1, Math.ceil(Math.round(Math.log10(y1 / y0)) / 5));
  return y.ticks().filter((t) => {
    const e = Math.log10(t);
    return Math.abs(e - Math.round(e)) < 1e-9 && Math.round(e - Math.log10(y0)) % every === 0;
  });
}

/**
 * Loss curves on a log axis, the one loss chart of the app (training, and the untied
 * comparison). d3-scale computes the scales and their ticks, d3-shape the paths; React renders
 * the SVG. Only lazily loaded panels draw it, so d3 stays out of the first load. Losses below
 * the axis's bottom are drawn on it.
 */
export function LossChart({
  curves,
  xDomain,
  lossDomain,
  xTitle,
  label,
  width,
  height,
  labelSpace = DEFAULT_LABEL_SPACE,
  yTicks = "readable",
  markLast = false,
  className,
  maxPoints = 600,
}: LossChartProps) {
  const innerW = width - labelSpace.ticks - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const x = scaleLinear().domain(xDomain).range([0, innerW]);
  const y = scaleLog().domain(lossDomain).range([innerH, 0]).nice();
  // The axis's bottom; no loss is above its top, which is the largest loss or more.
  const [bottom] = y.domain() as [number, number];
  const ly = (loss: number) => y(Math.max(loss, bottom));
  const path = line<readonly [number, number]>(
    ([px]) => x(px),
    ([, loss]) => ly(loss),
  );
  const last = curves[0]?.points[(curves[0]?.points.length ?? 0) - 1];
  return (
    <svg
      className={className ? `loss-chart ${className}` : "loss-chart"}
      width={width}
      height={height}
      role="img"
      aria-label={label}
    >
      <g transform={`translate(${labelSpace.ticks},${MARGIN.top})`}>
        <ChartAxes
          innerW={innerW}
          innerH={innerH}
          x={x}
          y={y}
          xTicks={x.ticks(5).filter(Number.isInteger)}
          yTicks={lossTicks(y, yTicks)}
          xTitle={xTitle}
          yTitleOffset={labelSpace.title}
        />
        {curves.map((c) => (
          <path key={c.name} d={path(thin(c.points, maxPoints)) ?? ""} className={c.className} />
        ))}
        {markLast && last ? (
          <circle cx={x(last[0])} cy={ly(last[1])} r={3.5} className="loss-dot" />
        ) : null}
      </g>
    </svg>
  );
}
