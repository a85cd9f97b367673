import type { RecurrentProblem } from "../../engine/index";

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

function parseNumber(text: string): number | null {
  const t = text.trim().replace("−", "-");
  if (t === "") return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/**
 * Reads the form: x as 1 … PANEL_MAX_STEPS numbers separated by commas or spaces, and one
 * finite number in each other field. Never throws.
 */
export function parseDrafts(d: RecurrentDrafts): ParsedDrafts {
  const errors: Partial<Record<keyof RecurrentDrafts, string>> = {};
  const parts = d.xs
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const xs = parts.map(parseNumber);
  if (parts.length < 1 || parts.length > PANEL_MAX_STEPS) {
    errors.xs = `Give 1 to ${PANEL_MAX_STEPS} inputs; got ${parts.length}.`;
  } else {
    const bad = xs.indexOf(null);
    if (bad >= 0) errors.xs = `Input ${bad + 1} ("${parts[bad]}") is not a number.`;
  }
  const fields = ["w", "u", "h0", "target"] as const;
  const values: Record<(typeof fields)[number], number> = { w: 0, u: 0, h0: 0, target: 0 };
  for (const f of fields) {
    const v = parseNumber(d[f]);
    if (v === null) errors[f] = "Enter a number.";
    else values[f] = v;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, problem: { xs: xs as number[], ...values } };
}
