import { useId, useState } from "react";
import {
  FILTER_PRESET_LABELS,
  FILTER_PRESETS,
  type FilterPreset,
  presetFilter,
} from "../../state/filters";
import {
  setLearningRate,
  setReduction,
  setTargetKernel,
  setTargetPreset,
} from "../../state/problem";
import { setTrainSteps, stopTraining, train } from "../../state/training";
import { reinitialise } from "../../state/update";
import { useApp } from "../../state/useApp";
import { maxAbs } from "../../viz/color";
import { downloadBlob } from "../../viz/download";
import { formatNumber } from "../../viz/format";
import { NumberGrid } from "../../viz/NumberGrid";
import { type Decimal, parseDecimal } from "../decimal";
import { Panel } from "../Panel";
import { FilterEditor } from "./FilterEditor";
import { lossCsv } from "./lossCsv";
import { TrainingLossChart } from "./TrainingLossChart";

function presetOf(filter: ReturnType<typeof presetFilter> | null): FilterPreset | "custom" {
  if (filter === null) return "custom";
  for (const p of FILTER_PRESETS) {
    const f = presetFilter(p);
    if (
      f.height === filter.height &&
      f.width === filter.width &&
      f.data.every((v, i) => v === filter.data[i])
    )
      return p;
  }
  return "custom";
}

/** The most steps one Train runs. */
const MAX_STEPS = 100000;

/** The Steps field's text as a number of steps: a whole number from 1 to MAX_STEPS. */
function readSteps(text: string): Decimal {
  const read = parseDecimal(text, "the number of steps", "1000");
  if ("error" in read) return read;
  if (Number.isInteger(read.value) && read.value >= 1 && read.value <= MAX_STEPS) return read;
  return {
    error: `The number of steps ("${text.trim()}") must be a whole number from 1 to ${MAX_STEPS}.`,
  };
}

/** The message of a read that failed, or null. */
function errorOf(read: Decimal | null): string | null {
  return read !== null && "error" in read ? read.error : null;
}

/** Train the shared filter towards a target made by a known filter, and watch the loss fall. */
export function TrainingPanel({
  chartWidth,
}: {
  /** Loss chart width in CSS pixels. */ chartWidth: number;
}) {
  const targetKernel = useApp((s) => s.targetKernel);
  const kernel = useApp((s) => s.kernel);
  const bias = useApp((s) => s.bias);
  const lr = useApp((s) => s.learningRate);
  const reduction = useApp((s) => s.reduction);
  const steps = useApp((s) => s.trainSteps);
  const training = useApp((s) => s.training);
  const history = useApp((s) => s.lossHistory);
  const seed = useApp((s) => s.initSeed);
  const id = useId();
  // What the person is typing, until it is taken; null shows the store's value.
  const [lrText, setLrText] = useState<string | null>(null);
  const [stepsText, setStepsText] = useState<string | null>(null);
  const lrRead = lrText === null ? null : parseDecimal(lrText, "the learning rate", "0.001");
  const lrError = errorOf(lrRead);
  const stepsError = errorOf(stepsText === null ? null : readSteps(stepsText));
  const commitLr = () => {
    if (lrRead !== null && "value" in lrRead && setLearningRate(lrRead.value)) setLrText(null);
  };
  const preset = presetOf(targetKernel);
  const scale = Math.max(maxAbs(kernel.data), targetKernel ? maxAbs(targetKernel.data) : 0);
  const first = history[0];
  const last = history[history.length - 1];
  return (
    <Panel
      id="training"
      title="Training"
      lead="The target is what a known filter makes of the image. Starting from random weights, repeated sweeps and updates pull the one shared filter towards it."
    >
      <div className="training-grid">
        <div className="training-settings">
          <label>
            Target filter{" "}
            <select
              value={preset}
              onChange={(e) => {
                if (e.target.value !== "custom") setTargetPreset(e.target.value as FilterPreset);
              }}
            >
              {FILTER_PRESETS.map((p) => (
                <option key={p} value={p}>
                  {FILTER_PRESET_LABELS[p]}
                </option>
              ))}
              <option value="custom">Typed in</option>
            </select>
          </label>
          {targetKernel ? (
            <FilterEditor filter={targetKernel} onChange={setTargetKernel} label="Target filter" />
          ) : null}
          <label>
            Learning rate η{" "}
            <input
              type="text"
              inputMode="decimal"
              className="number-input"
              value={lrText ?? String(lr)}
              aria-invalid={lrError !== null}
              aria-describedby={lrError !== null ? `${id}-lr-error` : undefined}
              onChange={(e) => setLrText(e.target.value)}
              onBlur={commitLr}
              onKeyDown={(e) => {
                if (e.key === "Enter") commitLr();
              }}
            />
          </label>
          <p className="field-error" id={`${id}-lr-error`} aria-live="polite">
            {lrError}
          </p>
          <label>
            Loss{" "}
            <select
              value={reduction}
              onChange={(e) => setReduction(e.target.value as "sum" | "mean")}
            >
              <option value="sum">½ Σ (out − target)² (sum)</option>
              <option value="mean">½ · mean (out − target)² (mean)</option>
            </select>
          </label>
          <div className="tools">
            <label>
              Steps{" "}
              <input
                type="number"
                className="number-input"
                min={1}
                max={MAX_STEPS}
                value={stepsText ?? steps}
                aria-invalid={stepsError !== null}
                aria-describedby={stepsError !== null ? `${id}-steps-error` : undefined}
                onChange={(e) => {
                  setStepsText(e.target.value);
                  const read = readSteps(e.target.value);
                  if ("value" in read) setTrainSteps(read.value);
                }}
                onBlur={() => {
                  if (stepsText !== null && stepsError === null) setStepsText(null);
                }}
              />
            </label>
            {training ? (
              <button type="button" className="primary" onClick={stopTraining}>
                Stop training
              </button>
            ) : (
              <button type="button" className="primary" onClick={() => void train()}>
                Train
              </button>
            )}
          </div>
          <p className="field-error" id={`${id}-steps-error`} aria-live="polite">
            {stepsError}
          </p>
          <p className="hint">
            Initial filter: seeded random (seed {seed}).{" "}
            <button type="button" className="link" onClick={reinitialise} disabled={training}>
              Re-initialise
            </button>
          </p>
        </div>
        <div className="training-results">
          <TrainingLossChart points={history} width={chartWidth} height={170} />
          <button
            type="button"
            className="small"
            disabled={history.length === 0}
            onClick={() =>
              downloadBlob(new Blob([lossCsv(history)], { type: "text/csv" }), "convsweep-loss.csv")
            }
          >
            Loss as CSV
          </button>
          <p className="readout" aria-live="polite">
            {first && last && history.length > 1
              ? `Loss ${formatNumber(first.loss)} → ${formatNumber(last.loss)} (${formatNumber(first.loss / last.loss, 3)}× lower) over ${last.update - first.update} updates.`
              : "Train, or apply updates by hand, to draw the curve."}
          </p>
          <div className="equation">
            <figure>
              <NumberGrid grid={kernel} label="Learned filter" scaleMax={scale} digits={3} />
              <figcaption>Learned w (b = {formatNumber(bias, 3)})</figcaption>
            </figure>
            {targetKernel ? (
              <figure>
                <NumberGrid grid={targetKernel} label="Target filter" scaleMax={scale} digits={3} />
                <figcaption>Target filter (b = 0)</figcaption>
              </figure>
            ) : null}
          </div>
        </div>
      </div>
    </Panel>
  );
}
