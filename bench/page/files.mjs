// files: a file chosen → the app's answer on screen (a message, or the image opened), for the
// bad and huge files a person may pick: a 50 MB "state file", a state file that is not JSON,
// text named .png, an SVG that claims 1,000,000 x 1,000,000 px, a 10,000 x 10,000 PNG.
// Timed in the page from the file input's change event (what a person's file picker starts)
// to the animation frame on which the answer's text is in the page, median of FILE_RUNS.
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GOALS, VIEWPORT } from "./config.mjs";
import { openPage, settle } from "./session.mjs";
import { median, met, ms } from "./stats.mjs";

const FILE_RUNS = 3;

/** Makes a 10,000 x 10,000 PNG in the page, left half black. */
function bigPng() {
  return (async () => {
    const c = new OffscreenCanvas(10000, 10000);
    const ctx = c.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 10000, 10000);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, 5000, 10000);
    const blob = await c.convertToBlob({ type: "image/png" });
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  })();
}

/** The cases: [label, button, file name, MIME type, contents, the answer's text]. */
async function cases(page) {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="1000000" height="1000000" viewBox="0 0 2 2"><rect width="2" height="2" fill="black"/></svg>';
  const big = join(tmpdir(), "convsweep-bench-50MB.json");
  await writeFile(big, Buffer.alloc(50 * 1024 * 1024, 32));
  return [
    ["state file of 50 MB → refused", "Import", big, null, null, "at most 5 MB"],
    [
      "state file that is not JSON → refused",
      "Import",
      "words.json",
      "application/json",
      Buffer.from("hello, world"),
      "not JSON",
    ],
    [
      "text named .png → refused",
      "Open image file",
      "words.png",
      "image/png",
      Buffer.from("not an image at all"),
      "could not decode",
    ],
    [
      "SVG of 10⁶ x 10⁶ px → opened as 32x32",
      "Open image file",
      "huge.svg",
      "image/svg+xml",
      Buffer.from(svg),
      "Opened huge.svg",
    ],
    [
      "PNG of 10,000 x 10,000 px → opened as 32x32",
      "Open image file",
      "big.png",
      "image/png",
      Buffer.from(await page.evaluate(bigPng)),
      "Opened big.png",
    ],
  ];
}

/** Chooses the file and returns ms from the input's change event to the frame with `answer`. */
async function timeOne(page, [, button, name, mimeType, buffer, answer]) {
  await page.evaluate(() => {
    window.__chosenAt = null;
    document.addEventListener(
      "change",
      () => {
        window.__chosenAt = performance.now();
      },
      { capture: true, once: true },
    );
  });
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: button }).first().click(),
  ]);
  await (buffer === null ? chooser.setFiles(name) : chooser.setFiles({ name, mimeType, buffer }));
  const handle = await page.waitForFunction(
    (text) =>
      window.__chosenAt !== null && document.body.textContent.includes(text)
        ? performance.now() - window.__chosenAt
        : false,
    answer,
    { polling: "raf", timeout: 120_000 },
  );
  const took = await handle.jsonValue();
  const dismiss = page.getByRole("button", { name: "Dismiss message" });
  if ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
  return took;
}

/** Each case FILE_RUNS times, in a fresh page of its own each round. */
export async function measureFiles(browser, url) {
  const times = new Map();
  for (let run = 0; run < FILE_RUNS; run++) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const { page } = await openPage(context, url);
    await settle(page);
    for (const c of await cases(page)) {
      const list = times.get(c[0]) ?? [];
      list.push(await timeOne(page, c));
      times.set(c[0], list);
    }
    await context.close();
  }
  return [...times].map(([label, list]) => ({
    label,
    median: median(list),
    worst: Math.max(...list),
  }));
}

export function filesRows(results) {
  return results.map((r) => {
    const goal = r.label.startsWith("state") ? GOALS.fileMessage : GOALS.imageFile;
    return [
      `files: ${r.label} (median of ${FILE_RUNS}; worst)`,
      `${ms(r.median)} (${ms(r.worst)})`,
      `< ${goal} ms`,
      met(r.median < goal),
    ];
  });
}
