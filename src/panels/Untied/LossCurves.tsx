import { scaleLinear, scaleLog } from "d3-scale";
import { line } from "d3-shape";
import { ChartAxes } from "../../viz/ChartAxes";
import { formatNumber } from "../../viz/format";

/** One training run's loss curve. */
export interface Curve {
  /** Shown in the legend and the accessible name. */
  name: string;
  /** losses[s]: the loss before step s's update. */
  losses: readonly number[];
  /** CSS class of the line (its colour and dash). */
  className: string;
}

export interface LossCurvesProps {
  curves: readonly Curve[];
  /** The x axis runs from step 0 to this. */
  steps: number;
  /** Chart width in CSS pixels. */
  width: number;
  /** Chart height in CSS pixels. */
  height: number;
  /** Losses below this are drawn on the bottom edge (a log axis has no zero). */
  floor?: number;
}

const MARGIN = { top: 8, right: 12, bottom: 30, left: 52 };
/** The default bottom of the log axis. */
export const LOSS_FLOOR = 1e-8;
const MAX_POINTS = 400;

/** [step, loss] pairs, at most MAX_POINTS of them, always the first and the last. */
function pointsOf(losses: readonly number[]): [number, number][] {
  const every = Math.max(1, Math.ceil(losses.length / MAX_POINTS));
  const out: [number, number][] = [];
  for (let s = 0; s < losses.length; s += every) out.push([s, losses[s] as number]);
  const last = losses.length - 1;
  if (last > 0 && last % every !== 0) out.push([last, losses[last] as number]);
  return out.filter(([, loss]) => Number.isFinite(loss));
}

/** Several loss curves on one log axis: D3 computes scales and paths, React renders the SVG. */
export function LossCurves({ curves, steps, width, height, floor = LOSS_FLOOR }: LossCurvesProps) {
  const innerW = width - MARGIN.left - MARGIN.right;
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const finite = curves.flatMap((c) => c.losses.filter((l) => Number.isFinite(l) && l >= 0));
  const hi = finite.length > 0 ? Math.max(floor * 10, ...finite) : 10;
  const lo = finite.length > 0 ? Math.max(floor, Math.min(...finite)) : 1;
  const x = scaleLinear()
    .domain([0, Math.max(1, steps)])
    .range([0, innerW]);
  const y = scaleLog()
    .domain([Math.min(lo, hi / 10), hi])
    .range([innerH, 0])
    .nice()
    .clamp(true);
  const [y0, y1] = y.domain() as [number, number];
  const decades = Math.round(Math.log10(y1 / y0));
  const every = Math.max(1, Math.ceil(decades / 5));
  const yTicks = y.ticks().filter((t) => {
    const e = Math.log10(t);
    return Math.abs(e - Math.round(e)) < 1e-9 && Math.round(e - Math.log10(y0)) % every === 0;
  });
  const path = line<[number, number]>()
    .x(([s]) => x(s))
    .y(([, loss]) => y(Math.max(loss, y0)));
  return (
    <svg
      className="loss-chart loss-curves"
      width={width}
      height={height}
      role="img"
      aria-label={`Loss curves over ${steps} steps: ${curves
        .map((c) => {
          const last = c.losses[c.losses.length - 1];
          return `${c.name} ${last === undefined ? "not started" : `at ${formatNumber(last)}`}`;
        })
        .join(", ")}`}
    >
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        <ChartAxes
          innerW={innerW}
          innerH={innerH}
          x={x}
          y={y}
          xTicks={x.ticks(5)}
          yTicks={yTicks}
          xTitle="steps"
          yTitleOffset={42}
        />
        {curves.map((c) => (
          <path key={c.name} d={path(pointsOf(c.losses)) ?? ""} className={c.className} />
        ))}
      </g>
    </svg>
  );
}
