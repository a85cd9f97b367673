import { useMemo } from "react";
import { labelText, type NetworkSweepResult, useDataWords } from "../../state/network/store";
import { batchSum } from "../../state/network/sums";
import { applyBatchStep } from "../../state/network/sweep";
import { divergingColor, maxAbs } from "../../viz/color";
import { exactNumber } from "../../viz/format";
import { GridCanvas } from "../../viz/GridCanvas";
import { NumberGrid } from "../../viz/NumberGrid";
import { FilterBank } from "./NetworkFiltersPanel";
import { plural } from "./plural";
import { range } from "./range";
import { sameBits } from "./SweepSums";

/** Props of {@link BatchStepView}. */
export interface BatchStepViewProps {
  /** The sweep whose batch step is shown. */
  result: NetworkSweepResult;
  /** Settings shown with the update. */
  learningRate: number;
  momentum: number;
  reduction: "sum" | "mean";
  /** Training is live: the step cannot be applied by hand. */
  training: boolean;
  /** The network has moved on since this step was computed (its new one is on the way). */
  stale: boolean;
}

/**
 * The next training step seen from the chosen filter: each image of the batch gives its own
 * sum (its sweep's last line), the batch's gradient is their sum, and one update moves every
 * filter of the layer at once.
 */
export function BatchStepView({
  result,
  learningRate,
  momentum,
  reduction,
  training,
  stale,
}: BatchStepViewProps) {
  const { batch, sweep } = result;
  const size = sweep.weights.length;
  const b = batch.images.length;
  const sum = useMemo(() => batchSum(batch.imageGrads, size), [batch, size]);
  const engine = batch.layerGrad.subarray(sweep.filter * size, (sweep.filter + 1) * size);
  const exact = sameBits(sum, engine);
  const scale = maxAbs(batch.imageGrads);
  const color = useMemo(() => (v: number) => divergingColor(v, scale), [scale]);
  const shown = Math.min(b, 32);
  const K = sweep.shape.filters;
  const { kernelHeight: kh, kernelWidth: kw } = sweep.shape;
  const words = useDataWords();
  return (
    <div className="batch-step">
      <h3>
        Then the batch: {plural(b, "image")}, {b === 1 ? "with its" : "each with its own"} sum for
        filter {sweep.filter + 1}
      </h3>
      <ol className="batch-sums" aria-label="Each image's sum for this filter">
        {range(shown).map((i) => (
          <li key={i}>
            <GridCanvas
              grid={{
                height: kh,
                width: kw,
                data: batch.imageGrads.subarray(i * size, i * size + kh * kw),
              }}
              color={color}
              label={`Image ${i + 1} of the batch (${labelText(words, batch.labels[i] as number)}): its sum`}
              size={30}
            />
            <span className="hint">
              {words.classNames[batch.labels[i] as number] ?? batch.labels[i]}
            </span>
          </li>
        ))}
      </ol>
      {b > shown ? (
        <p className="hint">
          The first {shown} are shown; the sum below takes all {b}.
        </p>
      ) : null}
      <div className="batch-total">
        <NumberGrid
          grid={{ height: kh, width: kw, data: sum.subarray(0, kh * kw) }}
          label="The batch's sum for this filter"
          digits={3}
        />
        <p className={exact ? "ok" : "error-text"}>
          {exact
            ? `${b === 1 ? "The image's sum" : `Σ of the ${b} images' sums`} ${reduction === "mean" ? `(${b === 1 ? "its" : "each"} δ already ×1/${b})` : ""} = the engine's batch gradient of this filter, to the bit.`
            : "The images' sums differ from the engine's batch gradient."}
        </p>
      </div>
      <p>
        One update, v ← {exactNumber(momentum)}·v + g, w ← w − {exactNumber(learningRate)}·v,{" "}
        {K === 1 ? "moves the one filter" : `moves all ${K} filters`} of layer {sweep.layer + 1} at
        once
        {sweep.shape.inChannels === 1 ? "" : " (channel 1 shown)"}:
      </p>
      <div className="batch-update">
        <FilterBank
          weights={batch.layerBefore}
          filters={K}
          kernel={[kh, kw]}
          size={size}
          side={34}
          name="Before the update, filter"
          chosen={sweep.filter}
        />
        <span className="batch-arrow" aria-hidden="true">
          →
        </span>
        <FilterBank
          weights={batch.layerAfter}
          filters={K}
          kernel={[kh, kw]}
          size={size}
          side={34}
          name="After the update, filter"
          chosen={sweep.filter}
        />
      </div>
      <button type="button" onClick={applyBatchStep} disabled={training || stale}>
        Take this step (batch loss {batch.loss.toFixed(3)})
      </button>
      {stale && !training ? (
        <span className="hint"> The network has moved on; its next step is on the way.</span>
      ) : null}
    </div>
  );
}
