import type { RecurrentProblem } from "../../engine/index";
import { parseDecimal } from "../decimal";

/** The most time steps the panel offers (the engine takes more). */
export const PANEL_MAX_STEPS = 8;

/** The problem the panel starts with: contributions of both signs and different sizes. */
export const DEFAULT_RECURRENT: RecurrentProblem = {
  xs: [1, 0.5, -1, 0.8, 0.2],
  w: 1.1,
  u: 0.6,
  h0: -0.4,
  target: 0.9,
};

/** The text fields of the panel's form, as typed. */
export interface RecurrentDrafts {
  xs: string;
  w: string;
  u: string;
  h0: string;
  target: string;
}

/** The drafts that show a problem. */
export function draftsOf(p: RecurrentProblem): RecurrentDrafts {
  return {
    xs: p.xs.join(", "),
    w: String(p.w),
    u: String(p.u),
    h0: String(p.h0),
    target: String(p.target),
  };
}

/** A parsed form: the problem, or what is wrong with each field (field → message). */
export type ParsedDrafts =
  | { ok: true; problem: RecurrentProblem }
  | { ok: false; errors: Partial<Record<keyof RecurrentDrafts, string>> };

/** How each single-number field is named in its message. */
const FIELD_NAMES = {
  w: "the weight w",
  u: "the weight u",
  h0: "the start state h₀",
  target: "the target y",
} as const;

/**
 * Reads the form: x as 1 … PANEL_MAX_STEPS decimal numbers separated by commas, spaces or
 * semicolons, and one decimal number in each other field (see parseDecimal). Never throws.
 */
export function parseDrafts(d: RecurrentDrafts): ParsedDrafts {
  const errors: Partial<Record<keyof RecurrentDrafts, string>> = {};
  const parts = d.xs
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const xs: number[] = [];
  if (parts.length < 1 || parts.length > PANEL_MAX_STEPS) {
    errors.xs = `Give 1 to ${PANEL_MAX_STEPS} inputs; got ${parts.length}.`;
  } else {
    for (const [i, part] of parts.entries()) {
      const x = parseDecimal(part, `input ${i + 1}`);
      if ("error" in x) {
        errors.xs = x.error;
        break;
      }
      xs.push(x.value);
    }
  }
  const values: Record<keyof typeof FIELD_NAMES, number> = { w: 0, u: 0, h0: 0, target: 0 };
  for (const f of Object.keys(FIELD_NAMES) as (keyof typeof FIELD_NAMES)[]) {
    const v = parseDecimal(d[f], FIELD_NAMES[f]);
    if ("error" in v) errors[f] = v.error;
    else values[f] = v.value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, problem: { xs, ...values } };
}
