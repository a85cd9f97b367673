// playback: WINDOW_S seconds at the Speed menu's highest speed, or at --speed=N (restarted when
// a sweep ends).
import { SPEED } from "./config.mjs";
import { keepRunning, measureWindow } from "./session.mjs";

export async function measurePlayback(page, cdp, refresh) {
  const speed = page.locator("label.speed select");
  const offered = await speed.evaluate((el) => [...el.options].map((o) => Number(o.value)));
  if (Number.isFinite(SPEED) && !offered.includes(SPEED)) {
    throw new Error(`--speed=${SPEED} is not on the Speed menu (${offered.join(", ")})`);
  }
  const fastest = Number.isFinite(SPEED) ? SPEED : Math.max(...offered);
  await speed.selectOption(String(fastest));
  const result = await measureWindow(
    page,
    cdp,
    refresh,
    () => page.evaluate(keepRunning, { container: ".controls", restart: "Play" }),
    // In the page, at once: the button may turn back to Play (a sweep ending) between a check
    // from here and a click.
    () =>
      page.evaluate(() =>
        [...document.querySelectorAll(".controls button")]
          .find((x) => x.textContent === "Pause")
          ?.click(),
      ),
  );
  return { ...result, speed: fastest };
}
