// The formula, weight-maps and recurrent views at a phone's width (390 px): nothing spills out.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";
import { expectCleanPage, ready } from "./views";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("the views at phone width", () => {
  test("nothing spills out of the three panels at 390 px", async () => {
    const app = await openApp(browser, { width: 390, height: 844 });
    await ready(app);
    for (const id of ["formula", "weight-maps", "recurrent"]) {
      const overflow = await app.page.locator(`#${id}`).evaluate((el) => {
        const box = el.getBoundingClientRect();
        let worst = 0;
        for (const child of el.querySelectorAll("*")) {
          // The table may scroll sideways inside its own wrapper.
          if (child.closest(".recurrent-table-wrap")) continue;
          const r = child.getBoundingClientRect();
          if (r.width > 0) worst = Math.max(worst, r.right - box.right);
        }
        return worst;
      });
      expect(overflow, id).toBeLessThanOrEqual(0);
    }
    await expectCleanPage(app);
  });
});
