// playback: WINDOW_S seconds at the Speed menu's highest speed (restarted when a sweep ends).
import { keepRunning, measureWindow } from "./session.mjs";

export async function measurePlayback(page, cdp, refresh) {
  const speed = page.locator("label.speed select");
  const fastest = await speed.evaluate((el) =>
    Math.max(...[...el.options].map((o) => Number(o.value))),
  );
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
