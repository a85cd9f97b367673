/**
 * The files of a drop, with their paths: a dropped folder is walked (the entries API every
 * browser has: webkitGetAsEntry, readEntries in batches), so "cats/a.jpg" keeps its class
 * folder; loose files keep their names. Where the entries API is missing, the drop's files.
 */

/** The smallest part of FileSystemEntry used here (the DOM types name it; browsers differ). */
interface Entry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  file?(done: (file: File) => void, failed: (error: unknown) => void): void;
  createReader?(): {
    readEntries(done: (entries: Entry[]) => void, failed: (error: unknown) => void): void;
  };
}

/** The most files a drop is walked for (the images' own limit is lower; this bounds the walk). */
const MAX_DROPPED = 100_000;

async function walk(entry: Entry, path: string, out: { file: File; path: string }[]) {
  if (out.length >= MAX_DROPPED) return;
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((done, failed) => entry.file?.(done, failed));
    out.push({ file, path });
    return;
  }
  const reader = entry.isDirectory ? entry.createReader?.() : undefined;
  if (!reader) return;
  for (;;) {
    // readEntries gives a batch at a time (100 in Chromium) until an empty one.
    const batch = await new Promise<Entry[]>((done, failed) => reader.readEntries(done, failed));
    if (batch.length === 0) return;
    for (const child of batch) await walk(child, `${path}/${child.name}`, out);
  }
}

/** The dropped files and their paths (a folder's files under its name). */
export async function droppedFiles(
  data: DataTransfer,
): Promise<{ files: File[]; paths: string[] }> {
  const entries = [...data.items]
    .map((item) => (item.webkitGetAsEntry?.() ?? null) as Entry | null)
    .filter((e): e is Entry => e !== null);
  if (entries.length === 0) {
    const files = [...data.files];
    return { files, paths: files.map((f) => f.name) };
  }
  const out: { file: File; path: string }[] = [];
  for (const entry of entries) await walk(entry, entry.name, out);
  return { files: out.map((o) => o.file), paths: out.map((o) => o.path) };
}
