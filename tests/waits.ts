/**
 * How long the browser tests wait for anything the app computes: one figure for every wait on
 * the engine, generous enough for a machine four times slower than a developer's or for two
 * suites sharing two cores. A test never asserts how fast the app is (bench/ measures that);
 * it waits for the app's own signals, with this timeout.
 *
 * CONVSWEEP_CPU_THROTTLE=4 runs the Chromium pages under a 4x CPU throttle (browser.ts), and
 * stretches every wait and test timeout by the same factor.
 */

/** The CPU throttle of the Chromium pages (1: none). */
export const SLOWDOWN = Math.max(1, Number(process.env.CONVSWEEP_CPU_THROTTLE ?? 1) || 1);

/** The longest wait for one thing the app computes (a sweep, a chunk, a message), in ms. */
export const WAIT_MS = 30_000 * SLOWDOWN;

/** A browser test's (and its hooks') own time limit, in ms. */
export const TEST_MS = 180_000 * SLOWDOWN;

/**
 * Whether the app says it is ready, evaluated in the page (self-contained, so both drivers can
 * send it there): its status line shows a sweep ("Position P of N" with N > 0, not computing)
 * and no placeholder of a chunk still loading (`data-pending`) is left.
 */
export function appIsReady(): boolean {
  return (
    /^Position \d+ of [1-9]\d*$/.test(document.querySelector("output.status")?.textContent ?? "") &&
    document.querySelector("[data-pending]") === null
  );
}
