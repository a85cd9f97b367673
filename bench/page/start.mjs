// start: first contentful paint and the interactive moment, median of LOADS cold loads.
import { GOALS, VIEWPORT } from "./config.mjs";
import { openPage } from "./session.mjs";
import { median, met, ms } from "./stats.mjs";

const LOADS = 5;

/** Cold loads in fresh contexts (no cache, no offline worker): FCP and interactive. */
export async function measureStart(browser, url) {
  const runs = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const { page } = await openPage(context, url);
    await page.waitForFunction(() => window.__bench.viewsShown !== null, null, {
      timeout: 20_000,
    });
    runs.push(
      await page.evaluate(() => ({
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
        interactive: window.__bench.interactive,
        panelsShown: window.__bench.panelsShown,
        viewsShown: window.__bench.viewsShown,
        scriptsBeforeInteractive: performance
          .getEntriesByType("resource")
          .filter((e) => /\.js$/.test(e.name) && e.startTime < window.__bench.interactive)
          .map((e) => e.name.replace(/.*\//, "")),
      })),
    );
    await context.close();
  }
  return {
    fcp: median(runs.map((r) => r.fcp)),
    interactive: median(runs.map((r) => r.interactive)),
    panelsShown: median(runs.map((r) => r.panelsShown)),
    viewsShown: median(runs.map((r) => r.viewsShown)),
    worstFcp: Math.max(...runs.map((r) => r.fcp)),
    worstInteractive: Math.max(...runs.map((r) => r.interactive)),
    scripts: runs[0].scriptsBeforeInteractive,
  };
}

export function startRows(start, total) {
  return [
    [
      `start: first contentful paint (median of ${LOADS} cold loads; worst)`,
      `${ms(start.fcp)} (${ms(start.worstFcp)})`,
      `< ${GOALS.fcp} ms`,
      met(start.fcp < GOALS.fcp),
    ],
    [
      `start: interactive, Step enabled and "Position 0 of ${total}" (median; worst)`,
      `${ms(start.interactive)} (${ms(start.worstInteractive)})`,
      `< ${GOALS.interactive} ms`,
      met(start.interactive < GOALS.interactive),
    ],
    [
      "  the panels in the DOM (the app's first render; the paint before it is index.html's title)",
      ms(start.panelsShown),
      "",
      "",
    ],
    ["  views section shown (loaded after interactive)", ms(start.viewsShown), "", ""],
    ["  scripts requested before interactive", start.scripts.join(", ") || "—", "", ""],
  ];
}
