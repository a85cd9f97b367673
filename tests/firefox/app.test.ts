// The built app in Debian's Firefox ESR: the same things a person does in
// Chromium, done in Firefox, with no console error. What differs is fixed in the app.
import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import type { Browser, ElementHandle, Page } from "puppeteer-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { serveStatic } from "../../scripts/static-server.mjs";
import { FOLDER_CLASSES, writeImageFolder } from "../e2e/imageFolder";
import { pngFile } from "../unit/app/imageFiles";
import { WAIT_MS } from "../waits";
import {
  appReady,
  button,
  click,
  download,
  launchFirefox,
  openApp,
  status,
  until,
} from "./firefox";

let browser: Browser;
beforeAll(async () => {
  browser = await launchFirefox();
});
afterAll(async () => {
  await browser?.close();
});

interface Doc {
  image: { height: number; width: number; data: number[] };
  kernel: { data: number[] };
  updates: number;
  position: number;
  sums: { kernelGrad: { data: number[] }; biasGrad: number };
}

async function ready(page: Page, position = 0, total = 900): Promise<void> {
  await until(
    async () => (await status(page)).includes(`Position ${position} of ${total}`),
    `Position ${position} of ${total}`,
  );
}

async function exportDoc(page: Page): Promise<Doc> {
  return JSON.parse(await download(page, () => click(page, "Export"))) as Doc;
}

async function notice(page: Page): Promise<string> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[role="alert"], .notice'), (n) => n.textContent).join(
      " ",
    ),
  );
}

/** Chooses a file for the file input whose accept list matches `accept`. */
async function chooseFile(page: Page, accept: string, path: string): Promise<void> {
  const input = await page.$(`input[type="file"][accept*="${accept}"]`);
  if (input === null) throw new Error(`no file input accepting ${accept}`);
  await (input as import("puppeteer-core").ElementHandle<HTMLInputElement>).uploadFile(path);
}

const scratch = mkdtempSync(join(tmpdir(), "convsweep-firefox-"));

test("steps, plays, finishes and applies an update", async () => {
  const { page, errors } = await openApp(browser, inject("baseURL"));
  await ready(page);
  await click(page, "Step");
  await click(page, "Step");
  await ready(page, 2);
  await click(page, "Play");
  await until(async () => !(await status(page)).includes("Position 2 of"), "playback moving");
  await click(page, "Pause");
  await click(page, "Finish sweep");
  await ready(page, 900);
  const before = await exportDoc(page);
  await click(page, "Apply update");
  await ready(page);
  const after = await exportDoc(page);
  expect(after.updates).toBe(1);
  expect(after.kernel.data).not.toEqual(before.kernel.data);
  expect(errors).toEqual([]);
});

test("drawing with pointer events paints the image, and its sweep follows", async () => {
  const { page, errors } = await openApp(browser, inject("baseURL"));
  await ready(page);
  await click(page, "Clear");
  await ready(page);
  const canvas = await page.$('canvas[aria-label^="Input image"]');
  const box = await canvas?.boundingBox();
  if (!canvas || !box) throw new Error("no input canvas");
  const before = await exportDoc(page);
  const cell = box.width / 32;
  await page.mouse.move(box.x + cell * 3.5, box.y + cell * 16.5);
  await page.mouse.down();
  for (let c = 4; c <= 28; c += 2)
    await page.mouse.move(box.x + cell * (c + 0.5), box.y + cell * 16.5);
  await page.mouse.up();
  await until(async () => {
    const doc = await exportDoc(page);
    return doc.image.data.some((v, i) => v !== before.image.data[i]);
  }, "the stroke in the exported image");
  const after = await exportDoc(page);
  // The row the stroke crossed is painted, cells 4 to 28 at least.
  for (let c = 4; c <= 28; c++) expect(after.image.data[16 * 32 + c]).toBe(1);
  expect(after.position).toBe(0);
  expect(errors).toEqual([]);
});

test("Train runs in the worker and counts its updates", async () => {
  const { page, errors } = await openApp(browser, inject("baseURL"));
  await ready(page);
  // The training panel is a chunk of its own: wait for its Steps field.
  const steps = await page.waitForSelector('input[type="number"]');
  if (steps === null) throw new Error("no Steps field");
  await steps.click({ count: 3 });
  await steps.type("300");
  await steps.press("Enter");
  await click(page, "Train");
  await until(async () => (await exportDoc(page)).updates === 300, "300 updates", 2 * WAIT_MS);
  expect(errors).toEqual([]);
});

test("Export, then Import of the same file, gives the same state", async () => {
  const { page, errors } = await openApp(browser, inject("baseURL"));
  await ready(page);
  for (let i = 0; i < 7; i++) await click(page, "Step");
  await ready(page, 7);
  const text = await download(page, () => click(page, "Export"));
  const doc = JSON.parse(text) as Doc;
  expect(doc.position).toBe(7);
  await click(page, "Reset");
  await ready(page);
  const path = join(scratch, "state.json");
  writeFileSync(path, text);
  await chooseFile(page, "json", path);
  await until(async () => (await notice(page)).includes("State imported."), "State imported.");
  await ready(page, 7);
  expect(await download(page, () => click(page, "Export"))).toBe(text);
  expect(errors).toEqual([]);
});

test("a shared link opens the same state in a new tab", async () => {
  const { page, errors } = await openApp(browser, inject("baseURL"));
  await ready(page);
  for (let i = 0; i < 5; i++) await click(page, "Step");
  await ready(page, 5);
  const text = await download(page, () => click(page, "Export"));
  await click(page, "Copy link");
  await until(
    async () => (await page.$('input[aria-label="Link to this state"]')) !== null,
    "the link",
  );
  const link = await page.$eval(
    'input[aria-label="Link to this state"]',
    (el) => (el as HTMLInputElement).value,
  );
  expect(link).toMatch(/#state=/);
  const other = await openApp(browser, link);
  await ready(other.page, 5);
  expect(await download(other.page, () => click(other.page, "Export"))).toBe(text);
  expect([...errors, ...other.errors]).toEqual([]);
});

test("an image file opens as the input", async () => {
  const { page, errors } = await openApp(browser, inject("baseURL"));
  await ready(page);
  const path = join(scratch, "stripes.png");
  writeFileSync(
    path,
    pngFile(64, 64, (r) => (r % 16 < 8 ? 255 : 0)),
  );
  await chooseFile(page, "image", path);
  await until(async () => /Opened/.test(await notice(page)), "the opened-image message");
  const doc = await exportDoc(page);
  expect(doc.image.height).toBe(32);
  // Rows of white and black bands, scaled by 1/2: row 0 white, row 5 black.
  expect(doc.image.data[0]).toBeCloseTo(1, 2);
  expect(doc.image.data[5 * 32]).toBeCloseTo(0, 2);
  expect(errors).toEqual([]);
});

test("after one visit the app works offline", async () => {
  const server = await serveStatic(process.env.CONVSWEEP_DIST ?? "dist");
  const { page, errors } = await openApp(browser, server.url);
  await ready(page);
  // The whole first visit, the views below included (their requests reach the worker), before
  // the server goes: what is fetched after it must come from the offline cache.
  await until(async () => (await page.$("::-p-text(Check the gradient)")) !== null, "the views");
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await until(
    () =>
      page.evaluate(async () => {
        const keys = await caches.keys();
        const cache = await caches.open(keys[0] ?? "none");
        const urls = (await cache.keys()).map((r) => r.url);
        return (
          urls.some((u) => /engine\.worker/.test(u)) && navigator.serviceWorker.controller !== null
        );
      }),
    "the offline cache",
  );
  await server.close();
  await page.reload();
  await ready(page);
  await click(page, "Finish sweep");
  await ready(page, 900);
  expect(errors).toEqual([]);
});

test("the views below load and the gradient check runs", async () => {
  const { page, errors } = await openApp(browser, inject("baseURL"));
  await ready(page);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await until(async () => (await page.$("::-p-text(Check the gradient)")) !== null, "the views");
  await click(page, "Check the gradient");
  await until(
    () => page.evaluate(() => /Max relative error/.test(document.body.textContent ?? "")),
    "the gradient check's verdict",
  );
  expect(errors).toEqual([]);
});

test("a deep link opens at its section; an embedded section takes keys", async () => {
  const deep = await openApp(browser, `${inject("baseURL")}#view=untied`);
  await ready(deep.page);
  await until(
    () =>
      deep.page.evaluate(() => {
        const top = document.getElementById("untied")?.getBoundingClientRect().top;
        return top !== undefined && top >= 0 && top < window.innerHeight;
      }),
    "the untied section in view",
  );
  const embedded = await openApp(browser, `${inject("baseURL")}#embed=figure`);
  await ready(embedded.page);
  expect(await embedded.page.$("h1")).toBeNull();
  expect(await embedded.page.$("#running-sum")).not.toBeNull();
  await embedded.page.click("#running-sum h2");
  await embedded.page.keyboard.press("ArrowRight");
  await ready(embedded.page, 1);
  expect([...deep.errors, ...embedded.errors]).toEqual([]);
});

test("Show as code downloads a NumPy script that runs and agrees", async () => {
  const { page, errors } = await openApp(browser, inject("baseURL"));
  await ready(page);
  await click(page, "Show as code");
  await until(async () => (await page.$("dialog[open] textarea")) !== null, "the code dialog");
  await click(page, "NumPy");
  const script = await download(page, () => click(page, "Download convsweep_numpy.py"));
  expect(script).toMatch(/import numpy as np/);
  const stdout = execFileSync("/usr/bin/python3", ["-"], { input: script, encoding: "utf8" });
  expect(stdout).toMatch(/IS the gradient: yes/);
  expect(errors).toEqual([]);
});

test("Show as code in the network section downloads NumPy and PyTorch scripts that agree", async () => {
  const { page, errors } = await openApp(browser, `${inject("baseURL")}#view=network`);
  const contributing = () =>
    page.evaluate(() =>
      Number(document.querySelector('[data-quantity="contributing"]')?.getAttribute("data-value")),
    );
  await until(async () => (await contributing()) > 0, "the sweep of a filter");
  const count = await contributing();
  // The page's Σδ over all positions: the filter's bias gradient for this image.
  await click(page, "All positions", "#network");
  const biasSum = () =>
    page.evaluate(() =>
      document.querySelector('[data-quantity="network-bias-sum"]')?.getAttribute("data-value"),
    );
  await until(async () => (await biasSum()) !== "0", "the sum over all positions");
  const bias = Number(await biasSum());
  await click(page, "Show as code", "#network");
  await until(async () => (await page.$("dialog[open] textarea")) !== null, "the code dialog");
  for (const [tab, file] of [
    ["NumPy", "convsweep_network_numpy.py"],
    ["PyTorch", "convsweep_network_pytorch.py"],
  ]) {
    await click(page, tab as string);
    const script = await download(page, () => click(page, `Download ${file}`));
    expect(script).toMatch(/^FILTER = 0 /m);
    const stdout = execFileSync("/usr/bin/python3", ["-"], {
      input: script,
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    expect(stdout).toContain(`${count} of 900 positions contribute`);
    expect(stdout).toMatch(/IS the gradient: yes/);
    const printed = JSON.parse(stdout.slice(stdout.indexOf("CONVSWEEP ") + 10));
    expect(Math.abs(printed.biasGrad - bias)).toBeLessThanOrEqual(
      1e-12 * Math.max(1, Math.abs(bias)),
    );
  }
  expect(errors).toEqual([]);
});

test("Inside a real network: train a few steps and see a test accuracy", async () => {
  const { page, errors } = await openApp(browser, `${inject("baseURL")}#view=network`);
  await until(
    async () => (await page.$('[data-quantity="test-accuracy"]')) !== null,
    "the network section",
  );
  // Two workers: the training worker starts a helper (a worker of the worker) to share each batch.
  const workers = await page.evaluateHandle(() => {
    const label = Array.from(document.querySelectorAll("label")).find((l) =>
      l.textContent?.startsWith("Workers"),
    );
    // The field is the label's control (inside it, or named by its for).
    return label?.control ?? null;
  });
  const field = workers.asElement() as ElementHandle<HTMLInputElement> | null;
  if (field === null) throw new Error("no Workers field");
  await field.click({ count: 3 });
  await field.type("2");
  await field.press("Enter");
  await until(async () => (await field.evaluate((el) => el.value)) === "2", "two workers set");
  await click(page, "Train network");
  await until(
    () =>
      page.evaluate(
        () =>
          Number(
            document.querySelector('[data-quantity="test-accuracy"]')?.getAttribute("data-value"),
          ) > 0,
      ),
    "a test accuracy",
  );
  await click(page, "Pause network");
  const text = await page.evaluate(
    () => document.querySelector('[data-quantity="test-accuracy"]')?.textContent ?? "",
  );
  expect(text).toMatch(/Test accuracy \d+\.\d%/);
  // Both workers summed some of each batch: Firefox runs the helper as a worker of the worker.
  const shares = await page.evaluate(
    () => document.querySelector('[data-quantity="network-shares"]')?.textContent ?? "",
  );
  expect(shares).toMatch(/^2 workers summed \d+ and \d+ images; one gradient\.$/);
  expect(errors).toEqual([]);
});

test("the layer editor: LeNet-5, then the sweep of its second conv layer to the engine's exact sums", async () => {
  const { page, errors } = await openApp(browser, `${inject("baseURL")}#view=network`);
  await until(async () => (await page.$("#network-layers")) !== null, "the layer editor");
  const select = async (selector: string, value: string) => {
    await page.select(selector, value);
  };
  // The preset menu is the editor's first select; the sweep's Layer menu names its conv layers.
  await select("#network-layers select", "leNet5");
  const parameters = () =>
    page.evaluate(
      () => document.querySelector('[data-quantity="network-parameters"]')?.textContent ?? "",
    );
  await until(async () => (await parameters()).startsWith("61,706 parameters"), "LeNet-5");
  const layerMenu = await page.evaluateHandle(() =>
    Array.from(document.querySelectorAll("#network-sweep label"))
      .find((l) => l.textContent?.startsWith("Layer"))
      ?.querySelector("select"),
  );
  const menu = layerMenu.asElement() as ElementHandle<HTMLSelectElement> | null;
  if (menu === null) throw new Error("no Layer menu");
  await menu.select("3");
  const contributing = () =>
    page.evaluate(
      () => document.querySelector('[data-quantity="contributing"]')?.textContent ?? "",
    );
  await until(
    async () => / of 100 positions contribute/.test(await contributing()),
    "layer 4's sweep",
  );
  await click(page, "All positions", "#network");
  await until(
    async () =>
      /to the last bit/.test(
        await page.evaluate(
          () => document.querySelector('[data-quantity="network-exact"]')?.textContent ?? "",
        ),
      ),
    "the sums equal the engine's gradient",
  );
  // Keyboard reorder: Alt+↓ on layer 1's handle puts the ReLU first.
  const handle = await page.$("#network-layers li .layer-handle");
  await handle?.focus();
  await page.keyboard.down("Alt");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.up("Alt");
  await until(
    () =>
      page.evaluate(
        () =>
          (document.querySelector("#network-layers li select") as HTMLSelectElement | null)
            ?.value === "relu",
      ),
    "the ReLU moved to the top",
  );
  expect(errors).toEqual([]);
});

test("Your images: a zip of a folder of colour images (a subfolder per class) trains above chance", async () => {
  // Firefox's WebDriver BiDi cannot choose a directory (input.setFiles: "Is directory"), so
  // the folder goes in as the zip a person would make of it, through the same file chooser.
  const root = writeImageFolder(join(scratch, "photos"));
  const files: Record<string, Uint8Array> = {};
  for (const name of Object.keys(FOLDER_CLASSES)) {
    for (const file of readdirSync(join(root, name))) {
      files[`photos/${name}/${file}`] = readFileSync(join(root, name, file));
    }
  }
  const zip = join(scratch, "photos.zip");
  writeFileSync(zip, zipSync(files, { level: 0 }));
  const { page, errors } = await openApp(browser, `${inject("baseURL")}#view=network`);
  await until(async () => (await page.$("#network-images")) !== null, "Your images");
  const input = await page.$('input[aria-label="Image files or a zip to open"]');
  await (input as ElementHandle<HTMLInputElement>).uploadFile(zip);
  const counts = () =>
    page.evaluate(
      () => document.querySelector('[data-quantity="image-set-counts"]')?.textContent ?? "",
    );
  await until(
    async () => /^2 classes, 60 images at 32x32: 48 for training, 12 held out/.test(await counts()),
    "the images' classes and counts",
  );
  await until(
    () =>
      page.evaluate(() =>
        /layer 1's input: red, green and blue/.test(
          document.querySelector("#network-sweep")?.textContent ?? "",
        ),
      ),
    "the colour image's sweep",
  );
  const accuracy = () =>
    page.evaluate(() =>
      Number(document.querySelector('[data-quantity="test-accuracy"]')?.getAttribute("data-value")),
    );
  const steps = () =>
    page.evaluate(() =>
      Number(
        (document.querySelector('[data-quantity="network-steps"]')?.textContent ?? "").replace(
          /\D/g,
          "",
        ),
      ),
    );
  await click(page, "Train network");
  await until(
    async () => (await accuracy()) >= 0.9 || (await steps()) > 400,
    "training",
    4 * WAIT_MS,
  );
  await click(page, "Pause network");
  expect(await accuracy()).toBeGreaterThanOrEqual(0.9);
  expect(errors).toEqual([]);
});

test("Use camera with Firefox's fake camera: pictures of two classes become the images", async () => {
  const withCamera = await launchFirefox({
    "media.navigator.streams.fake": true,
    "media.navigator.permission.disabled": true,
  });
  try {
    const { page, errors } = await openApp(withCamera, `${inject("baseURL")}#view=network`);
    await until(async () => (await page.$("#network-images")) !== null, "Your images");
    await click(page, "Use camera", "#network-images");
    const take = await button(page, "Take picture", "#network-images");
    await until(() => take.evaluate((b) => !(b as HTMLButtonElement).disabled), "the camera");
    const field = await page.$('#network-images input[list="camera-classes"]');
    if (field === null) throw new Error("no Class field");
    for (const name of ["left", "right"]) {
      await field.click({ count: 3 });
      await field.type(name);
      for (let i = 0; i < 3; i++) await take.click();
    }
    const pictures = () =>
      page.evaluate(
        () => document.querySelector('[data-quantity="camera-pictures"]')?.textContent ?? "",
      );
    await until(async () => (await pictures()) === "left: 3 · right: 3", "six pictures");
    await click(page, "Add 6 pictures to the images", "#network-images");
    await until(
      async () =>
        /^2 classes, 6 images at 32x32: 4 for training, 2 held out/.test(
          await page.evaluate(
            () => document.querySelector('[data-quantity="image-set-counts"]')?.textContent ?? "",
          ),
        ),
      "the pictures as images",
    );
    expect(errors).toEqual([]);
  } finally {
    await withCamera.close();
  }
});

/**
 * A copy of the build in a folder of its own, with one file of its assets (the one `pick`
 * names) moved away, as after a deploy or a partial upload; `back()` puts it back.
 */
function buildWithout(pick: (assets: string) => string): { dir: string; back: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "convsweep-firefox-part-"));
  cpSync(process.env.CONVSWEEP_DIST ?? "dist", dir, { recursive: true });
  const file = join(dir, "assets", pick(join(dir, "assets")));
  renameSync(file, `${file}.gone`);
  return { dir, back: () => renameSync(`${file}.gone`, file) };
}

test("Practice's code missing from the server: a message in its place; back, Try again or a reload loads it", async () => {
  // A copy of the build without Practice's chunk, as after a deploy or a partial upload.
  const { dir, back } = buildWithout((assets) => {
    const chunk = readdirSync(assets).find((f) => /^PracticeSection-.*\.js$/.test(f));
    if (chunk === undefined) throw new Error("the build has no PracticeSection chunk");
    return chunk;
  });
  const server = await serveStatic(dir);
  try {
    const { page } = await openApp(browser, server.url);
    const failed = () =>
      page.evaluate(() => document.querySelector(".part-failed")?.textContent ?? "");
    const practice = () => page.evaluate(() => document.querySelector(".practice") !== null);
    await click(page, "Practice");
    await until(
      async () => (await failed()).startsWith("Practice could not be loaded ("),
      "message",
    );
    // The rest of the page works on.
    await click(page, "Step");
    await until(async () => (await status(page)).includes("Position 1 of 900"), "a step");

    back();
    await click(page, "Try again");
    // Firefox keeps a failed module load for the page's life: then the message says to reload.
    await until(
      async () =>
        (await practice()) || (await failed()).startsWith("Practice could not be loaded again ("),
      "Practice, or the message to reload",
    );
    if (!(await practice())) {
      expect(await failed()).toMatch(/Reload the page to fetch it anew/);
      await page.reload();
      await appReady(page);
      await click(page, "Practice");
      await until(practice, "Practice after a reload");
    }
    expect(await failed()).toBe("");
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the worker's gradient-check code missing from the server: the check says so; back, a retry or a reload runs it", async () => {
  // A copy of the build without the worker's own chunk of the gradient check (the page's copy
  // of the module has another name), read from the worker's script.
  const { dir, back } = buildWithout((assets) => {
    const worker = readdirSync(assets).find((f) => /^engine\.worker-.*\.js$/.test(f));
    if (worker === undefined) throw new Error("the build has no engine worker");
    const chunk = readFileSync(join(assets, worker), "utf8").match(/gradientCheck-[\w-]+\.js/);
    if (chunk === null) throw new Error("the worker loads no gradientCheck chunk");
    return chunk[0];
  });
  const server = await serveStatic(dir);
  try {
    const { page } = await openApp(browser, server.url);
    const verdict = () =>
      page.evaluate(() => document.querySelector(".gc-verdict")?.textContent ?? "");
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await until(async () => (await page.$("::-p-text(Check the gradient)")) !== null, "the views");
    await click(page, "Check the gradient");
    await until(
      async () =>
        (await verdict()).startsWith(
          "The check failed: The gradient check's code could not be loaded (",
        ),
      "the message",
    );
    expect(await verdict()).toMatch(/Check the connection and try again/);

    back();
    await click(page, "Check the gradient");
    // Firefox may keep the failed load for the worker's life: then the message says to reload.
    const checked = async () => /^Max relative error/.test(await verdict());
    await until(
      async () => (await checked()) || /could not be loaded again/.test(await verdict()),
      "the check, or the message to reload",
    );
    if (!(await checked())) {
      expect(await verdict()).toMatch(/Reload the page to fetch it anew\.$/);
      await page.reload();
      await appReady(page);
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await until(async () => (await page.$("::-p-text(Check the gradient)")) !== null, "views");
      await click(page, "Check the gradient");
      await until(checked, "the check after a reload");
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
