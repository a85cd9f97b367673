import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  conv2d,
  conv2dBackward,
  createGrid,
  type Grid,
  sgdUpdate,
  squaredErrorGrad,
  squaredErrorLoss,
} from "../../src/engine/index";
import { type AppPage, launchChromium, openApp } from "./browser";
import { gridOf as grid } from "./invariants";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function ready(app: AppPage): Promise<Page> {
  const { page } = app;
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/Position 0 of 900/);
  await expect
    .poll(() => page.getByRole("button", { name: "Step", exact: true }).isEnabled())
    .toBe(true);
  return page;
}

async function status(page: Page): Promise<string> {
  return (await page.getByRole("status").textContent()) ?? "";
}

/** The position the status line shows. */
async function shownPosition(page: Page): Promise<number> {
  return Number(/Position (\d+)/.exec(await status(page))?.[1]);
}

/**
 * Resolves once the page has drawn animation frames spanning `ms` of frame time. Playback
 * advances on animation frames by the time between them times the speed, so a sweep still
 * playing at 60/s moves about 60 * ms / 1000 positions within them.
 */
async function framesSpanning(page: Page, ms: number): Promise<void> {
  await page.evaluate(
    (span) =>
      new Promise<void>((resolve) => {
        let first: number | null = null;
        const frame = (now: number) => {
          first ??= now;
          if (now - first >= span) resolve();
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    ms,
  );
}

/** Clicks Export and returns the downloaded state file's text. */
async function exportState(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("convsweep-state.json");
  const path = await download.path();
  return readFile(path, "utf8");
}

async function importFile(page: Page, text: string): Promise<void> {
  const path = join(tmpdir(), `convsweep-import-${process.pid}-${Date.now()}.json`);
  await writeFile(path, text);
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: "Import" }).click(),
  ]);
  await chooser.setFiles(path);
}

async function canvasSum(page: Page, label: string): Promise<number> {
  return page.getByRole("img", { name: label }).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const px = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? [];
    let s = 0;
    for (let i = 0; i < px.length; i += 4) s += px[i] as number;
    return s;
  });
}

describe("the visualizer in Chromium", () => {
  // Chromium reports moves as they happen (pointerrawupdate) on a secure origin; elsewhere the
  // input draws from pointermove. Both must draw the same stroke.
  test.each([
    ["with pointerrawupdate", undefined],
    [
      "with pointermove alone",
      () => {
        // An own property of the window object in Chromium.
        // biome-ignore lint/suspicious/noExplicitAny: removing a property the types declare.
        delete (window as any).onpointerrawupdate;
      },
    ],
  ])("drawing a stroke changes the input image, %s", async (_, initScript) => {
    const app = await openApp(browser, initScript ? { initScript } : {});
    const raw = await app.page.evaluate(() => "onpointerrawupdate" in window);
    expect(raw).toBe(initScript === undefined);
    const page = await ready(app);
    await page.getByRole("button", { name: "Clear" }).click();
    const before = await canvasSum(page, "Input image");
    const box = await page.getByRole("img", { name: "Input image" }).boundingBox();
    if (box === null) throw new Error("no input canvas");
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 12 });
    await page.mouse.up();
    await expect.poll(() => canvasSum(page, "Input image")).toBeGreaterThan(before + 255 * 10);
    const doc = JSON.parse(await exportState(page));
    const row = 16;
    const painted = doc.image.data.slice(row * 32 + 8, row * 32 + 24);
    expect(painted.every((v: number) => v === 1)).toBe(true);
    expect(app.errors).toEqual([]);
  });

  test("step, step back, scrub, keys, play and pause move the position", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const stepButton = page.getByRole("button", { name: "Step", exact: true });
    await stepButton.click();
    await stepButton.click();
    await stepButton.click();
    expect(await status(page)).toMatch(/Position 3 of 900/);
    await page.getByRole("button", { name: "Step back" }).click();
    expect(await status(page)).toMatch(/Position 2 of 900/);
    await page.getByRole("slider", { name: "Position" }).fill("450");
    expect(await status(page)).toMatch(/Position 450 of 900/);
    await page.getByRole("slider", { name: "Position" }).fill("120");
    expect(await status(page)).toMatch(/Position 120 of 900/);
    // Page-wide keys act when focus is not in a control.
    await page.locator("h1").click();
    await page.keyboard.press("ArrowRight");
    expect(await status(page)).toMatch(/Position 121 of 900/);
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    expect(await status(page)).toMatch(/Position 119 of 900/);
    await page.keyboard.press("End");
    expect(await status(page)).toMatch(/Position 900 of 900/);
    await page.keyboard.press("Home");
    expect(await status(page)).toMatch(/Position 0 of 900/);
    await page.getByRole("button", { name: "Play" }).click();
    await expect.poll(() => shownPosition(page)).toBeGreaterThan(5);
    // The check used after Pause below sees a playing sweep move.
    const playingAt = await shownPosition(page);
    await framesSpanning(page, 300);
    expect(await shownPosition(page)).toBeGreaterThan(playingAt);
    // Playing, the per-position numbers carry no exact-value title (a tooltip would show a
    // value already gone); paused, every one does again, with the value it shows.
    const titled = page.locator("#this-position td[title], #running-sum td[title]");
    expect(await titled.count()).toBe(0);
    await page.getByRole("button", { name: "Pause" }).click();
    const paused = await status(page);
    await expect.poll(() => titled.count()).toBe(36);
    const cell = page.locator("#running-sum td").first();
    const exact = Number(
      ((await cell.getAttribute("title")) ?? "").split("= ")[1]?.replace(/−/g, "-"),
    );
    const shown = Number(((await cell.locator(".value").textContent()) ?? "").replace(/−/g, "-"));
    expect(Math.abs(exact - shown)).toBeLessThanOrEqual(Math.abs(exact) * 1e-3);
    // Paused, the same 300 ms of animation frames (about 18 positions at 60/s) move nothing.
    await framesSpanning(page, 300);
    expect(await status(page)).toBe(paused);
    await page.keyboard.press(" ");
    await expect.poll(() => page.getByRole("button", { name: "Pause" }).count()).toBe(1);
    await page.keyboard.press(" ");
    await expect.poll(() => page.getByRole("button", { name: "Play" }).count()).toBe(1);
    expect(app.errors).toEqual([]);
  });

  test("a finished sweep exports exactly the engine's gradients, and Apply update moves the kernel", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    await page.getByRole("button", { name: "Finish sweep" }).click();
    expect(await status(page)).toMatch(/Position 900 of 900/);
    const doc = JSON.parse(await exportState(page));
    expect(doc.format).toBe("convsweep-state");
    expect(doc.position).toBe(900);
    const image = grid(doc.image);
    const kernel = grid(doc.kernel);
    const target = grid(doc.target);
    const out = conv2d(image, kernel, doc.bias);
    const grads = conv2dBackward(image, kernel, squaredErrorGrad(out, target, "sum"));
    expect(doc.sums.kernelGrad.data).toEqual(Array.from(grads.kernelGrad.data));
    expect(doc.sums.biasGrad).toBe(grads.biasGrad);
    expect(doc.sums.inputGrad.data).toEqual(Array.from(grads.inputGrad.data));

    await page.getByRole("button", { name: "Apply update" }).click();
    await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
    const after = JSON.parse(await exportState(page));
    const want = sgdUpdate(
      { kernel, bias: doc.bias },
      grads.kernelGrad,
      grads.biasGrad,
      doc.learningRate,
    );
    expect(after.kernel.data).toEqual(Array.from(want.kernel.data));
    expect(after.bias).toBe(want.bias);
    expect(after.updates).toBe(1);
    expect(app.errors).toEqual([]);
  });

  test("an imported state file is shown and exported unchanged", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    // A state made outside the app: another image, kernel and position.
    await page.getByRole("slider", { name: "Position" }).fill("77");
    const doc = JSON.parse(await exportState(page));
    const image = createGrid(32, 32);
    for (let i = 0; i < image.data.length; i++) image.data[i] = ((i * 7919) % 101) / 100;
    const kernel = createGrid(
      3,
      3,
      Float64Array.from([0.5, -0.25, 0.125, 0, 1, -1, 0.3, 0.2, 0.1]),
    );
    const target = conv2d(
      image,
      createGrid(3, 3, Float64Array.from([1, 0, -1, 2, 0, -2, 1, 0, -1])),
      0,
    );
    const delta = squaredErrorGrad(conv2d(image, kernel, 0.1), target, "sum");
    const position = 333;
    const kg = new Float64Array(9);
    let bg = 0;
    const ig = new Float64Array(1024);
    // Sum of the first 333 positions, in row-major order.
    for (let p = 0; p < position; p++) {
      const r = Math.floor(p / 30);
      const c = p % 30;
      const d = delta.data[p] as number;
      bg += d;
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) {
          kg[a * 3 + b] =
            (kg[a * 3 + b] as number) + d * (image.data[(r + a) * 32 + c + b] as number);
          ig[(r + a) * 32 + c + b] =
            (ig[(r + a) * 32 + c + b] as number) + d * (kernel.data[a * 3 + b] as number);
        }
    }
    const g = (x: Grid) => ({ height: x.height, width: x.width, data: Array.from(x.data) });
    const file = {
      ...doc,
      image: g(image),
      kernel: g(kernel),
      bias: 0.1,
      target: g(target),
      targetKernel: { height: 3, width: 3, data: [1, 0, -1, 2, 0, -2, 1, 0, -1] },
      learningRate: 0.0003,
      updates: 5,
      position,
      sums: {
        kernelGrad: { height: 3, width: 3, data: Array.from(kg) },
        biasGrad: bg,
        inputGrad: { height: 32, width: 32, data: Array.from(ig) },
      },
    };
    const text = `${JSON.stringify(file)}\n`;
    await importFile(page, text);
    await expect.poll(() => status(page)).toMatch(/Position 333 of 900/);
    expect(await exportState(page)).toBe(text);

    // A broken file: a message, and nothing changes.
    await importFile(page, text.replace('"version":1', '"version":7'));
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/version/);
    expect(await exportState(page)).toBe(text);
    expect(app.errors).toEqual([]);
  });

  test("training 200 steps on the vertical-edge target lowers the loss at least 10x", async () => {
    const app = await openApp(browser);
    const page = await ready(app);
    const before = JSON.parse(await exportState(page));
    expect(before.targetKernel.data).toEqual([1, 0, -1, 2, 0, -2, 1, 0, -1]);
    const loss = (doc: typeof before) =>
      squaredErrorLoss(
        conv2d(grid(doc.image), grid(doc.kernel), doc.bias),
        grid(doc.target),
        "sum",
      );
    await page.getByRole("spinbutton", { name: "Steps" }).fill("200");
    await page.getByRole("button", { name: "Train", exact: true }).click();
    await expect
      .poll(() => page.getByRole("button", { name: "Train", exact: true }).count())
      .toBe(1);
    await expect.poll(() => status(page)).toMatch(/Position 0 of 900$/);
    const after = JSON.parse(await exportState(page));
    expect(after.updates).toBe(200);
    expect(loss(before) / loss(after)).toBeGreaterThan(10);
    await expect
      .poll(() => page.getByRole("img", { name: /Loss curve/ }).getAttribute("aria-label"))
      .toMatch(/201 points/);
    expect(app.errors).toEqual([]);
  });
});
