/**
 * Where a file dropped on the page goes, by its `format` field: a section that opens files of
 * its own (the real network's `convsweep-network`) provides an opener while it is on the page,
 * and a file of that format goes to it (the section is loaded and shown first when it is not
 * there yet); anything else goes to the main Import. The format is read from the file's first
 * bytes only, so a large file is not read, nor parsed, twice.
 */
import { setNotice } from "../state/commit";
import { goToSection, sectionOf } from "./sections/sections";

/** How many bytes of a dropped file are read to find its format (it is the first field). */
export const FORMAT_PREFIX_BYTES = 4096;

/**
 * The section that opens each format of its own. The section's code (its store, its file
 * reader) is not in the page until it loads, so its format's name is written here too; a
 * unit test holds it equal to the section's NETWORK_FORMAT.
 */
export const SECTION_OF_FORMAT: Readonly<Record<string, string>> = {
  "convsweep-network": "network",
};

/** Opens a dropped file of a section's format. */
export type FileOpener = (file: File) => unknown;

const openers = new Map<string, FileOpener>();
const waiting = new Map<string, Array<(open: FileOpener) => void>>();

/** While a section is on the page, files of `format` dropped anywhere go to `open`; returns the undo. */
export function provideFileOpener(format: string, open: FileOpener): () => void {
  openers.set(format, open);
  for (const resolve of waiting.get(format) ?? []) resolve(open);
  waiting.delete(format);
  return () => {
    if (openers.get(format) === open) openers.delete(format);
  };
}

/**
 * The value of the `format` field in a JSON text's first characters, or null (not JSON, no
 * such field there, or not a short string). Only the field's first appearance is read.
 */
export function formatInPrefix(prefix: string): string | null {
  const m = /"format"\s*:\s*"([^"\\]{1,100})"/.exec(prefix);
  return m ? (m[1] as string) : null;
}

/** A file's `format`, from its first FORMAT_PREFIX_BYTES bytes (null when there is none). */
export async function fileFormat(file: Blob): Promise<string | null> {
  try {
    return formatInPrefix(await file.slice(0, FORMAT_PREFIX_BYTES).text());
  } catch {
    return null;
  }
}

/** The opener of `format`, waiting up to `ms` for its section to load (null if it does not). */
function openerOf(format: string, ms: number): Promise<FileOpener | null> {
  const open = openers.get(format);
  if (open) return Promise.resolve(open);
  return new Promise((resolve) => {
    const done = (o: FileOpener | null) => {
      clearTimeout(timer);
      const list = waiting.get(format);
      if (list)
        waiting.set(
          format,
          list.filter((w) => w !== done),
        );
      resolve(o);
    };
    const timer = setTimeout(() => done(null), ms);
    waiting.set(format, [...(waiting.get(format) ?? []), done]);
  });
}

/**
 * Opens a dropped file: a section's file (by its format) in that section, showing the section
 * when it was not loaded yet (if it does not load within `ms`, a notice says so); anything
 * else with `openState` (the main Import, whose message names what is wrong with a file that
 * is neither).
 */
export async function openDroppedFile(
  file: File,
  openState: (file: File) => Promise<void>,
  ms = 10_000,
): Promise<void> {
  const format = await fileFormat(file);
  const id = format === null ? undefined : SECTION_OF_FORMAT[format];
  if (format === null || id === undefined) return openState(file);
  if (!openers.has(format)) {
    const section = sectionOf(id);
    if (section !== null) void goToSection(section);
  }
  const open = await openerOf(format, ms);
  if (open === null) {
    setNotice({
      kind: "error",
      text: `${file.name} is a ${format} file, and its section did not load: open it from that section.`,
    });
    return;
  }
  await open(file);
}
