/**
 * The real network's settings and training: Train network / Pause network runs in the worker
 * on the lane "network-train"; its reports are applied at most once per animation frame, and
 * only while their run is the live one. Settings change only while no run is live.
 */
import {
  checkTrainSettings,
  errorText,
  type LayerSpec,
  NETWORK_PRESETS,
  type NetworkPresetName,
  type TrainSettings,
} from "../../engine";
import {
  type NetworkTrainOutcome,
  type NetworkTrainProgress,
  SupersededError,
} from "../../worker/client";
import { networkTrainingEngine } from "../engineClient";
import { sectionDataKey } from "./digits";
import { MAX_PARAM, MAX_STEPS, MAX_VELOCITY, readSettings } from "./file";
import { layersForClasses, sectionSpec, specProblem } from "./spec";
import { appended } from "./stepSeries";
import {
  fitOf,
  freshNetwork,
  MAX_WORKERS,
  type NetworkState,
  networkStore,
  sweepTargetIn,
} from "./store";
import { refreshPrediction, requestNetworkSweep, requestPrediction } from "./sweep";
// Every change to the network's store passes the network file's rules (guard.ts).
import "./guard";

/** Steps one press of Train network may run before it stops by itself. */
export const RUN_LIMIT = 100_000;
/**
 * Shortest time between two reports of the worker: 50 ms, 20 a second. Each report repaints
 * the loss curve, the numbers and the K filters; at one a frame that kept the main thread
 * 46–55% busy while training (bench:page, --only=network), at 20 a second 29%, and the curve
 * still moves smoothly.
 */
export const REPORT_MS = 50;
/** Steps between two evaluations of the 2,000 held-out digits (about 250 ms each). */
export const EVALUATE_EVERY = 100;

const get = () => networkStore.getState();
const set = (change: Partial<NetworkState>) => networkStore.setState(change);

/** The live run's token: a report or an end of an older run is dropped. */
let liveRun: object | null = null;

/**
 * Longest wait for an animation frame before waiting reports are applied anyway: a hidden page
 * runs no frames (and its timers at most about once a second), so a run in a background tab
 * still lands in the store, and what waits meanwhile stays one report's size.
 */
export const REPORT_FALLBACK_MS = 250;

/**
 * The reports of a run not applied yet, merged as they arrive: the latest parameters and
 * momentum only (a report's copies, the one thing of size), every loss, accuracy and evaluation.
 */
interface Pending {
  step: number;
  params: Float64Array;
  velocity: Float64Array;
  shares: readonly number[];
  losses: Float64Array[];
  accuracies: Float64Array[];
  evaluations: NetworkTrainProgress["evaluations"][number][];
}

/** What `merged` lands: a report, a run's end, or reports merged while they waited. */
type Landed = Pick<NetworkTrainProgress, "step" | "params" | "velocity" | "shares"> & {
  readonly losses: ArrayLike<number> | readonly ArrayLike<number>[];
  readonly accuracies: ArrayLike<number> | readonly ArrayLike<number>[];
  readonly evaluations: NetworkTrainProgress["evaluations"];
};

/** `pending` with `report` merged in: the older parameters are dropped at once. */
function coalesced(pending: Pending | null, report: NetworkTrainProgress): Pending {
  if (pending === null) {
    return {
      step: report.step,
      params: report.params,
      velocity: report.velocity,
      shares: report.shares,
      losses: [report.losses],
      accuracies: [report.accuracies],
      evaluations: [...report.evaluations],
    };
  }
  pending.step = report.step;
  pending.params = report.params;
  pending.velocity = report.velocity;
  if (report.shares.length > 0) pending.shares = report.shares;
  pending.losses.push(report.losses);
  pending.accuracies.push(report.accuracies);
  pending.evaluations.push(...report.evaluations);
  return pending;
}

/**
 * Applies the reports of the live run at most once per animation frame, or after
 * REPORT_FALLBACK_MS when no frame comes (a hidden page). Reports merge as they arrive, so
 * however long frames wait, one report's parameters wait with them.
 */
class Reports {
  #pending: Pending | null = null;
  #frame: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  constructor(readonly run: object) {}

  add(report: NetworkTrainProgress): void {
    this.#pending = coalesced(this.#pending, report);
    if (typeof requestAnimationFrame !== "function") {
      this.apply();
      return;
    }
    this.#frame ??= requestAnimationFrame(() => this.apply());
    this.#timer ??= setTimeout(() => this.apply(), REPORT_FALLBACK_MS);
  }

  /** Lands what waits in one change of the store. */
  apply(): void {
    this.#unschedule();
    const pending = this.#pending;
    this.#pending = null;
    if (liveRun !== this.run || pending === null) return;
    set(merged(get(), [pending]));
    refreshPrediction();
  }

  cancel(): void {
    this.#unschedule();
    this.#pending = null;
  }

  #unschedule(): void {
    if (this.#frame !== null && typeof cancelAnimationFrame === "function") {
      cancelAnimationFrame(this.#frame);
    }
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#frame = null;
    this.#timer = null;
  }
}

/** A report's numbers: one array, or the arrays of reports merged while they waited. */
function chunksOf(numbers: ArrayLike<number> | readonly ArrayLike<number>[]) {
  return Array.isArray(numbers)
    ? (numbers as readonly ArrayLike<number>[])
    : [numbers as ArrayLike<number>];
}

/**
 * The state after some reports (or a run's end): the last one's parameters, all their numbers.
 * The history grows in place (stepSeries.ts): its cost is the new steps', not the history's.
 */
function merged(state: NetworkState, reports: readonly Landed[]): Partial<NetworkState> {
  const last = reports.at(-1);
  if (last === undefined) return {};
  const shares = [...reports].reverse().find((r) => r.shares.length > 0)?.shares;
  let losses = state.losses;
  let batchAccuracies = state.batchAccuracies;
  for (const r of reports) {
    for (const chunk of chunksOf(r.losses)) losses = appended(losses, chunk);
    for (const chunk of chunksOf(r.accuracies)) batchAccuracies = appended(batchAccuracies, chunk);
  }
  const evaluations = reports.flatMap((r) => r.evaluations);
  return {
    ...(shares === undefined ? {} : { shares }),
    params: last.params,
    velocity: last.velocity,
    steps: last.step,
    losses,
    batchAccuracies,
    ...(evaluations.length === 0 ? {} : { evaluations: [...state.evaluations, ...evaluations] }),
  };
}

/** Starts training from where the network is (Train network). */
export function trainNetwork(): void {
  const state = get();
  if (state.training) return;
  if (state.draft !== null) {
    set({
      message: `Training waits until the layers make a network: ${state.draft.problem}`,
    });
    return;
  }
  const left = MAX_STEPS - state.steps;
  if (left <= 0) {
    set({
      message: `The network has taken ${MAX_STEPS.toLocaleString("en-US")} steps, the most a network file counts: press Start over from the seed to train again.`,
    });
    return;
  }
  const run = {};
  liveRun = run;
  const reports = new Reports(run);
  set({ training: true, message: null, digits: state.digits === "ready" ? "ready" : "loading" });
  networkTrainingEngine()
    .lane("network-train")
    .trainNetwork(
      {
        network: { spec: state.spec, params: state.params },
        velocity: state.velocity,
        steps: state.steps,
        settings: state.settings,
        run: Math.min(RUN_LIMIT, left),
        reportMs: REPORT_MS,
        evaluateEvery: EVALUATE_EVERY,
        data: sectionDataKey(state),
        workers: state.workers,
      },
      (report) => {
        if (liveRun === run) set({ digits: "ready" });
        reports.add(report);
      },
    )
    .then(
      (end: NetworkTrainOutcome) => {
        reports.apply();
        if (liveRun !== run) return;
        liveRun = null;
        set({
          ...merged(get(), [end]),
          training: false,
          digits: "ready",
          message: end.diverged
            ? `Training stopped before a step that would leave what a network holds (a weight within ±${MAX_PARAM.toLocaleString("en-US")}, a momentum value within ±${MAX_VELOCITY.toLocaleString("en-US")}, a batch loss of at most 1e12, every number finite): lower η and press Train network again.`
            : null,
        });
        requestNetworkSweep();
        if (get().probabilities !== null) requestPrediction();
      },
      (error: unknown) => {
        reports.cancel();
        if (liveRun !== run) return;
        liveRun = null;
        if (error instanceof SupersededError) {
          set({ training: false });
          return;
        }
        set({ training: false, digits: "error", message: errorText(error) });
      },
    );
}

/** Pauses training where it is (Pause network): the run ends with what it reached. */
export function pauseNetwork(): void {
  if (get().training) networkTrainingEngine().lane("network-train").stop();
}

/** Train network / Pause network: the same button. */
export function toggleNetworkTraining(): void {
  if (get().training) pauseNetwork();
  else trainNetwork();
}

/** Ends a live run at once, dropping what it has not reported (before a reset or an import). */
export function endNetworkTraining(): void {
  if (liveRun === null) return;
  liveRun = null;
  networkTrainingEngine().lane("network-train").cancel();
  set({ training: false });
}

/** Back to the seed's initial parameters, history cleared (the drawn digit stays). */
export function resetNetwork(): void {
  endNetworkTraining();
  const { spec, settings } = get();
  set({ ...freshNetwork(spec, settings.seed, get().data), message: null });
  requestNetworkSweep();
  if (get().probabilities !== null) requestPrediction(true);
}

/**
 * Sets the network's layers (the layer editor): layers that make a network the section can
 * train become the network, from the seed (the sweep keeps its layer when it is still a conv
 * layer). Layers that do not are kept as the draft, with the problem named at its layer; the
 * network, its weights and its history stay as they were until the layers are fixed.
 */
export function setNetworkLayers(layers: readonly LayerSpec[]): void {
  endNetworkTraining();
  const state = get();
  const spec = sectionSpec(layers, state.spec.input);
  const problem = specProblem(spec, fitOf(state.data));
  if (problem !== null) {
    set({ draft: { layers: spec.layers, problem }, message: null });
    return;
  }
  set({
    ...freshNetwork(spec, state.settings.seed, state.data),
    ...sweepTargetIn(spec, state.layer, state.filter),
    message: null,
  });
  requestNetworkSweep();
  if (get().probabilities !== null) requestPrediction(true);
}

/** Starts again from one of the presets (today's network, two conv layers, LeNet-5, all-conv). */
export function chooseNetworkPreset(name: NetworkPresetName): void {
  setNetworkLayers(layersForClasses(NETWORK_PRESETS[name]().layers, fitOf(get().data).classes));
}

/** Drops the draft: the editor shows the network's own layers again. */
export function discardLayerDraft(): void {
  set({ draft: null, message: null });
}

/**
 * Changes how the network trains. A new seed starts a new network (it seeds the initial
 * weights); the other settings apply from the next step. Refused naming the field.
 */
export function setNetworkSettings(change: Partial<TrainSettings>): void {
  const state = get();
  if (state.training) return;
  try {
    // The network file's rules first (one source of limits), then the engine's.
    const checked = checkTrainSettings(readSettings({ ...state.settings, ...change }));
    // The settings the section offers (see NETWORK_DEFAULT_SETTINGS); no weight decay.
    const { batchSize, learningRate, momentum, reduction, seed } = checked;
    const { maxShift = 0, learningRateHalfLife = 0 } = checked;
    const plain: TrainSettings = {
      batchSize,
      learningRate,
      momentum,
      reduction,
      seed,
      maxShift,
      learningRateHalfLife,
    };
    const reseeded = plain.seed !== state.settings.seed;
    set({
      settings: plain,
      ...(reseeded ? freshNetwork(state.spec, plain.seed, state.data) : {}),
      message: null,
    });
  } catch (error) {
    set({ message: `That setting cannot be used: ${errorText(error)}` });
    return;
  }
  requestNetworkSweep();
}

/**
 * How many workers share each step's batch (Workers): from the next run. The numbers differ
 * from one worker's only in the order of the additions (1e-12 relative at most).
 */
export function setNetworkWorkers(workers: number): void {
  if (get().training) return;
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    set({
      message: `That setting cannot be used: workers must be a whole number from 1 to ${MAX_WORKERS}; got ${workers}`,
    });
    return;
  }
  set({ workers, message: null });
}

/** "2 workers summed 32 and 32 images; one gradient." (null before a step is trained). */
export function sharesLine(shares: readonly number[]): string | null {
  if (shares.length === 0) return null;
  const images = (n: number) => (n === 1 ? "image" : "images");
  if (shares.length === 1) {
    return `1 worker summed ${shares[0]} ${images(shares[0] as number)}; one gradient.`;
  }
  const counts = shares.map(String);
  const listed = `${counts.slice(0, -1).join(", ")} and ${counts.at(-1)}`;
  const total = shares.reduce((a, b) => a + b, 0);
  return `${shares.length} workers summed ${listed} ${images(total)}; one gradient.`;
}

/** The ranges the section's controls offer. */
export const NETWORK_RANGES = {
  batchSize: { min: 1, max: 1024 },
  workers: { min: 1, max: MAX_WORKERS },
} as const;
