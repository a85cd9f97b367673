/**
 * Values in messages: a message names a value and shows a short preview of it, never a copy
 * (a file's 20-million-character string or 200,000-deep array would otherwise be copied
 * whole into it, and walked whole to be copied).
 */

/** The most characters of a value a message shows; a longer value is cut and its size said. */
export const SHOWN_CHARS = 80;

/**
 * A value as a person reads it in a message (Infinity, not JSON's null), in at most
 * SHOWN_CHARS characters: a longer string, array or object is cut with "…" after its first
 * SHOWN_CHARS characters, and its size is said (`a string of 20,000,000 characters beginning
 * "aaa…"`). Only what is shown is walked (an object's keys are counted), so a huge or deeply
 * nested value (a file's) costs no more than reading it did, and nothing is stringified whole.
 */
export function shown(value: unknown): string {
  if (typeof value === "number") return String(value);
  const preview: Preview = { text: "", cut: false };
  write(value, preview);
  if (!preview.cut) return preview.text;
  const head = `${preview.text}…`;
  if (typeof value === "string") {
    return `a string of ${count(value.length, "character")} beginning ${head}"`;
  }
  if (Array.isArray(value)) return `an array of ${count(value.length, "item")} beginning ${head}`;
  if (typeof value === "object" && value !== null) {
    return `an object of ${count(Object.keys(value).length, "key")} beginning ${head}`;
  }
  return head;
}

/** The text shown so far, and whether anything was left out. */
interface Preview {
  text: string;
  cut: boolean;
}

/** "1 item", "2,000 items". */
function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

/** Adds `piece` whole if it fits in SHOWN_CHARS, else marks the preview cut; true if added. */
function add(preview: Preview, piece: string): boolean {
  if (preview.cut || preview.text.length + piece.length > SHOWN_CHARS) {
    preview.cut = true;
    return false;
  }
  preview.text += piece;
  return true;
}

/**
 * Writes a value as JSON writes it (numbers as JavaScript prints them) until SHOWN_CHARS
 * characters are written. Every step writes at least one character or stops, so at most
 * about SHOWN_CHARS elements are visited and the recursion is at most that deep.
 */
function write(value: unknown, preview: Preview): void {
  if (typeof value === "string") {
    if (!add(preview, '"')) return;
    for (const char of stringHead(value)) {
      if (!add(preview, JSON.stringify(char).slice(1, -1))) return;
    }
    add(preview, '"');
    return;
  }
  if (Array.isArray(value)) {
    if (!add(preview, "[")) return;
    for (let i = 0; i < value.length; i++) {
      if ((i > 0 && !add(preview, ",")) || preview.cut) return;
      write(value[i], preview);
    }
    add(preview, "]");
    return;
  }
  if (typeof value === "object" && value !== null) {
    if (!add(preview, "{")) return;
    let first = true;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if ((!first && !add(preview, ",")) || preview.cut) return;
      first = false;
      write(key, preview);
      if (!add(preview, ":")) return;
      write((value as Record<string, unknown>)[key], preview);
    }
    add(preview, "}");
    return;
  }
  add(preview, String(value));
}

/** The first characters of a string (whole code points), no more than a preview can show. */
function stringHead(text: string): string[] {
  const chars: string[] = [];
  for (const char of text) {
    if (chars.length > SHOWN_CHARS) break;
    chars.push(char);
  }
  return chars;
}
