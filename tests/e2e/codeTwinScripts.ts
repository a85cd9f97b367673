import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/** One flavour of an open code twin: its script as shown, and what running it printed. */
export interface RanScript {
  readonly tab: "PyTorch" | "NumPy";
  readonly text: string;
  readonly stdout: string;
  /** The script's result line ("CONVSWEEP {…}"), parsed. */
  readonly printed: Record<string, unknown> & { agree: boolean };
}

/**
 * Goes through both tabs of an open "Show as code" dialog: each tab's text area, its Download
 * button (the file must be the text shown, named `names[flavour]`), and the downloaded file run
 * by Debian's Python, which must exit 0 (execFileSync throws otherwise).
 */
export async function runCodeTwinScripts(
  page: Page,
  dialog: Locator,
  names: { pytorch: string; numpy: string },
): Promise<RanScript[]> {
  const ran: RanScript[] = [];
  for (const tab of ["PyTorch", "NumPy"] as const) {
    await dialog.getByRole("tab", { name: tab }).click();
    const text = await dialog.getByRole("textbox", { name: `${tab} script` }).inputValue();
    expect(text).toMatch(tab === "PyTorch" ? /F\.conv2d/ : /import numpy as np/);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      dialog.getByRole("button", { name: /^Download/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(tab === "PyTorch" ? names.pytorch : names.numpy);
    const script = await readFile(await download.path(), "utf8");
    expect(script).toBe(text);
    const stdout = execFileSync("/usr/bin/python3", ["-"], {
      input: script,
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    const line = stdout.split("\n").find((l) => l.startsWith("CONVSWEEP ")) ?? "";
    const printed = JSON.parse(line.slice("CONVSWEEP ".length)) as RanScript["printed"];
    expect(printed.agree).toBe(true);
    ran.push({ tab, text, stdout, printed });
  }
  return ran;
}

/** Expects `got` to equal `want` to 1e-12, relative to the larger of 1 and |want|. */
export function expectClose(got: number, want: number): void {
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(
    1e-12 * Math.max(1, Math.abs(want)),
  );
}
