import { createGrid, type Grid, seededRandom } from "../engine/index";

/** How one extra image of the batch is made from the drawn one (or loaded). */
export type BatchSource =
  | { kind: "shifted"; down: number; right: number }
  | { kind: "noisy"; sigma: number; seed: number }
  | { kind: "loaded"; name: string; image: Grid };

/** The default source of extra image k (1 … 7): alternately shifted and noisy copies. */
export function defaultSource(k: number): BatchSource {
  return k % 2 === 1
    ? { kind: "shifted", down: Math.ceil(k / 2), right: 2 * Math.ceil(k / 2) }
    : { kind: "noisy", sigma: 0.15, seed: k };
}

/** The image shifted down and right by whole cells; cells shifted in are 0. */
export function shiftImage(image: Grid, down: number, right: number): Grid {
  const out = createGrid(image.height, image.width);
  for (let r = 0; r < image.height; r++) {
    const from = r - down;
    if (from < 0 || from >= image.height) continue;
    for (let c = 0; c < image.width; c++) {
      const fc = c - right;
      if (fc < 0 || fc >= image.width) continue;
      out.data[r * image.width + c] = image.data[from * image.width + fc] as number;
    }
  }
  return out;
}

/** The image plus seeded uniform noise in [−sigma, sigma], kept in [0, 1]. */
export function noisyImage(image: Grid, sigma: number, seed: number): Grid {
  const random = seededRandom(seed);
  const out = createGrid(image.height, image.width);
  for (let i = 0; i < image.data.length; i++) {
    const v = (image.data[i] as number) + (random() * 2 - 1) * sigma;
    out.data[i] = Math.min(1, Math.max(0, v));
  }
  return out;
}

/** The image a source gives for the drawn image. */
export function sourceImage(source: BatchSource, drawn: Grid): Grid {
  switch (source.kind) {
    case "shifted":
      return shiftImage(drawn, source.down, source.right);
    case "noisy":
      return noisyImage(drawn, source.sigma, source.seed);
    case "loaded":
      return source.image;
  }
}

/** A short description of a source for labels. */
export function describeSource(source: BatchSource): string {
  switch (source.kind) {
    case "shifted":
      return `shifted ↓${source.down} →${source.right}`;
    case "noisy":
      return `noisy ±${source.sigma} (seed ${source.seed})`;
    case "loaded":
      return source.name;
  }
}
