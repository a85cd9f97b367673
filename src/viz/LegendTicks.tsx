import { scaleLinear } from "d3-scale";
import { formatNumber } from "./format";

/** The ticks under a legend bar from −max to max, `width` pixels long, placed by d3-scale. */
export function LegendTicks({ max, width }: { max: number; width: number }) {
  const x = scaleLinear().domain([-max, max]).range([0, width]);
  return x.ticks(3).map((t) => (
    <g key={t} transform={`translate(${x(t)},10)`}>
      <line y2={4} stroke="currentColor" />
      <text y={14} dy="0.71em" textAnchor="middle" fontSize={10} fill="currentColor">
        {formatNumber(t, 2)}
      </text>
    </g>
  ));
}
