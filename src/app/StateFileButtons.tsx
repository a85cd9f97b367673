import { useEffect, useRef } from "react";
import { errorText } from "../engine/index";
import { loadCode } from "../engine/loadCode";
import { setNotice } from "../state/commit";
import { downloadBlob } from "../viz/download";
import { openDroppedFile } from "./fileDrop";

/**
 * The state file's code (a chunk fetched on first use), or null when it cannot be fetched (the
 * connection dropped, or the app was updated since the page was opened): a notice says so and
 * nothing changes.
 */
async function stateFileCode(): Promise<
  [typeof import("../state/loading"), typeof import("../state/stateFile")] | null
> {
  try {
    return await loadCode(
      "The state file's code",
      () => Promise.all([import("../state/loading"), import("../state/stateFile")]),
      "so nothing was imported or exported",
    );
  } catch (error) {
    setNotice({ kind: "error", text: errorText(error) });
    return null;
  }
}

/** Reads a dropped or picked file as a state file, refusing huge ones before reading them. */
export async function openStateFile(file: File): Promise<void> {
  // The state file's code is fetched on first use: most visits never import a file.
  const code = await stateFileCode();
  if (code === null) return;
  const [{ importState }, { MAX_STATE_FILE_BYTES }] = code;
  if (file.size > MAX_STATE_FILE_BYTES) {
    setNotice({
      kind: "error",
      text: `Import failed, nothing was changed. ${file.name} is ${(file.size / 1048576).toFixed(1)} MB; a state file is at most 5 MB.`,
    });
    return;
  }
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    // The file changed, moved or lost its permission after it was picked: it cannot be read.
    setNotice({
      kind: "error",
      text: `Import failed, nothing was changed. ${file.name} could not be read: ${errorText(error)}`,
    });
    return;
  }
  await importState(text);
}

/** Downloads the state file (its code fetched on first use). */
async function exportFile(): Promise<void> {
  const code = await stateFileCode();
  if (code === null) return;
  const [{ exportState }, { STATE_FILE_NAME }] = code;
  downloadBlob(new Blob([exportState()], { type: "application/json" }), STATE_FILE_NAME);
}

/**
 * Export and Import of the state file; a file dropped anywhere on the page is imported too, or
 * opened by its section when it is one of a section's (a network file: fileDrop.ts).
 */
export function StateFileButtons() {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      if (file.type.startsWith("image/")) {
        setNotice({
          kind: "info",
          text: "To use a picture as the input, use “Open image file…” in the input panel.",
        });
        return;
      }
      // A section's own file (the real network's) goes to that section, by its format.
      void openDroppedFile(file, openStateFile);
    };
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  }, []);
  return (
    <div className="file-buttons">
      <button type="button" onClick={() => void exportFile()}>
        Export
      </button>
      <button type="button" onClick={() => input.current?.click()}>
        Import
      </button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        hidden
        aria-label="State file to import"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void openStateFile(file);
          e.target.value = "";
        }}
      />
    </div>
  );
}
