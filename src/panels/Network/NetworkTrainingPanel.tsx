import { useMemo } from "react";
import { layerLabel } from "../../engine";
import {
  type CurvePoint,
  curvePoints,
  MAX_CURVE_POINTS,
  meanOfLast,
  sampled,
} from "../../state/network/stepSeries";
import { latestEvaluation, useDataWords, useNetwork } from "../../state/network/store";
import {
  NETWORK_RANGES,
  resetNetwork,
  setNetworkSettings,
  setNetworkWorkers,
  sharesLine,
  toggleNetworkTraining,
} from "../../state/network/training";
import { LossChart, type LossCurve } from "../../viz/LossChart";
import { useWidth } from "../../viz/useWidth";
import { Panel } from "../Panel";
import { NumberField } from "./NumberField";

/** "97.1%": an accuracy as the section prints it. */
export function percent(accuracy: number): string {
  return `${(accuracy * 100).toFixed(1)}%`;
}

/** Batches averaged for the train accuracy shown. */
const RECENT = 100;
/** Evaluations drawn at most (evenly spaced). */
const TEST_POINTS = 600;

/** The losses the y axis shows: the lowest and highest positive loss drawn (default 0.01–3). */
function domainOf(points: readonly CurvePoint[]): [number, number] {
  let [low, high] = [Number.POSITIVE_INFINITY, 0];
  for (const [, loss] of points) {
    if (loss > 0 && Number.isFinite(loss))
      [low, high] = [Math.min(low, loss), Math.max(high, loss)];
  }
  return high > 0 ? [low, high] : [0.01, 3];
}

/** The network's settings, Train network / Pause network, and how well it does. */
export function NetworkTrainingPanel() {
  const spec = useNetwork((s) => s.spec);
  const blocked = useNetwork((s) => s.draft !== null);
  const settings = useNetwork((s) => s.settings);
  const training = useNetwork((s) => s.training);
  const steps = useNetwork((s) => s.steps);
  const digits = useNetwork((s) => s.digits);
  const evaluation = useNetwork(latestEvaluation);
  const losses = useNetwork((s) => s.losses);
  const evaluations = useNetwork((s) => s.evaluations);
  const batchAccuracies = useNetwork((s) => s.batchAccuracies);
  const workers = useNetwork((s) => s.workers);
  const shared = sharesLine(useNetwork((s) => s.shares));
  const [ref, width] = useWidth<HTMLDivElement>(400);
  const recent = meanOfLast(batchAccuracies, RECENT);
  const trainAccuracy = recent?.mean ?? null;
  // At most MAX_CURVE_POINTS points however long the history: each run of steps' lowest and
  // highest loss, summarised as steps arrive (stepSeries.ts).
  const batchPoints = useMemo(() => curvePoints(losses), [losses]);
  const curves = useMemo<LossCurve[]>(
    () => [
      { name: "batch", className: "loss-line", points: batchPoints },
      {
        name: "test",
        className: "loss-line network-test-line",
        points: sampled(evaluations, TEST_POINTS).map((e) => [e.step, e.loss] as const),
      },
    ],
    [batchPoints, evaluations],
  );
  const lossDomain = useMemo(() => domainOf(batchPoints), [batchPoints]);
  const summary = spec.layers.map(layerLabel).join(" → ");
  const words = useDataWords();
  const { channels, height, width: side } = spec.input;
  const input = `${channels === 3 ? "colour " : ""}${height}x${side} ${words.one}`;
  return (
    <Panel
      id="network-training"
      title="Train the network"
      lead={`${input} → ${summary} → softmax. Mini-batch SGD with momentum, in workers that share each batch and add their sums into one gradient.`}
      className="network-training"
    >
      <fieldset className="network-settings" disabled={training}>
        <legend>Training (pause to change)</legend>
        <NumberField
          label="Batch size"
          value={settings.batchSize}
          min={1}
          max={1024}
          step={1}
          onCommit={(batchSize) => setNetworkSettings({ batchSize })}
        />
        <NumberField
          label="η (step size)"
          value={settings.learningRate}
          min={0}
          onCommit={(learningRate) => setNetworkSettings({ learningRate })}
        />
        <NumberField
          label="η half-life in updates (0: constant)"
          value={settings.learningRateHalfLife ?? 0}
          min={0}
          step={1}
          onCommit={(learningRateHalfLife) => setNetworkSettings({ learningRateHalfLife })}
        />
        <label className="network-field">
          <span>Training images shifted</span>
          <select
            value={settings.maxShift ?? 0}
            onChange={(e) => setNetworkSettings({ maxShift: Number(e.target.value) })}
          >
            <option value={0}>not shifted</option>
            <option value={1}>up to ±1 pixel</option>
            <option value={2}>up to ±2 pixels</option>
          </select>
        </label>
        <NumberField
          label="Momentum μ"
          value={settings.momentum}
          min={0}
          max={0.999}
          onCommit={(momentum) => setNetworkSettings({ momentum })}
        />
        <label className="network-field">
          <span>Batch loss</span>
          <select
            value={settings.reduction}
            onChange={(e) =>
              setNetworkSettings({ reduction: e.target.value === "sum" ? "sum" : "mean" })
            }
          >
            <option value="mean">mean over the batch</option>
            <option value="sum">sum over the batch</option>
          </select>
        </label>
        <NumberField
          label="Seed"
          value={settings.seed}
          min={0}
          step={1}
          onCommit={(seed) => setNetworkSettings({ seed })}
        />
        <NumberField
          label="Workers (share each batch)"
          value={workers}
          min={NETWORK_RANGES.workers.min}
          max={NETWORK_RANGES.workers.max}
          step={1}
          onCommit={setNetworkWorkers}
        />
      </fieldset>
      <div className="tools network-run">
        <button
          type="button"
          className="primary"
          onClick={toggleNetworkTraining}
          disabled={blocked && !training}
        >
          {training ? "Pause network" : "Train network"}
        </button>
        <button type="button" onClick={resetNetwork}>
          Start over from the seed
        </button>
      </div>
      <div className="network-figures" aria-live="polite">
        <p>
          <span data-quantity="network-steps">Step {steps.toLocaleString("en")}</span>
          {" · "}
          <strong data-quantity="test-accuracy" data-value={evaluation?.accuracy ?? ""}>
            {evaluation ? `Test accuracy ${percent(evaluation.accuracy)}` : "Test accuracy —"}
          </strong>
          {evaluation ? (
            <span className="hint">
              {" "}
              ({words.test.toLocaleString("en-US")} held-out {words.many}, at step {evaluation.step}
              )
            </span>
          ) : null}
        </p>
        <p className="hint">
          {trainAccuracy === null
            ? "Train accuracy —"
            : `Train accuracy ${percent(trainAccuracy)} (${recent?.count === 1 ? "its one batch, before its update" : `its last ${recent?.count} batches, before each update`})`}
          {digits === "loading"
            ? ` · loading the ${(words.train + words.test).toLocaleString("en-US")} ${words.many}…`
            : null}
        </p>
        {shared === null ? null : (
          <p className="hint" data-quantity="network-shares">
            {shared}
          </p>
        )}
      </div>
      <div ref={ref} className="network-chart">
        {losses.length > 0 ? (
          <LossChart
            curves={curves}
            xDomain={[0, Math.max(10, steps)]}
            lossDomain={lossDomain}
            xTitle="steps"
            label={`Network loss by step: each batch's cross-entropy and the held-out ${words.many}' mean`}
            width={Math.max(240, width)}
            height={180}
            yTicks="decades"
            maxPoints={MAX_CURVE_POINTS}
          />
        ) : (
          <p className="hint">The loss curve appears when training starts.</p>
        )}
        <p className="hint network-legend">
          <span className="network-key batch" /> each batch · <span className="network-key test" />{" "}
          held-out {words.many}
        </p>
      </div>
    </Panel>
  );
}
