import {
  createGrid,
  type Grid,
  RECORD_DELTA,
  RECORD_KERNEL_GRAD,
  RECORD_OUT,
  recordInputGradOffset,
  type Sweep,
} from "../engine";

/** Everything the panels show about one output position, read from the sweep's records. */
export interface PositionView {
  /** Row-major index of the position (0 … total − 1). */
  index: number;
  /** Output row and column. */
  row: number;
  col: number;
  /** The output value there. */
  out: number;
  /** The target value there. */
  target: number;
  /** ∂L/∂out there. */
  delta: number;
  /** The input cells the kernel saw (0 over padding), kernel-shaped. */
  patch: Grid;
  /** delta · patch: this position's kernel-gradient contribution. */
  kernelGradTerm: Grid;
  /** delta · kernel: what this position sends back to the input. */
  inputGradPatch: Grid;
  /** The input cells the kernel's taps land on (inside the image only). */
  taps: { row: number; col: number }[];
  /** Input coordinates of the kernel's top-left tap (may be negative with padding). */
  origin: { row: number; col: number };
}

/** The position the panels focus on: the last one added, or the first when none is. */
export function focusIndex(position: number): number {
  return Math.max(0, position - 1);
}

/** Reads position `index` of a sweep; the image supplies the patch the kernel saw. */
export function positionView(sweep: Sweep, index: number, image: Grid, target: Grid): PositionView {
  const { outWidth, kernelHeight: kH, kernelWidth: kW, recordLength, records } = sweep;
  const { stride, padding, dilation } = sweep.options;
  const row = Math.floor(index / outWidth);
  const col = index % outWidth;
  const base = index * recordLength;
  const kCells = kH * kW;
  const ig = recordInputGradOffset(kCells);
  const origin = { row: row * stride - padding, col: col * stride - padding };
  const patch = createGrid(kH, kW);
  const taps: { row: number; col: number }[] = [];
  for (let a = 0; a < kH; a++) {
    for (let b = 0; b < kW; b++) {
      const r = origin.row + a * dilation;
      const c = origin.col + b * dilation;
      if (r >= 0 && r < image.height && c >= 0 && c < image.width) {
        patch.data[a * kW + b] = image.data[r * image.width + c] as number;
        taps.push({ row: r, col: c });
      }
    }
  }
  return {
    index,
    row,
    col,
    out: records[base + RECORD_OUT] as number,
    target: target.data[index] as number,
    delta: records[base + RECORD_DELTA] as number,
    patch,
    kernelGradTerm: createGrid(
      kH,
      kW,
      records.slice(base + RECORD_KERNEL_GRAD, base + RECORD_KERNEL_GRAD + kCells),
    ),
    inputGradPatch: createGrid(kH, kW, records.slice(base + ig, base + ig + kCells)),
    taps,
    origin,
  };
}

/** The output map and the delta map of a sweep as grids (out − target, scaled for "mean"). */
export function sweepMaps(sweep: Sweep): { out: Grid; delta: Grid } {
  const n = sweep.outHeight * sweep.outWidth;
  const out = createGrid(sweep.outHeight, sweep.outWidth);
  const delta = createGrid(sweep.outHeight, sweep.outWidth);
  for (let p = 0; p < n; p++) {
    out.data[p] = sweep.records[p * sweep.recordLength + RECORD_OUT] as number;
    delta.data[p] = sweep.records[p * sweep.recordLength + RECORD_DELTA] as number;
  }
  return { out, delta };
}
