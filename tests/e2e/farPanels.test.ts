// While a sweep plays, panels far off screen are not rendered (useFarPanels marks them with
// data-far, the CSS makes that content-visibility: hidden); near the screen and at rest they are.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";
import { ready } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The ids of the panels marked far, and how the browser renders each of them. */
const far = (page: Page) =>
  page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLElement>(".panel[data-far]"),
      (p) => `${p.id}:${getComputedStyle(p).contentVisibility}`,
    ).filter((p) => !p.startsWith(":")),
  );

describe("panels far off screen while a sweep plays", () => {
  test("are not rendered while it plays, come back near the screen, and are all shown at rest", async () => {
    const app = await openApp(browser, { width: 1280, height: 900 });
    const page = await ready(app);
    expect(await far(page)).toEqual([]);
    // Slowly: the sweep (90 s) goes on for the whole test, on a busy machine too.
    await page.getByLabel("Speed").selectOption("10");
    // Play marks the far panels before the page draws its next frame (the observer has
    // watched them at rest): that frame would otherwise hand the compositor every canvas.
    const beforeFirstFrame = await page.evaluate(async () => {
      const frame = () => new Promise((done) => requestAnimationFrame(done));
      await frame();
      await frame();
      await frame();
      // Clicked from a task of its own: the frame that follows is the first after Play.
      await new Promise((done) => setTimeout(done, 0));
      const play = Array.from(document.querySelectorAll("button")).find(
        (b) => b.textContent === "Play",
      );
      play?.click();
      await frame();
      return {
        played: play !== undefined,
        weightMaps: document.getElementById("weight-maps")?.hasAttribute("data-far"),
        input: document.getElementById("input")?.hasAttribute("data-far"),
      };
    });
    expect(beforeFirstFrame).toEqual({ played: true, weightMaps: true, input: false });
    // The weight maps are well below the first screen; the input is on it.
    await expect.poll(() => far(page)).toContain("weight-maps:hidden");
    expect(await far(page)).not.toContain("input:hidden");
    // Scrolled to, the weight maps are rendered again while the sweep goes on.
    await page.evaluate(() => document.getElementById("weight-maps")?.scrollIntoView());
    await expect.poll(() => far(page)).not.toContain("weight-maps:hidden");
    expect(await far(page)).toContain("input:hidden");
    expect(await page.getByRole("button", { name: "Pause" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => far(page)).toEqual([]);
    expect(app.errors).toEqual([]);
    await page.context().close();
  });
});
