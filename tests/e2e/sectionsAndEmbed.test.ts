// Deep links (#view=…), the table of contents, and ConvSweep embedded in a plain HTML page of
// another origin.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { serveStatic } from "../../scripts/static-server.mjs";
import { launchChromium, openApp } from "./browser";
import { exportDoc } from "./invariants";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const status = (page: Page) => page.getByRole("status").textContent();

/** True when the element's top is within the viewport. */
function inView(page: Page, id: string): Promise<boolean> {
  return page.evaluate((i) => {
    const el = document.getElementById(i);
    if (el === null) return false;
    const top = el.getBoundingClientRect().top;
    return top >= 0 && top < window.innerHeight;
  }, id);
}

test("#view=untied opens the page at the untied comparison", async () => {
  const { page, errors } = await openApp(browser, { hash: "#view=untied" });
  await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
  await expect.poll(() => inView(page, "untied")).toBe(true);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("untied-title");
  expect(errors).toEqual([]);
});

test("the contents list jumps to a section and the address names it", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
  const skip = page.getByRole("button", { name: "Skip the tour" });
  if (await skip.count()) await skip.click();
  const nav = page.getByRole("navigation", { name: "Contents" });
  await nav.getByText("Contents").click();
  await nav.getByRole("link", { name: "The gradient check" }).click();
  await expect.poll(() => inView(page, "gradient-check")).toBe(true);
  expect(new URL(page.url()).hash).toBe("#view=gradient-check");
  expect(errors).toEqual([]);
});

test("Copy link after opening a section gives a link to that section with the same state", async () => {
  const { page, errors } = await openApp(browser);
  await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
  for (let i = 0; i < 4; i++) await page.getByRole("button", { name: "Step", exact: true }).click();
  await expect.poll(() => status(page)).toMatch(/Position 4 of 900/);
  const doc = await exportDoc(page);
  const skip = page.getByRole("button", { name: "Skip the tour" });
  if (await skip.count()) await skip.click();
  const nav = page.getByRole("navigation", { name: "Contents" });
  await nav.getByText("Contents").click();
  await nav.getByRole("link", { name: "Sum or mean" }).click();
  await expect.poll(() => inView(page, "reduction")).toBe(true);
  await page.getByRole("button", { name: "Copy link" }).click();
  const link = await page.getByRole("textbox", { name: "Link to this state" }).inputValue();
  expect(link).toMatch(/#view=reduction&state=/);
  const other = await openApp(browser, { hash: link.slice(link.indexOf("#")) });
  await expect.poll(() => status(other.page)).toMatch(/Position 4 of 900/);
  await expect.poll(() => inView(other.page, "reduction")).toBe(true);
  expect(await exportDoc(other.page)).toEqual(doc);
  expect([...errors, ...other.errors]).toEqual([]);
});

test("embedded in a course page of another origin: one section, keys inside the frame", async () => {
  // The state to embed: four positions into a sweep of the checkerboard.
  const { page } = await openApp(browser);
  await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
  await page.getByRole("combobox", { name: "Preset" }).selectOption("checkerboard");
  await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
  for (let i = 0; i < 4; i++) await page.getByRole("button", { name: "Step", exact: true }).click();
  await page.getByRole("button", { name: "Copy embed code" }).click();
  const snippet = await page.getByRole("textbox", { name: "Embed code" }).inputValue();
  expect(snippet).toMatch(
    /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#embed=figure&amp;state=[\w-]+" title="ConvSweep: The sweep"/,
  );

  // A plain HTML page on another origin (another port) carrying the snippet as it was given.
  const dir = mkdtempSync(join(tmpdir(), "convsweep-course-"));
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Week 5: convolutions</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}</style></head>
<body><h1>Week 5: why one filter has one gradient</h1>
<p>Step through the sweep below: every position adds its terms into the same buffer.</p>
${snippet}
<p>Questions? Ask in the forum.</p></body></html>`,
  );
  const course = await serveStatic(dir);
  try {
    const host = await openApp(browser, { width: 1100, height: 900 });
    await host.page.goto(course.url);
    const frame = host.page.frameLocator("iframe[title='ConvSweep: The sweep']");
    await expect.poll(() => frame.getByRole("status").textContent()).toMatch(/Position 4 of 900/);
    // Little chrome: the controls and the sweep's panels, no header, no views below.
    expect(await frame.getByRole("heading", { name: "ConvSweep" }).count()).toBe(0);
    expect(await frame.getByRole("heading", { name: "The next questions" }).count()).toBe(0);
    expect(await frame.locator("#running-sum").count()).toBe(1);
    // The figure opens as its author left it, without a notice that it was opened from a link.
    expect(await frame.getByText("Opened the shared state from the link").count()).toBe(0);
    // Keys act inside the frame once it has focus.
    await frame.locator("#running-sum h2").click();
    await host.page.keyboard.press("ArrowRight");
    await expect.poll(() => frame.getByRole("status").textContent()).toMatch(/Position 5 of 900/);
    // The embedded copy saves nothing: the person's own saved work is never overwritten.
    await host.page.waitForTimeout(600);
    const saved = await frame
      .locator("body")
      .evaluate(() => localStorage.getItem("convsweep-saved"));
    expect(saved).toBeNull();
    if (process.env.CONVSWEEP_SCREENSHOTS) {
      await host.page.screenshot({ path: join(process.env.CONVSWEEP_SCREENSHOTS, "embedded.png") });
    }
    expect(host.errors).toEqual([]);
  } finally {
    await course.close();
  }
});

test("an embedded view fits a 320x240 frame and scrolls inside it", async () => {
  const { page, errors } = await openApp(browser, {
    width: 320,
    height: 240,
    hash: "#embed=gradient-check",
  });
  await expect.poll(() => status(page)).toMatch(/Position 0 of 900/);
  await expect.poll(() => page.locator("#gradient-check").count()).toBe(1);
  const overflowX = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflowX).toBeLessThanOrEqual(0);
  await page.getByRole("button", { name: "Check the gradient" }).click();
  await expect.poll(() => page.getByText(/Max relative error/).count()).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test("the real network embeds with its own settings and without the main sweep's controls", async () => {
  // K 4, batch 32, η 0.05, seed 5, test digit 7, filter 3, in a link made before the layers
  // were editable (K, K2, stride, padding first); the page writes it in today's form.
  const old = "4~0~1~0~32~0.05~0.9~mean~5~test~7~1~2~1~1000";
  const net = "c3x3k4s1p0d1.r.m2s2.f.d10~32~0.05~0.9~mean~5~test~7~0~2~1~1000";
  const { page } = await openApp(browser, { hash: `#view=network&net=${old}` });
  const filtersOf = (p: typeof page) =>
    p.locator("#network-layers").getByRole("spinbutton", { name: "Filters" }).first();
  await expect.poll(() => filtersOf(page).inputValue()).toBe("4");
  await page.getByRole("button", { name: "Copy embed code" }).click();
  const snippet = await page.getByRole("textbox", { name: "Embed code" }).inputValue();
  const src = /src="([^"]+)"/.exec(snippet)?.[1]?.replace(/&amp;/g, "&") ?? "";
  expect(snippet).toContain('title="ConvSweep: Inside a real network"');
  expect(new URLSearchParams(src.split("#")[1]).get("net")).toBe(net);

  // An embedded network has no main sweep to wait for: its own fields are awaited below.
  const frame = await openApp(browser, {
    width: 640,
    height: 480,
    hash: `#${src.split("#")[1]}`,
    ready: false,
  });
  const embedded = frame.page;
  await expect.poll(() => embedded.getByLabel("Seed").inputValue()).toBe("5");
  expect(await filtersOf(embedded).inputValue()).toBe("4");
  await expect.poll(() => embedded.locator('[data-quantity="contributing"]').count()).toBe(1);
  // The main sweep's controls step another sweep: an embedded network leaves them out.
  expect(await embedded.getByRole("region", { name: "Sweep controls" }).count()).toBe(0);
  expect(await embedded.getByRole("heading", { name: "ConvSweep" }).count()).toBe(0);
  const overflowX = await embedded.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflowX).toBeLessThanOrEqual(0);
  // Its own link opens the whole app at the section, not another embedded copy.
  await embedded.getByRole("button", { name: "Link to these network settings" }).click();
  const link = await embedded
    .getByRole("textbox", { name: "Link to the network settings" })
    .inputValue();
  const linked = new URLSearchParams(link.split("#")[1]);
  expect([linked.get("view"), linked.get("embed"), linked.get("net")]).toEqual([
    "network",
    null,
    net,
  ]);
  expect(frame.errors).toEqual([]);
});
