// training: WINDOW_S seconds of Train (Steps = the box's maximum, restarted when a run ends).
import { keepRunning, measureWindow, settle } from "./session.mjs";

export async function measureTraining(page, cdp, refresh) {
  const box = page.getByRole("spinbutton", { name: "Steps" });
  const max = await box.getAttribute("max");
  await box.fill(max ?? "100000");
  const result = await measureWindow(
    page,
    cdp,
    refresh,
    () => page.evaluate(keepRunning, { container: ".training-settings", restart: "Train" }),
    async () => {
      const stop = page.getByRole("button", { name: "Stop training" });
      if (await stop.isVisible()) await stop.click();
      await page.getByRole("button", { name: "Train", exact: true }).waitFor();
      await settle(page);
    },
  );
  return { ...result, steps: Number(max) };
}
