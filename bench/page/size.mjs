// size: first-load JavaScript, gzip: the figure of `npm run size` (scripts/size.mjs loads the
// page and counts every script requested before it is interactive, the union of its loads).
import { FIRST_LOAD_BUDGET, LOADS } from "../../scripts/size.mjs";
import { kB, met } from "./stats.mjs";

/** @param {Awaited<ReturnType<typeof import("../../scripts/size.mjs").measureFirstLoad>>} size */
export function sizeRows(size) {
  const { chunks, firstGzip } = size;
  const first = chunks.filter((c) => c.fetched === "before interactive");
  const later = chunks.filter((c) => c.fetched === "after interactive");
  const never = chunks.filter((c) => c.fetched === "never");
  const gzip = (list) => list.reduce((s, c) => s + c.gzip, 0);
  const names = (list) => list.map((c) => c.file.replace("assets/", "")).join(" + ") || "—";
  const kind = (...kinds) => first.filter((c) => kinds.includes(c.kind));
  const page = kind("entry", "static import");
  const dynamic = kind("dynamic import");
  const worker = kind("worker");
  return [
    [
      `size: first-load JavaScript, gzip (every script requested before interactive, union of ${LOADS} loads)`,
      kB(firstGzip),
      `≤ ${kB(FIRST_LOAD_BUDGET)}`,
      met(firstGzip <= FIRST_LOAD_BUDGET),
    ],
    [`  entry and its static imports (${page.length} scripts)`, kB(gzip(page)), "", ""],
    [`  dynamic imports before interactive (${names(dynamic)})`, kB(gzip(dynamic)), "", ""],
    [`  engine worker (${names(worker)})`, kB(gzip(worker)), "", ""],
    [`  requested after interactive, not counted (${names(later)})`, kB(gzip(later)), "", ""],
    [`  never requested, not counted (${never.length} scripts)`, kB(gzip(never)), "", ""],
  ];
}
