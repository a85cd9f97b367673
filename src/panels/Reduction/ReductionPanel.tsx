import { useId, useMemo } from "react";
import {
  createGrid,
  type Grid,
  type Reduction,
  type ReductionComparison,
  relativeError,
} from "../../engine/index";
import { setReduction } from "../../state/problem";
import { useEngineRequest } from "../../state/useEngineRequest";
import { maxAbs, type Rgb } from "../../viz/color";
import { Num } from "../../viz/Num";
import { NumberGrid } from "../../viz/NumberGrid";
import { useBusy } from "../busyPanels";
import { Panel } from "../Panel";
import { useAppWhile, useLive } from "../useOnScreen";
import "./reduction.css";

/** The client lane this view's requests travel in. */
const LANE = "reduction";
const NEUTRAL: Rgb = [236, 239, 243];
const neutral = () => NEUTRAL;

/** What the panel shows, derived from the worker's comparison. */
interface Derived {
  /** sum ÷ mean per kernel entry (N where both are non-zero). */
  ratio: Grid;
  biasRatio: number;
  /** Largest relative difference between mean and sum / N over every entry and the bias. */
  meanVsSum: number;
  /** Largest |kernelAfter(sum, η/N) − kernelAfter(mean, η)| over every entry and the bias. */
  updateDifference: number;
}

function derive(c: ReductionComparison): Derived {
  const n = c.positions;
  const { sum, mean } = c;
  const ratio = createGrid(sum.kernelGrad.height, sum.kernelGrad.width);
  let meanVsSum = relativeError(mean.biasGrad, sum.biasGrad / n);
  let updateDifference = Math.abs(sum.biasAfter - mean.biasAfter);
  sum.kernelGrad.data.forEach((s, t) => {
    const m = mean.kernelGrad.data[t] as number;
    ratio.data[t] = s / m; // 0 / 0 is NaN, which formatNumber shows as "—"
    meanVsSum = Math.max(meanVsSum, relativeError(m, s / n));
    updateDifference = Math.max(
      updateDifference,
      Math.abs((sum.kernelAfter.data[t] as number) - (mean.kernelAfter.data[t] as number)),
    );
  });
  return { ratio, biasRatio: sum.biasGrad / mean.biasGrad, meanVsSum, updateDifference };
}

/**
 * Sum or mean: the mean reduction's gradient is the sum's divided by N, entry by entry, so a
 * step of η on the mean is a step of η/N on the sum. Both are computed by the engine in the
 * worker for the current problem.
 */
export function ReductionPanel() {
  // Off screen during playback or training the inputs stay as they were (see useLive): no
  // new comparison for every training report.
  const live = useLive("reduction", useBusy());
  const image = useAppWhile(live, (s) => s.image);
  const kernel = useAppWhile(live, (s) => s.kernel);
  const bias = useAppWhile(live, (s) => s.bias);
  const target = useAppWhile(live, (s) => s.target);
  const options = useAppWhile(live, (s) => s.options);
  const learningRate = useAppWhile(live, (s) => s.learningRate);
  const reduction = useAppWhile(live, (s) => s.reduction);
  const id = useId();
  const { result: comparison, error } = useEngineRequest(
    LANE,
    (lane) => lane.compareReductions({ image, kernel, bias, target, options, learningRate }),
    [image, kernel, bias, target, options, learningRate],
  );

  const derived = useMemo(() => (comparison ? derive(comparison) : null), [comparison]);
  const gradScale = comparison ? maxAbs(comparison.sum.kernelGrad.data) : 1;
  const meanScale = comparison ? maxAbs(comparison.mean.kernelGrad.data) : 1;
  const afterScale = comparison
    ? Math.max(maxAbs(comparison.sum.kernelAfter.data), maxAbs(comparison.mean.kernelAfter.data))
    : 1;

  return (
    <Panel
      id="reduction"
      title="Sum or mean"
      lead="The mean loss is the summed loss divided by the number of positions N, so its gradient is too — and a step of η on the mean is a step of η/N on the sum."
    >
      <fieldset className="segmented reduction-choice">
        <legend className="visually-hidden">The loss the app trains with</legend>
        <span>The app trains with</span>
        {(["sum", "mean"] as const).map((r: Reduction) => (
          <label key={r}>
            <input
              type="radio"
              name={`${id}-reduction`}
              value={r}
              checked={reduction === r}
              onChange={() => setReduction(r)}
            />{" "}
            {r}
          </label>
        ))}
      </fieldset>
      {error !== null ? (
        <p className="readout" aria-live="polite">
          The comparison failed: {error}
        </p>
      ) : null}
      {comparison && derived ? (
        <>
          <p className="readout" id="reduction-n">
            N = <strong title={String(comparison.positions)}>{comparison.positions}</strong> output
            positions. Loss: sum <Num value={comparison.sum.loss} />, mean{" "}
            <Num value={comparison.mean.loss} /> (= sum / N).
          </p>
          <div className="equation reduction-grads">
            <figure>
              <NumberGrid
                grid={comparison.sum.kernelGrad}
                label="Kernel gradient with the sum reduction"
                scaleMax={gradScale}
                digits={4}
              />
              <figcaption>
                ∂L/∂w, sum
                <br />
                ∂L/∂b = <Num value={comparison.sum.biasGrad} />
              </figcaption>
            </figure>
            <figure>
              <NumberGrid
                grid={comparison.mean.kernelGrad}
                label="Kernel gradient with the mean reduction"
                scaleMax={meanScale}
                digits={4}
              />
              <figcaption>
                ∂L/∂w, mean
                <br />
                ∂L/∂b = <Num value={comparison.mean.biasGrad} />
              </figcaption>
            </figure>
            <figure>
              <NumberGrid
                grid={derived.ratio}
                label="Sum gradient divided by mean gradient"
                color={neutral}
                digits={7}
              />
              <figcaption>
                sum ÷ mean
                <br />
                bias: <Num value={derived.biasRatio} digits={7} />
              </figcaption>
            </figure>
          </div>
          <p className="readout" aria-live="polite" id="reduction-mean-vs-sum">
            mean = sum / N entry by entry: the largest relative difference is{" "}
            <strong>
              <Num value={derived.meanVsSum} digits={2} />
            </strong>{" "}
            (rounding).
          </p>
          <h3 className="reduction-sub">One update each</h3>
          <div className="equation reduction-grads">
            <figure>
              <NumberGrid
                grid={comparison.sum.kernelAfter}
                label="Kernel after one update with the sum and learning rate eta over N"
                scaleMax={afterScale}
                digits={4}
              />
              <figcaption>
                sum, η/N = <Num value={comparison.sum.learningRate} />
                <br />b → <Num value={comparison.sum.biasAfter} />
              </figcaption>
            </figure>
            <figure>
              <NumberGrid
                grid={comparison.mean.kernelAfter}
                label="Kernel after one update with the mean and learning rate eta"
                scaleMax={afterScale}
                digits={4}
              />
              <figcaption>
                mean, η = <Num value={comparison.mean.learningRate} />
                <br />b → <Num value={comparison.mean.biasAfter} />
              </figcaption>
            </figure>
          </div>
          <p className="readout" id="reduction-update-difference">
            The two new filters differ by at most{" "}
            <strong>
              <Num value={derived.updateDifference} digits={2} />
            </strong>
            : the same update, up to rounding.
          </p>
        </>
      ) : error === null ? (
        <p className="hint">Computing both reductions in the worker…</p>
      ) : null}
    </Panel>
  );
}
