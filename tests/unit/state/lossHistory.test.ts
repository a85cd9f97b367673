import { describe, expect, test } from "vitest";
import { appendLoss, MAX_LOSS_POINTS } from "../../../src/state/lossHistory";

const points = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ update: from + i, loss: 1000 / (from + i + 1) }));

describe("the loss curve", () => {
  test("keeps every point while short, and ignores points not after the last", () => {
    let curve = appendLoss({ lossHistory: [], lossStride: 1 }, points(0, 100));
    curve = appendLoss(curve, points(50, 120));
    expect(curve.lossHistory.map((p) => p.update)).toEqual(
      Array.from({ length: 120 }, (_, i) => i),
    );
    expect(curve.lossStride).toBe(1);
  });

  test("100,000 updates keep a bounded curve with the first and the latest point", () => {
    let curve = { lossHistory: [] as { update: number; loss: number }[], lossStride: 1 };
    for (let from = 0; from < 100_000; from += 1000)
      curve = appendLoss(curve, points(from, from + 1000));
    curve = appendLoss(curve, [
      { update: 100_000, loss: 0.5 },
      { update: 100_003, loss: 0.25 },
    ]);
    const updates = curve.lossHistory.map((p) => p.update);
    expect(updates.length).toBeLessThanOrEqual(MAX_LOSS_POINTS);
    expect(updates.length).toBeGreaterThan(MAX_LOSS_POINTS / 2);
    expect(updates[0]).toBe(0);
    expect(updates[updates.length - 1]).toBe(100_003);
    // Strictly increasing, and on the stride except the first and the latest.
    for (let i = 1; i < updates.length; i++)
      expect(updates[i]).toBeGreaterThan(updates[i - 1] as number);
    for (const u of updates.slice(1, -1)) expect(u % curve.lossStride).toBe(0);
    expect(curve.lossHistory[curve.lossHistory.length - 1]?.loss).toBe(0.25);
  });
});
