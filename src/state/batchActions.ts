import {
  createGrid,
  emptySums,
  errorText,
  type Grid,
  type SweepSums,
  sumsAt,
} from "../engine/index";
import { SupersededError } from "../worker/client";
import { type BatchSource, sourceImage } from "./batchImages";
import { setNotice } from "./commit";
import { engineLane } from "./engineClient";
import { type AppState, appStore, copySums, makeTarget } from "./store";
import { applyGradient } from "./update";

const get = appStore.getState;
const set = appStore.setState;

/** The most images a batch holds. */
export const MAX_BATCH = 8;

/** The batch's images for the current drawing: the drawn one, then each source's. */
export function batchImagesOf(state: AppState): Grid[] {
  return [state.image, ...state.batchSources.map((s) => sourceImage(s, state.image))];
}

/**
 * Sweeps every image of the batch (one after another, on the engine's "batch" lane, so the
 * main sweep is never superseded by them), then shows position 0. A newer batch request
 * supersedes the whole of an older one.
 */
export async function requestBatchSweeps(): Promise<void> {
  const s = get();
  if (s.targetKernel === null) {
    // Drops a batch still sweeping for the previous target.
    engineLane("batch").cancel();
    set({
      batchSweeps: null,
      batchSums: null,
      batchPending: false,
      batchError: "A batch needs a target filter: choose one in the Training panel.",
    });
    return;
  }
  const { targetKernel } = s;
  const images = batchImagesOf(s);
  set({ batchPending: true, batchImages: images, batchPosition: 0, batchError: null });
  try {
    const sweeps = await engineLane("batch").sweepBatch({
      problems: images.map((image) => ({
        image,
        target: makeTarget(image, targetKernel, s.options),
        options: s.options,
        reduction: s.reduction,
      })),
      kernel: s.kernel,
      bias: s.bias,
    });
    set({
      batchSweeps: sweeps,
      batchSums: sweeps.map(emptySums),
      batchPosition: 0,
      batchPending: false,
    });
  } catch (error) {
    if (error instanceof SupersededError) return;
    set({
      batchPending: false,
      batchError: errorText(error),
    });
  }
}

/**
 * Re-sweeps the batch whenever something it depends on changes (the drawing, the parameters,
 * the target filter, the options, the loss); sweeps it once now. Returns the unsubscribe.
 */
export function watchBatchInputs(): () => void {
  void requestBatchSweeps();
  return appStore.subscribe((s, prev) => {
    if (
      s.image !== prev.image ||
      s.kernel !== prev.kernel ||
      s.bias !== prev.bias ||
      s.targetKernel !== prev.targetKernel ||
      s.options !== prev.options ||
      s.reduction !== prev.reduction
    ) {
      void requestBatchSweeps();
    }
  });
}

/** Positions per image and in the whole batch. */
export function batchTotals(state: AppState): { perImage: number; total: number } {
  const first = state.batchSweeps?.[0];
  const perImage = first ? first.outHeight * first.outWidth : 0;
  return { perImage, total: perImage * (state.batchSweeps?.length ?? 0) };
}

/** Moves the batch cursor: image i holds its first clamp(q − i·N, 0, N) positions. */
export function setBatchPosition(position: number): void {
  const s = get();
  const { batchSweeps, batchSums } = s;
  if (batchSweeps === null || batchSums === null) return;
  const { perImage, total } = batchTotals(s);
  const q = Math.max(0, Math.min(total, Math.round(position)));
  const sums = batchSweeps.map((sweep, i) => {
    const p = Math.max(0, Math.min(perImage, q - i * perImage));
    const old = batchSums[i] as SweepSums;
    return p === old.position ? old : sumsAt(sweep, copySums(old), p);
  });
  set({ batchPosition: q, batchSums: sums });
}

/** The batch gradient: the per-image subtotals added in image order. */
export function batchTotal(sums: readonly SweepSums[]): { kernelGrad: Grid; biasGrad: number } {
  const first = sums[0];
  const kernelGrad = createGrid(first?.kernelGrad.height ?? 0, first?.kernelGrad.width ?? 0);
  let biasGrad = 0;
  for (const s of sums) {
    for (let t = 0; t < kernelGrad.data.length; t++) {
      kernelGrad.data[t] = (kernelGrad.data[t] as number) + (s.kernelGrad.data[t] as number);
    }
    biasGrad += s.biasGrad;
  }
  return { kernelGrad, biasGrad };
}

/** Applies −η · (Σ over the batch) to the one kernel and bias, like Apply update does. */
export function applyBatchUpdate(): void {
  const { batchSums } = get();
  if (batchSums === null) return;
  const { kernelGrad, biasGrad } = batchTotal(batchSums);
  applyGradient(kernelGrad, biasGrad);
}

/** Sets how many images the batch has (1 … 8); new slots get the default copies. */
export function setBatchSize(size: number, defaults: (k: number) => BatchSource): void {
  const n = Math.max(1, Math.min(MAX_BATCH, Math.round(size)));
  const sources = get().batchSources.slice(0, n - 1);
  while (sources.length < n - 1) sources.push(defaults(sources.length + 1));
  set({ batchSources: sources });
  void requestBatchSweeps();
}

/** Replaces how extra image k (1 … 7) is made. */
export function setBatchSource(k: number, source: BatchSource): void {
  const sources = get().batchSources.slice();
  sources[k - 1] = source;
  set({ batchSources: sources });
  void requestBatchSweeps();
}

/** Opens an image file as the batch's image k (at the input's size); the batch keeps it. */
export async function openBatchImageFile(k: number, file: File): Promise<void> {
  const { height, width } = get().image;
  try {
    const { imageFileToGrid } = await import("./imageFile");
    setBatchSource(k, {
      kind: "loaded",
      name: file.name,
      image: await imageFileToGrid(file, height, width),
    });
  } catch (error) {
    setNotice({
      kind: "error",
      text: `Could not open ${file.name}: ${errorText(error)} The batch was not changed.`,
    });
  }
}
