// A part of the page whose code cannot be fetched (the connection dropped, or ConvSweep was
// updated since the page was opened and the old chunk is gone) says so in its place, with Try
// again; the rest of the page works on. Before lazyPart.tsx, such a failure took the whole page
// away (React unmounts the root on an error no boundary catches): a blank page.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium, openApp } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test("Practice's code cannot be fetched: a message in its place, the sweep works on, Try again loads it", async () => {
  // No offline cache: its copy of the chunk would answer instead of the network.
  const { page, errors } = await openApp(browser, { serviceWorkers: "block" });
  const chunk = /\/assets\/PracticeSection-[^/]*\.(js|css)$/;
  let fetches = 0;
  await page.route(chunk, (route) => {
    fetches++;
    return route.abort("internetdisconnected");
  });

  await page.getByRole("button", { name: "Practice", exact: true }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Practice could not be loaded" });
  await alert.waitFor();
  expect(await alert.textContent()).toMatch(
    /Practice could not be loaded \(.+\)\. Check the connection and try again; if ConvSweep was updated since this page was opened, reload the page\. The rest of the page works as before\./,
  );
  // The rest of the page is still there and still works.
  const status = page.getByRole("status");
  expect(await status.textContent()).toBe("Position 0 of 900");
  await page.getByRole("button", { name: "Step", exact: true }).click();
  await expect.poll(() => status.textContent()).toBe("Position 1 of 900");
  expect(await page.getByRole("heading", { name: "Input image" }).count()).toBe(1);

  // Try again while still cut off: fetched anew, and the message again.
  const before = fetches;
  await alert.getByRole("button", { name: "Try again" }).click();
  await expect.poll(() => fetches).toBeGreaterThan(before);
  await expect
    .poll(() => alert.textContent())
    .toMatch(
      /^Practice could not be loaded again \(.+\)\. Reload the page to fetch it anew\. The rest of the page works as before\./,
    );

  // Connection back: Try again brings Practice, and the message goes.
  await page.unroute(chunk);
  await alert.getByRole("button", { name: "Try again" }).click();
  await page.getByRole("region", { name: "Practice: predict, then reveal" }).waitFor();
  expect(await alert.count()).toBe(0);
  expect(await status.textContent()).toBe("Position 1 of 900");
  // The only errors are the failed fetches and React's report of the one it caught.
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors)
    expect(e).toMatch(/ERR_INTERNET_DISCONNECTED|PracticeSection|dynamically imported module/);
});

test("Export and Paint δ, their code cut off: a notice says so and nothing changes; back, they work", async () => {
  const { page, errors } = await openApp(browser, { serviceWorkers: "block" });
  const chunks = /\/assets\/(loading|stateFile|paintedDelta)-[^/]*\.js$/;
  await page.route(chunks, (route) => route.abort("internetdisconnected"));
  const notice = page.getByRole("alert");

  await page.getByRole("button", { name: "Export", exact: true }).click();
  await expect
    .poll(() => notice.textContent())
    .toMatch(
      /^The state file's code could not be loaded \(.+\), so nothing was imported or exported\. Check the connection and try again/,
    );

  await page.getByRole("button", { name: "Paint δ", exact: true }).click();
  await expect
    .poll(() => notice.textContent())
    .toMatch(/^Paint δ could not be loaded \(.+\), so nothing changed\./);
  // Failed twice in a row: a reload is what fetches it anew in every browser.
  await page.getByRole("button", { name: "Paint δ", exact: true }).click();
  await expect
    .poll(() => notice.textContent())
    .toMatch(
      /^Paint δ could not be loaded again \(.+\), so nothing changed\. Reload the page to fetch it anew\./,
    );
  expect(
    await page.getByRole("button", { name: "Paint δ", exact: true }).getAttribute("aria-pressed"),
  ).not.toBe("true");
  expect(await page.getByRole("status").textContent()).toBe("Position 0 of 900");

  await page.unroute(chunks);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export", exact: true }).click();
  expect((await download).suggestedFilename()).toMatch(/\.json$/);
  for (const e of errors) expect(e).toMatch(/ERR_INTERNET_DISCONNECTED/);
});

test("saving the work, its code cut off: a notice says so once; the connection back, the next change saves it", async () => {
  const { page, errors } = await openApp(browser, { serviceWorkers: "block" });
  const chunks = /\/assets\/(link|loading)-[^/]*\.js$/;
  await page.route(chunks, (route) => route.abort("internetdisconnected"));
  const saved = () => page.evaluate(() => localStorage.getItem("convsweep-saved"));
  expect(await saved()).toBeNull();
  const status = page.getByRole("status");
  await page.getByRole("button", { name: "Step", exact: true }).click();
  await expect.poll(() => status.textContent()).toBe("Position 1 of 900");
  await expect
    .poll(() => page.getByRole("alert").textContent())
    .toMatch(
      /^Your work is not being saved: the code that saves it could not be loaded \(.+\)\. Each change tries again/,
    );
  expect(await saved()).toBeNull();

  await page.unroute(chunks);
  await page.getByRole("button", { name: "Step", exact: true }).click();
  await expect.poll(() => status.textContent()).toBe("Position 2 of 900");
  await expect.poll(async () => JSON.parse((await saved()) ?? "null")?.position).toBe(2);
  for (const e of errors) expect(e).toMatch(/ERR_INTERNET_DISCONNECTED/);
});

test("saved work or a link, their code cut off while the page loads: set aside or named, and the app starts fresh", async () => {
  const block = /\/assets\/(link|loading)-[^/]*\.js$/;
  // Saved work: kept aside with a download, never overwritten by the fresh start's.
  const first = await openApp(browser, {
    serviceWorkers: "block",
    block,
    ready: false,
    initScript: () =>
      localStorage.setItem("convsweep-saved", '{"format":"convsweep-link","position":7}'),
  });
  await expect.poll(() => first.page.getByRole("status").textContent()).toBe("Position 0 of 900");
  const alert = first.page.getByRole("alert");
  await expect
    .poll(() => alert.textContent())
    .toMatch(
      /^Your saved work could not be opened: the code that opens it could not be loaded \(.+\), so the app starts fresh\. The saved work is kept in this browser: download it now to keep it\./,
    );
  expect(await alert.getByRole("button", { name: "Download the saved work" }).count()).toBe(1);
  expect(await first.page.evaluate(() => localStorage.getItem("convsweep-saved-unrestored"))).toBe(
    '{"format":"convsweep-link","position":7}',
  );

  // A link: named, and the app starts fresh.
  const second = await openApp(browser, {
    serviceWorkers: "block",
    block,
    ready: false,
    hash: "#state=anything",
  });
  await expect.poll(() => second.page.getByRole("status").textContent()).toBe("Position 0 of 900");
  await expect
    .poll(() => second.page.getByRole("alert").textContent())
    .toMatch(
      /^The link's state could not be opened: the code that opens it could not be loaded \(.+\)\. The app starts fresh; reload the page to open the link again\./,
    );
  for (const e of [...first.errors, ...second.errors])
    expect(e).toMatch(/ERR_INTERNET_DISCONNECTED/);
});

test("the worker's code cut off: the gradient check and the real network say so in words, and work once it is back", async () => {
  const { page, errors } = await openApp(browser, { serviceWorkers: "block" });
  // The worker's own chunks of the gradient check and the real network (the page's copies of
  // the same modules have other names).
  const workerCode = await page.evaluate(async () => {
    const entry = performance
      .getEntriesByType("resource")
      .find((e) => /\/assets\/engine\.worker-[^/]*\.js$/.test(e.name));
    return entry ? (await fetch(entry.name)).text() : "";
  });
  const chunks = ["gradientCheck", "handler"].map(
    (name) => workerCode.match(new RegExp(`${name}-[\\w-]+\\.js`))?.[0],
  );
  expect(chunks.every((c) => c !== undefined)).toBe(true);
  const cut = (url: URL) => chunks.some((c) => url.pathname.endsWith(`/assets/${c}`));
  let aborted = 0;
  await page.context().route(cut, (route) => {
    aborted++;
    return route.abort("internetdisconnected");
  });
  await page.getByRole("heading", { name: "The gradient check" }).scrollIntoViewIfNeeded();
  await page.getByRole("button", { name: "Check the gradient" }).click();
  const verdict = page.locator(".gc-verdict");
  await expect
    .poll(() => verdict.textContent())
    .toMatch(
      /^The check failed: The gradient check's code could not be loaded \(.+\)\. Check the connection and try again; if ConvSweep was updated since this page was opened, reload the page\.$/,
    );
  const section = page.locator("#network");
  await section.scrollIntoViewIfNeeded();
  await expect
    .poll(() => section.locator(".network-message").textContent())
    .toMatch(
      /^The real network's code could not be loaded \(.+\)\. Check the connection and try again/,
    );
  expect(aborted).toBeGreaterThanOrEqual(2);
  await page.getByRole("button", { name: "Check the gradient" }).click();
  await expect
    .poll(() => verdict.textContent())
    .toMatch(
      /^The check failed: The gradient check's code could not be loaded again \(.+\)\. Reload the page to fetch it anew\.$/,
    );
  // The connection is back: the worker fetches the code anew (a failed load is not kept).
  await page.context().unroute(cut);
  await page.getByRole("button", { name: "Check the gradient" }).click();
  await expect.poll(() => verdict.textContent()).toMatch(/^Max relative error/);
  await section.getByRole("button", { name: "Show the sweep" }).click();
  await section.getByRole("button", { name: /Take this step/ }).click();
  await expect
    .poll(() => section.locator('[data-quantity="network-steps"]').textContent())
    .toBe("Step 1");
  expect(await section.locator(".network-message").count()).toBe(0);
  for (const e of errors) expect(e).toMatch(/ERR_INTERNET_DISCONNECTED/);
});
