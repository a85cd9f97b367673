import { createGrid, type Grid, gridFromRows, seededRandom } from "../engine/index";

/** The target-filter presets, in menu order. */
export const FILTER_PRESETS = [
  "verticalEdge",
  "horizontalEdge",
  "blur",
  "sharpen",
  "identity",
] as const;
/** One of the target-filter presets. */
export type FilterPreset = (typeof FILTER_PRESETS)[number];

/** Menu labels of the filter presets. */
export const FILTER_PRESET_LABELS: Record<FilterPreset, string> = {
  verticalEdge: "Vertical edge",
  horizontalEdge: "Horizontal edge",
  blur: "Blur",
  sharpen: "Sharpen",
  identity: "Identity",
};

/**
 * A preset drawn at height x width (3x3 unless asked): the 3x3 pattern centred in a larger
 * filter (zeros around it) or its centre cut from a smaller one; Blur averages every cell.
 */
export function presetFilter(preset: FilterPreset, height = 3, width = 3): Grid {
  if (preset === "blur") {
    return createGrid(height, width, new Float64Array(height * width).fill(1 / (height * width)));
  }
  const pattern = presetPattern(preset);
  if (height === 3 && width === 3) return pattern;
  const grid = createGrid(height, width);
  // The pattern's centre cell (1, 1) lands on the filter's centre (rounded towards the top left).
  const top = Math.floor((height - 1) / 2) - 1;
  const left = Math.floor((width - 1) / 2) - 1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const pr = r - top;
      const pc = c - left;
      if (pr >= 0 && pr < 3 && pc >= 0 && pc < 3) {
        grid.data[r * width + c] = pattern.data[pr * 3 + pc] as number;
      }
    }
  }
  return grid;
}

/** The 3x3 pattern of a preset. */
function presetPattern(preset: FilterPreset): Grid {
  switch (preset) {
    case "verticalEdge":
      return gridFromRows([
        [1, 0, -1],
        [2, 0, -2],
        [1, 0, -1],
      ]);
    case "horizontalEdge":
      return gridFromRows([
        [1, 2, 1],
        [0, 0, 0],
        [-1, -2, -1],
      ]);
    case "blur":
      return gridFromRows([
        [1 / 9, 1 / 9, 1 / 9],
        [1 / 9, 1 / 9, 1 / 9],
        [1 / 9, 1 / 9, 1 / 9],
      ]);
    case "sharpen":
      return gridFromRows([
        [0, -1, 0],
        [-1, 5, -1],
        [0, -1, 0],
      ]);
    case "identity":
      return gridFromRows([
        [0, 0, 0],
        [0, 1, 0],
        [0, 0, 0],
      ]);
  }
}

/** A seeded random initial filter: each weight uniform in [−0.5, 0.5), rounded to 3 decimals. */
export function randomFilter(seed: number, height = 3, width = 3): Grid {
  const random = seededRandom(seed);
  const rows: number[][] = [];
  for (let r = 0; r < height; r++) {
    const row: number[] = [];
    for (let c = 0; c < width; c++) row.push(Math.round((random() - 0.5) * 1000) / 1000);
    rows.push(row);
  }
  return gridFromRows(rows);
}
