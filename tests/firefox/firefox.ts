// Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi (playwright-core
// cannot drive a stock Firefox). The project never downloads a browser.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type ElementHandle, type Page } from "puppeteer-core";
import { appIsReady, WAIT_MS } from "../waits";

/** Debian's Firefox ESR (FIREFOX_PATH overrides it). */
export const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

/** Where Firefox saves downloads: the tests read them back from here. */
export const DOWNLOADS = mkdtempSync(join(tmpdir(), "convsweep-firefox-downloads-"));

/** Firefox with `prefs` added to its own (e.g. a fake camera). */
export function launchFirefox(prefs: Record<string, unknown> = {}): Promise<Browser> {
  return puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      // No outside network: no updates, telemetry or remote settings.
      "app.update.enabled": false,
      "datareporting.policy.dataSubmissionEnabled": false,
      "toolkit.telemetry.enabled": false,
      "browser.shell.checkDefaultBrowser": false,
      // Downloads go straight to DOWNLOADS, without asking.
      "browser.download.folderList": 2,
      "browser.download.dir": DOWNLOADS,
      "browser.download.useDownloadDir": true,
      "browser.download.always_ask_before_handling_new_types": false,
      "browser.download.manager.showWhenStarting": false,
      "browser.helperApps.neverAsk.saveToDisk":
        "application/json,text/x-python,image/png,image/svg+xml,text/csv",
      ...prefs,
    },
  });
}

/** A page of the built app, in a fresh browser context, with its console errors. */
export interface FirefoxPage {
  page: Page;
  errors: string[];
}

/**
 * Opens the app in a context of its own (its own storage, like a new profile) and, unless
 * `ready` is false, waits until it is ready (appReady). Every wait of puppeteer's gets WAIT_MS.
 */
export async function openApp(browser: Browser, url: string, ready = true): Promise<FirefoxPage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  await page.setViewport({ width: 1280, height: 900 });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(url);
  if (ready) await appReady(page);
  return { page, errors };
}

/**
 * Waits, up to WAIT_MS, until the app says it is ready: its status line shows a sweep and no
 * placeholder of a chunk still loading (`data-pending`) is left (as tests/e2e/browser.ts).
 */
export function appReady(page: Page): Promise<void> {
  return until(() => page.evaluate(appIsReady), "the app's first sweep");
}

/** The text of the status line ("Position P of N"). */
export function status(page: Page): Promise<string> {
  return page.evaluate(
    () => document.querySelector('output.status, [role="status"]')?.textContent ?? "",
  );
}

/** Waits until `probe` returns true (checked every 50 ms, for at most `ms`). */
export async function until(
  probe: () => Promise<boolean> | boolean,
  what: string,
  ms = WAIT_MS,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * The button whose text (or aria-label) is exactly `name`, inside the element `within` (a CSS
 * selector; the whole page by default), waiting up to WAIT_MS for it (parts of the page, like
 * the header's tools, arrive in chunks of their own).
 */
export async function button(
  page: Page,
  name: string,
  within = "body",
): Promise<ElementHandle<Element>> {
  const end = Date.now() + WAIT_MS;
  for (;;) {
    const handle = await page.evaluateHandle(
      (n, w) => {
        for (const b of document.querySelector(w)?.querySelectorAll("button") ?? []) {
          if (b.getAttribute("aria-hidden") === "true") continue;
          const label = b.getAttribute("aria-label") ?? b.textContent?.trim();
          if (label === n) return b;
        }
        return null;
      },
      name,
      within,
    );
    const element = handle.asElement();
    if (element !== null) return element as ElementHandle<Element>;
    if (Date.now() > end) throw new Error(`no button "${name}"`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Clicks a button by its name (inside `within`), as a pointer would (scrolled into view first). */
export async function click(page: Page, name: string, within?: string): Promise<void> {
  await (await button(page, name, within)).click();
}

/** The text of the file the next download (after `action`) saves. */
export async function download(_page: Page, action: () => Promise<void>): Promise<string> {
  const before = new Set(readdirSync(DOWNLOADS));
  await action();
  let saved = "";
  await until(() => {
    // Every file the app downloads is named convsweep…; Firefox writes others (temporary
    // names, .part files) on the way and renames them when the download is complete.
    const done = readdirSync(DOWNLOADS).filter(
      (f) => !before.has(f) && f.startsWith("convsweep") && !f.endsWith(".part"),
    );
    // Firefox writes a .part file and renames it when the download is complete.
    const partial = readdirSync(DOWNLOADS).some((f) => f.endsWith(".part"));
    if (done.length === 0 || partial) return false;
    saved = join(DOWNLOADS, done[0] as string);
    return true;
  }, "a download");
  return readFileSync(saved, "utf8");
}
