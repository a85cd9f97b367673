/**
 * The diverging palette of the heatmaps, made by d3 when the app is built: 256 colours of
 * d3-scale-chromatic's interpolateRdBu at t = i / 255 (0 dark red, 1 dark blue), served to the
 * app as the virtual module `virtual:convsweep/rd-bu` (a string of 256 "rrggbb" codes).
 *
 * The heatmaps paint in the first load, whose budget (110 kB gzip, docs/performance.md)
 * d3-scale-chromatic with d3-interpolate and d3-color would break by 13 kB; sampled here, the
 * page carries 1.5 kB of colours and every one of them is d3's own.
 *
 * Used by vite.config.ts (dev server and build) and vitest.config.ts (unit tests).
 */
import { interpolateRdBu } from "d3-scale-chromatic";
import type { Plugin } from "vite";

export const RD_BU_MODULE = "virtual:convsweep/rd-bu";
/** The number of colours sampled. */
export const RD_BU_SIZE = 256;

/** "#rrggbb" or "rgb(r, g, b)", as d3's interpolators return them, as "rrggbb". */
function hex(colour: string): string {
  const short = /^#([0-9a-f]{6})$/i.exec(colour);
  if (short) return (short[1] as string).toLowerCase();
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(colour);
  if (!rgb) throw new Error(`not a colour d3 returns: ${colour}`);
  return [rgb[1], rgb[2], rgb[3]].map((c) => Number(c).toString(16).padStart(2, "0")).join("");
}

/** The module's text: the sampled colours, "rrggbb" each, in one string. */
export function rdBuModuleSource(): string {
  const codes = Array.from({ length: RD_BU_SIZE }, (_, i) =>
    hex(interpolateRdBu(i / (RD_BU_SIZE - 1))),
  );
  return `export default ${JSON.stringify(codes.join(""))};\n`;
}

export function rdBuPalette(): Plugin {
  const resolved = `\0${RD_BU_MODULE}`;
  return {
    name: "convsweep-rd-bu",
    resolveId: (id) => (id === RD_BU_MODULE ? resolved : undefined),
    load: (id) => (id === resolved ? rdBuModuleSource() : undefined),
  };
}
