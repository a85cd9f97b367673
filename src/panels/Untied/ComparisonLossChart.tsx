import { formatNumber } from "../../viz/format";
import { LossChart } from "../../viz/LossChart";

/** One training run of the comparison. */
export interface ComparisonCurve {
  /** Shown in the accessible name. */
  name: string;
  /** losses[s]: the loss before step s's update. */
  losses: readonly number[];
  /** CSS class of the line (its colour and dash). */
  className: string;
}

export interface ComparisonLossChartProps {
  /** The runs compared. */
  curves: readonly ComparisonCurve[];
  /** The x axis runs from step 0 to this. */
  steps: number;
  /** Chart width in CSS pixels. */
  width: number;
  /** Chart height in CSS pixels. */
  height: number;
}

/** The bottom of the log axis: smaller losses are drawn on it. */
export const LOSS_FLOOR = 1e-8;
/** The y labels here are narrower than the training chart's. */
const LABEL_SPACE = { ticks: 52, title: 42 };

/** The shared filter's and the untied layer's loss curves on one log axis, step by step. */
export function ComparisonLossChart({ curves, steps, width, height }: ComparisonLossChartProps) {
  const finite = curves.flatMap((c) => c.losses.filter((l) => Number.isFinite(l) && l >= 0));
  const hi = finite.length > 0 ? Math.max(LOSS_FLOOR * 10, ...finite) : 10;
  const lo = finite.length > 0 ? Math.max(LOSS_FLOOR, Math.min(...finite)) : 1;
  return (
    <LossChart
      className="loss-curves"
      curves={curves.map((c) => ({
        name: c.name,
        className: c.className,
        points: c.losses.flatMap((loss, s) => (Number.isFinite(loss) ? [[s, loss] as const] : [])),
      }))}
      xDomain={[0, Math.max(1, steps)]}
      lossDomain={[Math.min(lo, hi / 10), hi]}
      xTitle="steps"
      label={`Loss curves over ${steps} steps: ${curves
        .map((c) => {
          const last = c.losses[c.losses.length - 1];
          return `${c.name} ${last === undefined ? "not started" : `at ${formatNumber(last)}`}`;
        })
        .join(", ")}`}
      width={width}
      height={height}
      labelSpace={LABEL_SPACE}
      yTicks="decades"
      maxPoints={400}
    />
  );
}
