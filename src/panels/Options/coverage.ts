import { createGrid, type Grid, type ResolvedConvOptions } from "../../engine/index";

/**
 * How many kernel taps, over all output positions, land on each input cell: the number of
 * terms each cell of ∂L/∂x receives. 0 marks a gap (the cell never reaches the output),
 * more than 1 an overlap.
 */
export function tapCoverage(
  input: { height: number; width: number },
  kernel: { height: number; width: number },
  out: { height: number; width: number },
  options: ResolvedConvOptions,
): Grid {
  const { stride, padding, dilation } = options;
  const count = createGrid(input.height, input.width);
  for (let i = 0; i < out.height; i++) {
    for (let j = 0; j < out.width; j++) {
      for (let a = 0; a < kernel.height; a++) {
        const r = i * stride - padding + a * dilation;
        if (r < 0 || r >= input.height) continue;
        for (let b = 0; b < kernel.width; b++) {
          const c = j * stride - padding + b * dilation;
          if (c < 0 || c >= input.width) continue;
          count.data[r * input.width + c] = (count.data[r * input.width + c] as number) + 1;
        }
      }
    }
  }
  return count;
}
