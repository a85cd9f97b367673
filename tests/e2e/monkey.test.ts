// A seeded monkey: 2,000 random actions on the built app, with the invariants checked every
// 100 actions and no console error or uncaught exception allowed.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { seededRandom } from "../../src/state/random";
import { launchChromium, openApp } from "./browser";
import { expectSumsExact, exportDoc } from "./invariants";

const ACTIONS = 2000;
const CHECK_EVERY = 100;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

type Action = (page: Page, r: () => number) => Promise<void>;

const click =
  (name: string, exact = false): Action =>
  async (page) => {
    const button = page.getByRole("button", { name, exact });
    if ((await button.count()) === 1 && (await button.isEnabled()))
      await button.click({ timeout: 500 });
  };

const key =
  (k: string): Action =>
  async (page) => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press(k);
  };

const ACTION_TABLE: [number, string, Action][] = [
  [10, "step", click("Step", true)],
  [5, "step back", click("Step back")],
  [
    4,
    "play/pause",
    async (page) => {
      const play = page.getByRole("button", { name: /^(Play|Pause)$/ });
      if (await play.isEnabled()) await play.click({ timeout: 500 });
    },
  ],
  [3, "finish sweep", click("Finish sweep")],
  [3, "apply update", click("Apply update")],
  [1, "reset", click("Reset")],
  [
    6,
    "scrub",
    async (page, r) => {
      const slider = page.getByRole("slider", { name: "Position" });
      if (!(await slider.isEnabled())) return;
      const max = Number(await slider.getAttribute("max"));
      await slider.fill(String(Math.floor(r() * (max + 1))));
    },
  ],
  [
    4,
    "keys",
    async (page, r) => {
      const keys = ["ArrowRight", "ArrowLeft", "Home", "End", " ", "Enter"];
      await key(keys[Math.floor(r() * keys.length)] as string)(page, r);
    },
  ],
  [
    3,
    "preset",
    async (page, r) => {
      const presets = ["digit", "edge", "checkerboard", "gradient", "noise"];
      await page
        .getByRole("combobox", { name: "Preset" })
        .selectOption(presets[Math.floor(r() * presets.length)] as string);
    },
  ],
  [
    4,
    "stroke",
    async (page, r) => {
      const box = await page.getByRole("img", { name: "Input image" }).boundingBox();
      if (box === null) return;
      await page.mouse.move(box.x + box.width * r(), box.y + box.height * r());
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * r(), box.y + box.height * r(), { steps: 3 });
      await page.mouse.up();
    },
  ],
  [
    2,
    "option",
    async (page, r) => {
      const group = ["Stride", "Padding", "Dilation"][Math.floor(r() * 3)] as string;
      const radios = page
        .locator("#options")
        .getByRole("group", { name: group })
        .getByRole("radio");
      const n = await radios.count();
      const radio = radios.nth(Math.floor(r() * n));
      // A click, not check(): training can disable the radios between the test and the click, and
      // then the app rightly leaves the option as it was.
      if (await radio.isEnabled()) await radio.click({ timeout: 500 });
    },
  ],
  [
    2,
    "train",
    async (page, r) => {
      const train = page.getByRole("button", { name: "Train", exact: true });
      if ((await train.count()) === 0) {
        await page.getByRole("button", { name: "Stop training" }).click({ timeout: 500 });
        return;
      }
      await page.getByRole("spinbutton", { name: "Steps" }).fill(String(1 + Math.floor(r() * 300)));
      await train.click({ timeout: 500 });
    },
  ],
  [
    1,
    "reduction",
    async (page, r) => {
      await page.getByRole("combobox", { name: "Loss" }).selectOption(r() < 0.5 ? "sum" : "mean");
    },
  ],
  [1, "theme", click("Theme")],
  [1, "dismiss", click("Dismiss message")],
];

function pick(r: () => number): [string, Action] {
  const total = ACTION_TABLE.reduce((s, [w]) => s + w, 0);
  let x = r() * total;
  for (const [w, name, action] of ACTION_TABLE) {
    x -= w;
    if (x < 0) return [name, action];
  }
  const [, name, action] = ACTION_TABLE[0] as [number, string, Action];
  return [name, action];
}

/** Rethrows anything but Playwright's TimeoutError. */
function unlessTimeout(error: unknown): void {
  if (!(error instanceof Error && error.name === "TimeoutError")) throw error;
}

/** Stops playback and training, waits for the sweep, then checks the exported state. */
async function checkInvariants(page: Page): Promise<void> {
  // Playback or training can end on its own between seeing its button and clicking it: the
  // button is then gone, and the polls below see the app at rest all the same.
  for (const name of ["Pause", "Stop training"]) {
    const button = page.getByRole("button", { name });
    if ((await button.count()) === 1) await button.click({ timeout: 2000 }).catch(unlessTimeout);
  }
  await expect
    .poll(() => page.getByRole("button", { name: "Train", exact: true }).count(), {
      timeout: 30_000,
    })
    .toBe(1);
  await expect
    .poll(() => page.getByRole("status").textContent(), { timeout: 20_000 })
    .toMatch(/^Position \d+ of \d+$/);
  const doc = await exportDoc(page);
  const total = Number(/of (\d+)$/.exec((await page.getByRole("status").textContent()) ?? "")?.[1]);
  expect(doc.position).toBeLessThanOrEqual(total);
  expectSumsExact(doc);
  expect(await page.locator("body").textContent()).not.toMatch(/NaN/);
}

test(`${ACTIONS} seeded random actions: no error, invariants hold every ${CHECK_EVERY}`, async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await page.getByRole("button", { name: "Skip the tour" }).click();
  const r = seededRandom(20261126);
  const log: string[] = [];
  const missed: string[] = [];
  for (let i = 1; i <= ACTIONS; i++) {
    const [name, action] = pick(r);
    log.push(name);
    try {
      await action(page, r);
    } catch (error) {
      // A control can vanish or be re-rendered between finding and clicking it (the monkey
      // does not wait for anything): that is a race of the test, not a fault of the app.
      if (!(error instanceof Error && error.name === "TimeoutError")) throw error;
      missed.push(`${i} ${name}`);
    }
    if (i % CHECK_EVERY === 0) {
      await checkInvariants(page);
      expect(errors, `after action ${i} (${log.slice(-5).join(", ")})`).toEqual([]);
    }
  }
  // Nearly every action must have happened for the run to mean something.
  expect(missed.length, missed.join("; ")).toBeLessThan(ACTIONS / 50);
}, 600_000);
