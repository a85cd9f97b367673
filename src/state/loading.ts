import { emptySums, errorText, type Sweep, type SweepSums, sumsAt } from "../engine/index";
import { SupersededError } from "../worker/client";
import { commit, get } from "./commit";
import { engineLane } from "./engineClient";
import { decodeLink, encodeLink, LinkError } from "./link";
import {
  type LinkedState,
  parseState,
  readState,
  type SavedState,
  StateFileError,
  serializeState,
} from "./stateFile";
import { requestSweep } from "./sweep";
import { endTraining } from "./trainingRun";

/** Saving and loading the whole state: the state file, share links and saved work. */

/** The current state as a state file's text (docs/state-file.md). */
export function exportState(): string {
  const s = get();
  return serializeState({
    ...currentLinkedState(),
    sums: s.sums ?? {
      kernelGrad: {
        height: s.kernel.height,
        width: s.kernel.width,
        data: new Float64Array(s.kernel.data.length),
      },
      biasGrad: 0,
      inputGrad: {
        height: s.image.height,
        width: s.image.width,
        data: new Float64Array(s.image.data.length),
      },
    },
  });
}

/** Equal up to rounding: how a file's sums are compared with the ones computed again. */
function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** Checks that a file's sums are the sum of the first `position` contributions of its sweep. */
function checkSums(saved: SavedState, sweep: Sweep): SweepSums {
  const sums = sumsAt(sweep, emptySums(sweep), saved.position);
  const pairs: [string, Float64Array, Float64Array][] = [
    ["sums.kernelGrad", saved.sums.kernelGrad.data, sums.kernelGrad.data],
    ["sums.inputGrad", saved.sums.inputGrad.data, sums.inputGrad.data],
  ];
  for (const [name, given, computed] of pairs) {
    for (let i = 0; i < given.length; i++) {
      if (!nearlyEqual(given[i] as number, computed[i] as number)) {
        throw new StateFileError(
          `"${name}.data[${i}]" is ${given[i]}, but the first ${saved.position} positions of this image, kernel and target sum to ${computed[i]}.`,
        );
      }
    }
  }
  if (!nearlyEqual(saved.sums.biasGrad, sums.biasGrad)) {
    throw new StateFileError(
      `"sums.biasGrad" is ${saved.sums.biasGrad}, but the first ${saved.position} positions sum to ${sums.biasGrad}.`,
    );
  }
  return sums;
}

/**
 * Opens a state file's text. On any problem, shows a message naming it and leaves the current
 * state as it was. Resolves true when the state was replaced.
 */
export function importState(text: string): Promise<boolean> {
  return loadState(
    () => parseState(text),
    "Import failed, nothing was changed.",
    "State imported.",
  );
}

/**
 * Opens the state of a shared link's fragment value (see link.ts). On a problem, shows a
 * message and keeps the current (default) state. `announce` false opens it without the notice
 * that says so (an embedded figure: the frame is for the figure, the reader did not open it).
 */
export function openLink(value: string, announce = true): Promise<boolean> {
  return loadState(
    () => decodeLink(value),
    "The link could not be opened; showing the default state instead.",
    announce ? "Opened the shared state from the link." : null,
  );
}

/**
 * Reads a state (a file's, with sums to check, or a link's, without), computes its sweep in
 * the worker, and only then replaces the current state; on any problem it says why and
 * changes nothing.
 */
async function loadState(
  read: () => SavedState | LinkedState | Promise<SavedState | LinkedState>,
  failure: string,
  success: string | null,
): Promise<boolean> {
  let saved: SavedState | LinkedState;
  let sweep: Sweep;
  let sums: SweepSums;
  try {
    saved = await read();
    // A state that is going to replace this one: training on this one stops now, so that
    // none of its reports (nor the sweeps they ask for) land after it.
    endTraining();
    if (get().training) commit({ training: false });
    sweep = await sweepOf(saved);
    sums =
      "sums" in saved ? checkSums(saved, sweep) : sumsAt(sweep, emptySums(sweep), saved.position);
  } catch (error) {
    if (error instanceof SupersededError) return false;
    const text =
      error instanceof StateFileError || error instanceof LinkError
        ? error.message
        : `It could not be read: ${errorText(error)}`;
    commit({ notice: { kind: "error", text: `${failure} ${text}` } });
    // The check may have superseded a sweep of the current state: ask for it again.
    if (get().sweepPending) void requestSweep(get().position);
    return false;
  }
  endTraining();
  commit({
    image: saved.image,
    kernel: saved.kernel,
    bias: saved.bias,
    initialKernel: saved.kernel,
    initialBias: saved.bias,
    targetKernel: saved.targetKernel,
    target: saved.target,
    paintedDelta: saved.paintedDelta ?? null,
    options: saved.options,
    reduction: saved.reduction,
    learningRate: saved.learningRate,
    updates: saved.updates,
    sweep,
    sweepPending: false,
    position: saved.position,
    sums,
    training: false,
    playing: false,
    // A painted δ's Σ δ·out is not the loss the curve follows (see requestSweep).
    lossHistory: saved.paintedDelta ? [] : [{ update: saved.updates, loss: sweep.loss }],
    lossStride: 1,
    goodParams: { kernel: saved.kernel, bias: saved.bias, updates: saved.updates },
    engineError: null,
    notice: success === null ? null : { kind: "info", text: success },
  });
  return true;
}

/**
 * The sweep of a state about to be loaded. A stroke's or the training's sweep asked for
 * meanwhile supersedes it on the worker's sweep lane; the load is what the person asked for
 * last, so it asks again (a few times at most: each retry follows a newer request).
 */
async function sweepOf(state: LinkedState): Promise<Sweep> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engineLane("sweep").sweep({
        image: state.image,
        kernel: state.kernel,
        bias: state.bias,
        target: state.target,
        options: state.options,
        reduction: state.reduction,
        ...(state.paintedDelta ? { outputGrad: state.paintedDelta } : {}),
      });
    } catch (error) {
      if (!(error instanceof SupersededError) || attempt >= 5) throw error;
    }
  }
}

/**
 * Restores work saved in this browser (see saved.ts): a link document. On a problem the
 * message says so and the default state stays.
 */
export function restoreSaved(doc: unknown): Promise<boolean> {
  return loadState(
    () => readState(doc, "link"),
    "Your saved work could not be restored, so the app starts fresh.",
    null,
  );
}

/** The current state without its sums (they are derived): what links and saved work hold. */
export function currentLinkedState(): LinkedState {
  const s = get();
  return {
    image: s.image,
    kernel: s.kernel,
    bias: s.bias,
    target: s.target,
    targetKernel: s.targetKernel,
    ...(s.paintedDelta === null ? {} : { paintedDelta: s.paintedDelta }),
    options: s.options,
    reduction: s.reduction,
    learningRate: s.learningRate,
    updates: s.updates,
    position: s.position,
  };
}

/** The current state as a link fragment ("state=…"). */
export function shareLink(): Promise<string> {
  return encodeLink(currentLinkedState());
}
