import { extent } from "d3-array";
import type { LossPoint } from "../../state/store";
import { formatNumber } from "../../viz/format";
import { LossChart } from "../../viz/LossChart";

export interface TrainingLossChartProps {
  /** The loss after each update, in update order. */
  points: readonly LossPoint[];
  /** Chart width in CSS pixels. */
  width: number;
  /** Chart height in CSS pixels. */
  height: number;
}

/** The training loss over the updates, on a log axis, the latest loss marked with a dot. */
export function TrainingLossChart({ points, width, height }: TrainingLossChartProps) {
  // A log axis has no place for a loss of 0 or a non-finite one: those points are left out.
  const shown = points.filter((p) => Number.isFinite(p.loss) && p.loss > 0);
  const [u0, u1] = extent(shown, (p) => p.update);
  const [l0, l1] = extent(shown, (p) => p.loss);
  const last = points[points.length - 1];
  return (
    <LossChart
      curves={[
        { name: "loss", className: "loss-line", points: shown.map((p) => [p.update, p.loss]) },
      ]}
      xDomain={[u0 ?? 0, Math.max(u1 ?? 1, (u0 ?? 0) + 1)]}
      lossDomain={[Math.min(l0 ?? 1, (l1 ?? 1) / 10), l1 ?? 10]}
      xTitle="updates"
      label={
        last
          ? `Loss curve: ${points.length} points, latest loss ${formatNumber(last.loss)} after ${last.update} updates`
          : "Loss curve: no points yet"
      }
      width={width}
      height={height}
      markLast
    />
  );
}
