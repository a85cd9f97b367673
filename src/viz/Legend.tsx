import { memo, Suspense, useId } from "react";
import { css, divergingColor } from "./color";
import { useDeferredReleased } from "./deferred";
import { formatNumber } from "./format";
import { lazyPart, PartBoundary } from "./lazyPart";

// The ticks need d3-scale, which the first load does not carry: they are a chunk of their own,
// loaded once the app is interactive (deferred.ts).
const LegendTicks = lazyPart(() =>
  import("./LegendTicks").then((m) => ({ default: m.LegendTicks })),
);

export interface LegendProps {
  /** The colour saturates at ±max. */
  max: number;
  /** Width in CSS pixels. */
  width?: number;
  /** What the colours measure, e.g. "∂L/∂x". */
  title: string;
}

/**
 * A diverging colour bar, its ticks placed by d3-scale. The bar shows at once; the ticks follow
 * when their chunk has loaded. Memoised: its props are numbers and a string, and the panels
 * around it re-render on every position of a playing sweep.
 */
export const Legend = memo(function Legend({ max, width = 160, title }: LegendProps) {
  const stops = Array.from({ length: 11 }, (_, i) => -1 + i / 5);
  const id = useId();
  const deferred = useDeferredReleased();
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
        {/* Without its ticks a legend still shows its colours, and its label gives the range. */}
        <PartBoundary what="The legend's ticks" quiet>
          <Suspense fallback={null}>
            {deferred ? <LegendTicks max={max} width={width} /> : null}
          </Suspense>
        </PartBoundary>
      </g>
    </svg>
  );
});
