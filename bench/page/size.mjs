// size: first-load JavaScript, gzip (scripts/size.mjs decides what "first load" is).
import { FIRST_LOAD_BUDGET } from "../../scripts/size.mjs";
import { kB, met } from "./stats.mjs";

export function sizeRows(chunks) {
  const first = chunks.filter((c) => c.when !== "after load");
  const later = chunks.filter((c) => c.when === "after load");
  const gzip = (list) => list.reduce((s, c) => s + c.gzip, 0);
  const names = (list) => list.map((c) => c.file.replace("assets/", "")).join(" + ");
  return [
    [
      `size: first-load JavaScript, gzip (${names(first)})`,
      kB(gzip(first)),
      `< ${kB(FIRST_LOAD_BUDGET)}`,
      met(gzip(first) < FIRST_LOAD_BUDGET),
    ],
    [`  loaded after interactive (${names(later)})`, kB(gzip(later)), "", ""],
  ];
}
