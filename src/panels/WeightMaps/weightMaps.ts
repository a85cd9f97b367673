import { createGrid, type Grid, RECORD_KERNEL_GRAD, type Sweep } from "../../engine/index";

/**
 * One output-shaped map per kernel weight: map t holds, at every position, that position's
 * kernel-gradient term for tap t (delta · the input cell tap t saw), copied from the sweep's
 * records, so the sum of map t over the positions so far is the kernel gradient's entry t.
 */
export function weightTermMaps(sweep: Sweep): Grid[] {
  const { outHeight, outWidth, kernelHeight, kernelWidth, recordLength, records } = sweep;
  const n = outHeight * outWidth;
  const kCells = kernelHeight * kernelWidth;
  const maps = Array.from({ length: kCells }, () => createGrid(outHeight, outWidth));
  for (let p = 0; p < n; p++) {
    const base = p * recordLength + RECORD_KERNEL_GRAD;
    for (let t = 0; t < kCells; t++) {
      (maps[t] as Grid).data[p] = records[base + t] as number;
    }
  }
  return maps;
}

/** The tap (a, b) of a kernel cell index, and its name as the panels write it: "w[a][b]". */
export function tapName(tap: number, kernelWidth: number): string {
  return `w[${Math.floor(tap / kernelWidth)}][${tap % kernelWidth}]`;
}

/**
 * Where the cursor goes when the keyboard moves within a map from the position the panels
 * focus on: ±1 column (left/right) or ±1 row (up/down), kept inside the map. Returns the new
 * position index, or null for other keys.
 */
export function movedIndex(
  index: number,
  key: string,
  outHeight: number,
  outWidth: number,
): number | null {
  const row = Math.floor(index / outWidth);
  const col = index % outWidth;
  switch (key) {
    case "ArrowLeft":
      return row * outWidth + Math.max(0, col - 1);
    case "ArrowRight":
      return row * outWidth + Math.min(outWidth - 1, col + 1);
    case "ArrowUp":
      return Math.max(0, row - 1) * outWidth + col;
    case "ArrowDown":
      return Math.min(outHeight - 1, row + 1) * outWidth + col;
    case "Home":
      return 0;
    case "End":
      return outHeight * outWidth - 1;
    default:
      return null;
  }
}
