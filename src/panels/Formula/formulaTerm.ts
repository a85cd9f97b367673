import {
  emptySums,
  type Grid,
  RECORD_DELTA,
  RECORD_KERNEL_GRAD,
  type ResolvedConvOptions,
  type Sweep,
  type SweepSums,
  sumsAt,
} from "../../engine/index";
import { focusIndex } from "../positionView";

/** One term of ∂L/∂w_ab = Σ_ij δ_ij · x(…), read from a sweep, and the partial sums around it. */
export interface FormulaTerm {
  /** Terms added so far (the store's position, P). */
  count: number;
  /** Terms in the whole sum (outH · outW, N). */
  total: number;
  /** True when the term has been added (P ≥ 1); otherwise it is the first, next to add. */
  added: boolean;
  /** The term's output position: index = row · outW + col. */
  index: number;
  row: number;
  col: number;
  /** The input cell the weight multiplies here: (row·s − p + a·d, col·s − p + b·d). */
  inputRow: number;
  inputCol: number;
  /** False when that cell lies in the zero padding (x = 0 there). */
  inside: boolean;
  /** δ_ij = ∂L/∂out at the position (the sweep's record). */
  delta: number;
  /** The input value there (0 in the padding). */
  x: number;
  /** δ_ij · x: the sweep's kernel-gradient record for this tap and position. */
  product: number;
  /** Σ of the kernel-gradient terms for this tap before this one (the first P − 1, or 0). */
  before: number;
  /** Σ of the deltas before this one. */
  biasBefore: number;
}

/**
 * The term the panels focus on (the last one added, or the first before any is) for kernel
 * tap `tap`, with the partial sums before it. The partial sums come from the engine's `sumsAt`,
 * the same ordered sum the store keeps, so `before + product` is exactly the store's sum.
 *
 * `running`, sums of this same sweep kept from the last call, makes a sweep moving forward
 * (a playing one) add one position per call instead of all of them again; it is updated.
 */
export function formulaTerm(
  sweep: Sweep,
  image: Grid,
  position: number,
  tap: number,
  running: SweepSums = emptySums(sweep),
): FormulaTerm {
  const { outHeight, outWidth, kernelWidth, recordLength, records } = sweep;
  const { stride, padding, dilation } = sweep.options;
  const total = outHeight * outWidth;
  const index = focusIndex(position);
  const added = position > 0;
  const row = Math.floor(index / outWidth);
  const col = index % outWidth;
  const a = Math.floor(tap / kernelWidth);
  const b = tap % kernelWidth;
  const inputRow = row * stride - padding + a * dilation;
  const inputCol = col * stride - padding + b * dilation;
  const inside =
    inputRow >= 0 && inputRow < image.height && inputCol >= 0 && inputCol < image.width;
  const base = index * recordLength;
  const prior = sumsAt(sweep, running, added ? position - 1 : 0);
  return {
    count: position,
    total,
    added,
    index,
    row,
    col,
    inputRow,
    inputCol,
    inside,
    delta: records[base + RECORD_DELTA] as number,
    x: inside ? (image.data[inputRow * image.width + inputCol] as number) : 0,
    product: records[base + RECORD_KERNEL_GRAD + tap] as number,
    before: prior.kernelGrad.data[tap] as number,
    biasBefore: prior.biasGrad,
  };
}

/** True when stride, padding and dilation are all at their defaults (1, 0, 1). */
export function defaultOptions(options: ResolvedConvOptions): boolean {
  return options.stride === 1 && options.padding === 0 && options.dilation === 1;
}

/**
 * The input index along one axis as a short expression in the output index `v` ("i" or "j"):
 * v·s − p + t·d with the numbers put in and simplified, e.g. "i+1", "2i−1", "i".
 * Parts: the coefficient of v (omitted when 1) and the signed constant (omitted when 0).
 */
export function indexExpression(
  v: string,
  stride: number,
  padding: number,
  tap: number,
  dilation: number,
): { coefficient: string; variable: string; sign: "+" | "−" | ""; constant: string } {
  const c = tap * dilation - padding;
  return {
    coefficient: stride === 1 ? "" : String(stride),
    variable: v,
    sign: c > 0 ? "+" : c < 0 ? "−" : "",
    constant: c === 0 ? "" : String(Math.abs(c)),
  };
}

/** indexExpression as plain text, e.g. "2i−1". */
export function indexText(e: ReturnType<typeof indexExpression>): string {
  return `${e.coefficient}${e.variable}${e.sign}${e.constant}`;
}
