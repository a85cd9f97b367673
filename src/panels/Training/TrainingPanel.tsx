import { useState } from "react";
import {
  reinitialise,
  setLearningRate,
  setReduction,
  setTargetKernel,
  setTargetPreset,
  setTrainSteps,
  stopTraining,
  train,
} from "../../state/actions";
import {
  FILTER_PRESET_LABELS,
  FILTER_PRESETS,
  type FilterPreset,
  presetFilter,
} from "../../state/filters";
import { useApp } from "../../state/useApp";
import { maxAbs } from "../../viz/color";
import { downloadBlob } from "../../viz/exportImage";
import { formatNumber } from "../../viz/format";
import { NumberGrid } from "../../viz/NumberGrid";
import { LossChart } from "../LossChart/LossChart";
import { lossCsv } from "../LossChart/lossCsv";
import { Panel } from "../Panel";
import { FilterEditor } from "./FilterEditor";

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
  const [lrText, setLrText] = useState<string | null>(null);
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
              aria-invalid={lrText !== null && !Number.isFinite(Number(lrText))}
              onChange={(e) => setLrText(e.target.value)}
              onBlur={() => {
                if (lrText !== null && setLearningRate(Number(lrText))) setLrText(null);
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter" && lrText !== null && setLearningRate(Number(lrText)))
                  setLrText(null);
              }}
            />
          </label>
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
                max={100000}
                value={steps}
                onChange={(e) => {
                  const n = Math.round(Number(e.target.value));
                  if (Number.isFinite(n) && n >= 1 && n <= 100000) setTrainSteps(n);
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
          <p className="hint">
            Initial filter: seeded random (seed {seed}).{" "}
            <button type="button" className="link" onClick={reinitialise} disabled={training}>
              Re-initialise
            </button>
          </p>
        </div>
        <div className="training-results">
          <LossChart points={history} width={chartWidth} height={170} />
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
