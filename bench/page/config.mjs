// What every part of bench/page.mjs shares: the build folder, the window, the flags and the goals.

export const DIST = process.env.CONVSWEEP_DIST ?? "dist";
export const VIEWPORT = { width: 1280, height: 900 };
/** Seconds of playback and of training measured. */
export const WINDOW_S = 10;

/** The value of a `--name=a,b` flag as a set, or null when absent. */
function flag(name) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? new Set(arg.slice(name.length + 3).split(",")) : null;
}
export const ONLY = flag("only");
export const SIZES = flag("sizes") ?? new Set(["32", "128"]);
export const runs = (part) => ONLY === null || ONLY.has(part);
/**
 * `--speed=60`: playback at that many positions a second (a Speed menu value; at 60/s every
 * frame shows the next position, as a new user plays it) instead of the menu's fastest.
 */
export const SPEED = Number([...(flag("speed") ?? [])][0] ?? Number.NaN);

export const GOALS = {
  fcp: 500,
  interactive: 1000,
  /** The Long Tasks API reports tasks over 50 ms: any entry misses the goal. */
  longTask: 50,
  /** Main-thread busy share: training (any size), and playback at 32x32 and at 128x128. */
  busy: 0.5,
  playbackBusy: { "32x32": 0.25, "128x128": 0.35 },
  /** The CPU-throttled playback (4x, a slow laptop): frame median and the longest task. */
  throttleRate: 4,
  throttledFrame: 20,
  throttledLongTask: 100,
  frameTolerance: 0.1,
  drawMedian: 16,
  /** A bad state file chosen → its message; an image file (bad or huge) → its answer. */
  fileMessage: 4000,
  imageFile: 2000,
  drawP95: 33,
};
