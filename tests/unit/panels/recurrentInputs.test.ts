/**
 * The recurrent view's form: its fields read back as the problem, and bad fields are named.
 */
import { describe, expect, test } from "vitest";
import {
  DEFAULT_RECURRENT,
  draftsOf,
  PANEL_MAX_STEPS,
  parseDrafts,
} from "../../../src/panels/Recurrent/recurrentInputs";

describe("the recurrent form", () => {
  test("the defaults read back as the default problem", () => {
    expect(parseDrafts(draftsOf(DEFAULT_RECURRENT))).toEqual({
      ok: true,
      problem: DEFAULT_RECURRENT,
    });
  });
  test("inputs may be separated by commas, spaces or semicolons, with a true minus", () => {
    const r = parseDrafts({ xs: "1; −0.5  2,3", w: " 0.5 ", u: "−1", h0: "0", target: "1e-1" });
    expect(r).toEqual({
      ok: true,
      problem: { xs: [1, -0.5, 2, 3], w: 0.5, u: -1, h0: 0, target: 0.1 },
    });
  });
  test("bad fields are named, and nothing throws", () => {
    const r = parseDrafts({ xs: "1, x, 2", w: "", u: "abc", h0: "Infinity", target: "0" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.xs).toMatch(/Input 2 \("x"\)/);
    expect(r.errors.w).toBeDefined();
    expect(r.errors.u).toBeDefined();
    expect(r.errors.h0).toBeDefined();
    expect(r.errors.target).toBeUndefined();
    const many = parseDrafts({
      ...draftsOf(DEFAULT_RECURRENT),
      xs: Array(PANEL_MAX_STEPS + 1)
        .fill(1)
        .join(","),
    });
    expect(many.ok).toBe(false);
    const none = parseDrafts({ ...draftsOf(DEFAULT_RECURRENT), xs: " , " });
    expect(none.ok).toBe(false);
  });
});
