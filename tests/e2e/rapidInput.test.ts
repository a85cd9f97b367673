import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { conv2d, conv2dBackward, squaredErrorGrad } from "../../src/engine/index";
import { launchChromium, openApp, WAIT_MS } from "./browser";
import { expectSumsExact, exportDoc, gridOf, type StateDoc } from "./invariants";

// Files for the page to open, in a folder of this run's own: suites running side by side on
// one machine must not rewrite each other's files while a browser reads them.
const scratch = mkdtempSync(join(tmpdir(), "convsweep-rapid-"));

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const status = (page: Page) => page.getByRole("status").textContent();

async function settled(page: Page) {
  await expect.poll(() => status(page)).toMatch(/^Position \d+ of \d+$/);
}

async function stroke(page: Page, from: [number, number], to: [number, number]) {
  const box = await page.getByRole("img", { name: "Input image" }).boundingBox();
  if (box === null) throw new Error("no canvas");
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 8 });
  await page.mouse.up();
}

test("drawing while playing, and scrubbing while training, never show a stale sweep", async () => {
  const { page, errors } = await openApp(browser);
  await settled(page);
  await page.getByRole("combobox", { name: "Speed" }).selectOption("1800");
  await page.getByRole("button", { name: "Play" }).click();
  for (let i = 0; i < 6; i++) await stroke(page, [0.1 + 0.1 * i, 0.2], [0.2 + 0.1 * i, 0.8]);
  await settled(page);
  expectSumsExact(await exportDoc(page));

  await page.getByRole("spinbutton", { name: "Steps" }).fill("3000");
  await page.getByRole("button", { name: "Train", exact: true }).click();
  const slider = page.getByRole("slider", { name: "Position" });
  for (let i = 0; i < 20; i++) await slider.fill(String((i * 97) % 900));
  await expect
    .poll(() => page.getByRole("button", { name: "Train", exact: true }).count(), {
      timeout: 2 * WAIT_MS,
    })
    .toBe(1);
  await settled(page);
  await slider.fill("654");
  const doc = await exportDoc(page);
  expect(doc.updates).toBe(3000);
  expect(doc.position).toBe(654);
  expectSumsExact(doc);
  expect(errors).toEqual([]);
});

/** A state file of `base` at another position, with that position's exact sums. */
function atPosition(base: StateDoc, position: number): string {
  const out = conv2d(gridOf(base.image), gridOf(base.kernel), base.bias);
  const delta = squaredErrorGrad(out, gridOf(base.target), "sum");
  for (let p = position; p < delta.data.length; p++) delta.data[p] = 0;
  const g = conv2dBackward(gridOf(base.image), gridOf(base.kernel), delta);
  const sums = {
    kernelGrad: { height: 3, width: 3, data: Array.from(g.kernelGrad.data) },
    biasGrad: g.biasGrad,
    inputGrad: { height: 32, width: 32, data: Array.from(g.inputGrad.data) },
  };
  return JSON.stringify({ ...base, position, sums });
}

test("a hundred quick imports: the last one wins and its sums are exact", async () => {
  const { page, errors } = await openApp(browser);
  await settled(page);
  const base = await exportDoc(page);
  const positions = Array.from({ length: 100 }, (_, i) => (i * 37) % 900);
  const paths = await Promise.all(
    positions.map(async (position, i) => {
      const path = join(scratch, `${i}.json`);
      await writeFile(path, atPosition(base, position));
      return path;
    }),
  );
  // Straight into the file input, without waiting between files.
  const input = page.locator('input[type="file"][aria-label="State file to import"]');
  for (const path of paths) await input.setInputFiles(path);
  const last = positions[positions.length - 1] as number;
  await expect.poll(() => status(page)).toBe(`Position ${last} of 900`);
  const doc = await exportDoc(page);
  expect(doc.position).toBe(last);
  expectSumsExact(doc);
  expect(await page.getByRole("alert").count()).toBe(0);
  expect(errors).toEqual([]);
});

test("views off screen wait while the slider or a stroke is dragged, and catch up on release", async () => {
  const { page, errors } = await openApp(browser);
  await settled(page);
  const count = page.locator("#formula .formula-count strong");
  await expect.poll(() => count.textContent()).toBe("0 of 900 terms");
  expect(await count.evaluate((el) => el.getBoundingClientRect().top > innerHeight)).toBe(true);

  // The Position slider, dragged from its start to about two thirds, then let go.
  const slider = page.getByRole("slider", { name: "Position" });
  const box = await slider.boundingBox();
  if (box === null) throw new Error("no slider");
  await page.mouse.move(box.x + 6, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.66, box.y + box.height / 2, { steps: 10 });
  await expect.poll(() => status(page)).not.toBe("Position 0 of 900");
  expect(await count.textContent()).toBe("0 of 900 terms");
  await page.mouse.up();
  // Released: the formula catches up with the position the drag ended on (a busy page may
  // still be landing the drag's last move when the button goes up).
  const shownPosition = async () => Number(/Position (\d+)/.exec((await status(page)) ?? "")?.[1]);
  await expect
    .poll(async () => (await count.textContent()) === `${await shownPosition()} of 900 terms`)
    .toBe(true);
  const moved = await shownPosition();
  expect(moved).toBeGreaterThan(300);

  // A stroke on the input: the sweep restarts at 0 on screen; the formula follows on release.
  // But when a stroke's sweep takes longer than the stroke waits for it (a busy machine), the
  // image is shown alone and the formula says "Computing the sweep…"; rendered anew when the
  // sweep lands, it shows the sums there are, at position 0. The page notes that it did.
  await page.evaluate(() => {
    const formula = document.getElementById("formula");
    if (formula === null) throw new Error("no formula");
    const seen = new MutationObserver(() => {
      if (formula.querySelector(".placeholder-text") === null) return;
      (window as { formulaRedrawn?: boolean }).formulaRedrawn = true;
      seen.disconnect();
    });
    seen.observe(formula, { childList: true, subtree: true });
  });
  const input = await page.getByRole("img", { name: "Input image" }).boundingBox();
  if (input === null) throw new Error("no canvas");
  await page.mouse.move(input.x + input.width * 0.1, input.y + input.height * 0.9);
  await page.mouse.down();
  await page.mouse.move(input.x + input.width * 0.9, input.y + input.height * 0.9, { steps: 8 });
  await expect.poll(() => status(page)).toBe("Position 0 of 900");
  const during = await count.textContent();
  if (during !== `${moved} of 900 terms`) {
    expect(await page.evaluate(() => (window as { formulaRedrawn?: boolean }).formulaRedrawn)).toBe(
      true,
    );
    expect(during).toBe("0 of 900 terms");
  }
  await page.mouse.up();
  await expect.poll(() => count.textContent()).toBe("0 of 900 terms");
  expectSumsExact(await exportDoc(page));
  expect(errors).toEqual([]);
});
