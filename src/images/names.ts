/**
 * Paths and class names: which files are images, which folder is a class, and the one order
 * (code points) every list is sorted in, so a set built twice from the same files is the same
 * set on every browser.
 */
import { shown } from "../state/shown";
import { MAX_CLASS_NAME } from "./limits";

/**
 * Code-point order. `<` and `localeCompare` are not: `<` compares UTF-16 units, which puts
 * U+E000–U+FFFF after characters above U+FFFF (emoji), and localeCompare changes with the
 * browser's language.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates rank above every other unit, as the code points they make are above U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** "photos\\cats\\a.jpg", "./cats//a.jpg" → "photos/cats/a.jpg", "cats/a.jpg". */
export function normalPath(path: string): string {
  return path
    .replaceAll("\\", "/")
    .split("/")
    .filter((part) => part !== "" && part !== ".")
    .join("/");
}

/** The folder a normal path is in ("" when none). */
export function folderOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut < 0 ? "" : path.slice(0, cut);
}

/** The file's own name. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

const SYSTEM_FILES = new Set(["thumbs.db", "desktop.ini", "icon\r"]);

/** Files a system writes on its own (.DS_Store, __MACOSX/, Thumbs.db): ignored without a word. */
export function isHiddenPath(path: string): boolean {
  const parts = path.split("/");
  if (parts.some((part) => part.startsWith(".") || part === "__MACOSX")) return true;
  return SYSTEM_FILES.has((parts[parts.length - 1] ?? "").toLowerCase());
}

/** The image formats read, by extension (magic bytes are checked once the file is read). */
const IMAGE_EXTENSIONS = new Set([
  "png",
  "jpg",
  "jpeg",
  "jpe",
  "jfif",
  "pjpeg",
  "pjp",
  "gif",
  "webp",
  "bmp",
  "dib",
]);

export const NOT_IMAGE = "not an image: PNG, JPEG, GIF, WebP and BMP files are read";
export const NOT_IN_FOLDER =
  "not in a class folder: put each class's images in a folder named after it";

/** Why a file name is not an image this app reads, or null when it may be one. */
export function notImageReason(path: string): string | null {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  const extension = dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  if (IMAGE_EXTENSIONS.has(extension)) return null;
  if (extension === "heic" || extension === "heif") {
    return "a HEIC photo, which browsers do not read: export it as JPEG and add it again";
  }
  if (extension === "avif" || extension === "tif" || extension === "tiff" || extension === "svg") {
    return `${NOT_IMAGE} (save this ${extension.toUpperCase()} as PNG or JPEG)`;
  }
  return NOT_IMAGE;
}

/** The formats recognised by their first bytes. */
export type ImageKind = "png" | "jpeg" | "gif" | "webp" | "bmp";

/** The format a file's first bytes announce, or null when they announce none of the five. */
export function imageKind(bytes: Uint8Array): ImageKind | null {
  const starts = (text: string, at = 0) =>
    bytes.length >= at + text.length &&
    [...text].every((char, i) => bytes[at + i] === char.charCodeAt(0));
  if (starts("\x89PNG\r\n\x1a\n")) return "png";
  if (starts("\xff\xd8\xff")) return "jpeg";
  if (starts("GIF87a") || starts("GIF89a")) return "gif";
  if (starts("RIFF") && starts("WEBP", 8)) return "webp";
  if (starts("BM") && bytes.length >= 26) return "bmp";
  return null;
}

/**
 * Why a name cannot be a class, or null when it can. The rules keep a class reopenable from
 * the app's own zip: a name with a slash would become two folders, one with a leading dot a
 * hidden folder that is ignored.
 */
export function classNameProblem(name: string): string | null {
  if (name === "") return "it is empty";
  if (name.length > MAX_CLASS_NAME) {
    return `it is longer than ${MAX_CLASS_NAME} characters (${name.length.toLocaleString("en-US")})`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return "it holds a control character";
  if (name.includes("/") || name.includes("\\")) return "it holds a slash";
  if (name.startsWith(".")) return "it begins with a dot, which makes a hidden folder";
  if (name === "__MACOSX") return "it is the name of the folder macOS adds to its zips";
  return null;
}

/** A class name as a message quotes it (cut when long). */
export function quoted(name: string): string {
  return shown(name);
}
