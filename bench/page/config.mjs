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
 * `--speeds=60,fastest`: the playback speeds measured, Speed menu values or "fastest" (the
 * menu's highest). At 60/s every frame shows the next position, as a new user plays it; the
 * fastest adds many positions a frame. Both by default.
 */
export const SPEEDS = [...(flag("speeds") ?? new Set(["60", "fastest"]))];
/**
 * `--viewports=1280x900,390x844`: the windows playback is measured in (the other checks run at
 * VIEWPORT). Both by default: a laptop and a phone.
 */
export const VIEWPORTS = [...(flag("viewports") ?? new Set(["1280x900", "390x844"]))].map((v) => {
  const [width, height] = v.split("x").map(Number);
  if (!(width > 0 && height > 0)) throw new Error(`--viewports: "${v}" is not WIDTHxHEIGHT`);
  return { width, height };
});

export const GOALS = {
  fcp: 500,
  interactive: 1000,
  /** The Long Tasks API reports tasks over 50 ms: any entry misses the goal. */
  longTask: 50,
  /** Main-thread busy share: training (any size), and playback (any size, speed, window). */
  busy: 0.5,
  playbackBusy: 0.15,
  /**
   * The CPU-throttled playback at 60/s (4x, a slow laptop): the frame interval's median in
   * refreshes, and the longest task.
   */
  throttleRate: 4,
  throttleSpeed: "60",
  throttledFrames: 2,
  throttledLongTask: 50,
  frameTolerance: 0.1,
  drawMedian: 16,
  /** A bad state file chosen → its message; an image file (bad or huge) → its answer. */
  fileMessage: 4000,
  imageFile: 2000,
  drawP95: 33,
};
