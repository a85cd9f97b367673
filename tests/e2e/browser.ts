import type { Browser, Page } from "playwright-core";
import { inject } from "vitest";
import { appIsReady, SLOWDOWN, WAIT_MS } from "../waits";

export { launchChromium } from "../../scripts/chromium.mjs";
export { SLOWDOWN, TEST_MS, WAIT_MS } from "../waits";

/** A page of the built app with every console error and uncaught exception recorded. */
export interface AppPage {
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/**
 * Opens the built app and, unless `ready` is false, waits until it is ready (appReady). Every
 * wait of Playwright's on the page (clicks, locators) gets WAIT_MS, and with
 * CONVSWEEP_CPU_THROTTLE the page runs under that CPU throttle.
 */
export async function openApp(
  browser: Browser,
  options: {
    width?: number;
    height?: number;
    hash?: string;
    colorScheme?: "light" | "dark";
    /** Lets the test inject scripts (axe-core) despite the page's Content-Security-Policy. */
    bypassCSP?: boolean;
    /** Runs in the page before the app's own scripts (to take a browser feature away). */
    initScript?: () => void;
    /**
     * Whether to wait for appReady (default true); false for a page that is not the main
     * figure (an embedded section) or whose first sweep is not expected (a refused link).
     */
    ready?: boolean;
    /** "block": no offline cache, so every request reaches the network (and page.route). */
    serviceWorkers?: "allow" | "block";
    /** Requests to abort from the start, as a dropped connection would (with serviceWorkers "block"). */
    block?: RegExp;
  } = {},
): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    acceptDownloads: true,
    colorScheme: options.colorScheme ?? "light",
    bypassCSP: options.bypassCSP ?? false,
    serviceWorkers: options.serviceWorkers ?? "allow",
  });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  await throttle(page);
  if (options.initScript) await page.addInitScript(options.initScript);
  if (options.block)
    // The context's route: it sees the workers' requests as well as the page's.
    await context.route(options.block, (route) => route.abort("internetdisconnected"));
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("request", (req) => requests.push(req.url()));
  await page.goto(inject("baseURL") + (options.hash ?? ""));
  if (options.ready ?? true) await appReady(page);
  return { page, errors, requests };
}

/** Puts a page under the CPU throttle CONVSWEEP_CPU_THROTTLE asks for (none by default). */
export async function throttle(page: Page): Promise<void> {
  if (SLOWDOWN <= 1) return;
  const session = await page.context().newCDPSession(page);
  await session.send("Emulation.setCPUThrottlingRate", { rate: SLOWDOWN });
}

/**
 * Waits, up to WAIT_MS, until the app says it is ready: its status line shows a sweep
 * ("Position P of N" with N > 0, not computing) and the parts of the main figure that arrive
 * in chunks of their own (marked `data-pending` while they load) are there.
 */
export async function appReady(page: Page): Promise<void> {
  await page.waitForFunction(appIsReady, null, { timeout: WAIT_MS, polling: 50 });
}
