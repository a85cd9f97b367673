import type { Browser, Page } from "playwright-core";
import { inject } from "vitest";

export { launchChromium } from "../../scripts/chromium.mjs";

/** A page of the built app with every console error and uncaught exception recorded. */
export interface AppPage {
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
}

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
  } = {},
): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    acceptDownloads: true,
    colorScheme: options.colorScheme ?? "light",
    bypassCSP: options.bypassCSP ?? false,
  });
  const page = await context.newPage();
  if (options.initScript) await page.addInitScript(options.initScript);
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("request", (req) => requests.push(req.url()));
  await page.goto(inject("baseURL") + (options.hash ?? ""));
  return { page, errors, requests };
}
