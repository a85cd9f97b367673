/** A row-major 2-D array of numbers. `data.length === height * width`. */
export interface Grid {
  /** Number of rows. */
  readonly height: number;
  /** Number of columns. */
  readonly width: number;
  /** The values, row by row: cell (r, c) is `data[r * width + c]`. */
  readonly data: Float64Array;
}

/** A grid of the given shape; zero-filled unless `data` is given (which it then owns, not copies). */
export function createGrid(height: number, width: number, data?: Float64Array): Grid {
  return { height, width, data: data ?? new Float64Array(height * width) };
}

/** A grid from nested rows, e.g. `gridFromRows([[1, 0, -1], [2, 0, -2], [1, 0, -1]])`. */
export function gridFromRows(rows: readonly (readonly number[])[]): Grid {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const data = new Float64Array(height * width);
  rows.forEach((row, r) => {
    if (row.length !== width) {
      throw new RangeError(`rows[${r}] has ${row.length} values; every row must have ${width}`);
    }
    data.set(row, r * width);
  });
  return { height, width, data };
}

/** The grid's rows as plain arrays (for display, JSON and tests). */
export function gridToRows(grid: Grid): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < grid.height; r++) {
    rows.push(Array.from(grid.data.subarray(r * grid.width, (r + 1) * grid.width)));
  }
  return rows;
}

/** A deep copy whose data can be mutated without touching the original. */
export function cloneGrid(grid: Grid): Grid {
  return { height: grid.height, width: grid.width, data: grid.data.slice() };
}
