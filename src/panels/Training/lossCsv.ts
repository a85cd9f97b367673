import type { LossPoint } from "../../state/store";

/** The loss curve as CSV: a header, then one `update,loss` row per point, exact values. */
export function lossCsv(points: readonly LossPoint[]): string {
  return `update,loss\n${points.map((p) => `${p.update},${p.loss}`).join("\n")}\n`;
}
