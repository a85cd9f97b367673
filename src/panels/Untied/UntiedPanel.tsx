import { useEffect, useMemo, useRef, useState } from "react";
import { errorText, localFilter, outputShape } from "../../engine/index";
import { useApp } from "../../state/useApp";
import { divergingColor, maxAbs } from "../../viz/color";
import { formatNumber } from "../../viz/format";
import { Legend } from "../../viz/Legend";
import { Num } from "../../viz/Num";
import { NumberGrid } from "../../viz/NumberGrid";
import { useWidth } from "../../viz/useWidth";
import { Panel } from "../Panel";
import { ComparisonLossChart, LOSS_FLOOR } from "./ComparisonLossChart";
import { count, evaluate, SHIFT, shiftVerdict, statusText } from "./evaluation";
import { type Cell, Mosaic } from "./Mosaic";
import { ShiftedCopy } from "./ShiftedCopy";
import {
  type ComparisonInputs,
  type UntiedRate,
  untiedRateFor,
  useComparison,
} from "./useComparison";
import "./untied.css";

/** The steps offered for the comparison. */
const STEP_CHOICES = [50, 200, 500, 1000, 2000] as const;
const DEFAULT_STEPS = 200;
/** Input changes re-run a finished comparison after this quiet time (ms). */
const RERUN_DELAY = 300;

/** True when every input of `a` is the very object (or value) of `b`. */
function sameInputs(a: ComparisonInputs, b: ComparisonInputs): boolean {
  return (Object.keys(a) as (keyof ComparisonInputs)[]).every((k) => Object.is(a[k], b[k]));
}

/**
 * What if the weights were not shared: a locally connected layer, one filter and bias per
 * position, each trained on its own position's gradient alone, beside the one shared filter.
 */
export function UntiedPanel() {
  const image = useApp((s) => s.image);
  const target = useApp((s) => s.target);
  const targetKernel = useApp((s) => s.targetKernel);
  const options = useApp((s) => s.options);
  const reduction = useApp((s) => s.reduction);
  const learningRate = useApp((s) => s.learningRate);
  const kernel = useApp((s) => s.kernel);
  const bias = useApp((s) => s.bias);
  const [steps, setSteps] = useState<number>(DEFAULT_STEPS);
  const [rateMode, setRateMode] = useState<UntiedRate>("scaled");
  const [selected, setSelected] = useState<Cell | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const { comparison, start, stop } = useComparison();
  const [contentRef, width] = useWidth<HTMLDivElement>(720);

  const inputs = useMemo<ComparisonInputs>(
    () => ({ image, target, targetKernel, options, reduction, learningRate, kernel, bias }),
    [image, target, targetKernel, options, reduction, learningRate, kernel, bias],
  );
  const settings = useMemo(() => ({ steps, untiedRate: rateMode }), [steps, rateMode]);
  const run = () => {
    try {
      setStartError(null);
      start(inputs, settings);
    } catch (error) {
      setStartError(errorText(error));
    }
  };
  const runRef = useRef(run);
  runRef.current = run;

  // Once compared, a change of the problem, the filter or the settings compares again.
  useEffect(() => {
    if (comparison === null) return;
    if (sameInputs(comparison.inputs, inputs) && comparison.settings === settings) return;
    const timer = setTimeout(() => runRef.current(), RERUN_DELAY);
    return () => clearTimeout(timer);
  }, [comparison, inputs, settings]);

  const shape = useMemo(() => {
    try {
      return outputShape(image, kernel, options);
    } catch {
      return null;
    }
  }, [image, kernel, options]);
  const positions = shape ? shape.height * shape.width : 0;
  const taps = kernel.data.length;
  const running =
    comparison !== null &&
    comparison.error === null &&
    !(comparison.shared.finished && comparison.untied.finished);
  const finished = (comparison?.shared.finished && comparison.untied.finished) === true;
  const evaluation = useMemo(
    () => (comparison && finished ? evaluate(comparison) : null),
    [comparison, finished],
  );

  const untiedParams = comparison?.untied.params ?? null;
  const mosaicMax = untiedParams ? maxAbs(untiedParams.weights.data) : 1;
  // The chosen tile, kept inside the layer (a new shape may have fewer positions).
  const cell: Cell = untiedParams
    ? {
        row: Math.min(
          untiedParams.biases.height - 1,
          selected?.row ?? Math.floor(untiedParams.biases.height / 2),
        ),
        col: Math.min(
          untiedParams.biases.width - 1,
          selected?.col ?? Math.floor(untiedParams.biases.width / 2),
        ),
      }
    : { row: 0, col: 0 };
  const narrow = width < 620;
  const mosaicSize = Math.max(180, Math.min(280, narrow ? width : Math.floor(width * 0.42)));
  const chartWidth = Math.max(260, Math.min(420, narrow ? width : width - mosaicSize - 32));
  // Four maps in a row, or two by two on a phone.
  const mapSize = Math.min(128, Math.floor(narrow ? (width - 40) / 2 : (width - 60) / 4));

  const shifted = evaluation?.shifted ?? null;
  const mapMax = shifted ? maxAbs(shifted.target.data) : 1;
  const mapColor = useMemo(() => (v: number) => divergingColor(v, mapMax), [mapMax]);
  const ratio = shifted ? shifted.untiedLoss / shifted.sharedLoss : Number.NaN;
  const sharedCount = taps + 1;
  const untiedCount = positions * (taps + 1);
  const filterScale = comparison
    ? Math.max(
        maxAbs(comparison.shared.params.kernel.data),
        untiedParams ? maxAbs(localFilter(untiedParams, cell.row, cell.col).data) : 0,
      )
    : 1;

  return (
    <Panel
      id="untied"
      title="What if the weights were not shared?"
      lead={
        <>
          Give each of the {count(positions)} positions its own {kernel.height}x{kernel.width}{" "}
          filter and bias — a locally connected layer — and each learns from its own position's
          gradient alone: nothing is summed.
        </>
      }
    >
      <div ref={contentRef} className="untied-body">
        <table className="untied-counts" aria-label="Parameter counts">
          <tbody>
            <tr>
              <th scope="row">Shared filter</th>
              <td>
                {count(taps)} weights + 1 bias ={" "}
                <strong id="untied-count-shared">{count(sharedCount)}</strong> parameters, each
                trained on the sum of {count(positions)} contributions
              </td>
            </tr>
            <tr>
              <th scope="row">Untied layer</th>
              <td>
                {count(positions)} × {count(taps)} = {count(positions * taps)} weights +{" "}
                {count(positions)} biases ={" "}
                <strong id="untied-count-untied">{count(untiedCount)}</strong> parameters, each
                trained on one position's contribution
              </td>
            </tr>
          </tbody>
        </table>

        <div className="tools">
          <label>
            Steps{" "}
            <select value={steps} onChange={(e) => setSteps(Number(e.target.value))}>
              {STEP_CHOICES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label>
            Untied learning rate{" "}
            <select value={rateMode} onChange={(e) => setRateMode(e.target.value as UntiedRate)}>
              <option value="scaled">
                N·η = {formatNumber(untiedRateFor("scaled", learningRate, positions))}
              </option>
              <option value="same">η = {formatNumber(learningRate)}</option>
            </select>
          </label>
          {running ? (
            <button type="button" onClick={stop}>
              Stop comparison
            </button>
          ) : (
            <button type="button" className="primary" onClick={run} disabled={shape === null}>
              Compare shared and untied
            </button>
          )}
        </div>
        <p className="hint">
          Both start from the app's current filter (the untied layer from {count(positions)} copies
          of it), so at step 0 they compute the same map. With N·η the average of the untied filters
          takes the same first step as the shared filter; the shared side uses η ={" "}
          {formatNumber(learningRate)} and the {comparison?.inputs.reduction ?? reduction} loss.
        </p>
        <p className="readout untied-status" aria-live="polite">
          {startError !== null
            ? `The comparison could not start: ${startError}`
            : statusText(comparison, evaluation)}
        </p>

        {comparison ? (
          <div className={`untied-results${narrow ? " narrow" : ""}`}>
            <div className="untied-left">
              <ComparisonLossChart
                steps={comparison.settings.steps}
                width={chartWidth}
                height={180}
                curves={[
                  {
                    name: `Shared filter (${count(sharedCount)} parameters)`,
                    losses: comparison.shared.losses,
                    className: "curve-shared",
                  },
                  {
                    name: `Untied layer (${count(untiedCount)} parameters)`,
                    losses: comparison.untied.losses,
                    className: "curve-untied",
                  },
                ]}
              />
              <p className="curve-legend">
                <span className="swatch swatch-shared" aria-hidden="true" /> shared (η ={" "}
                {formatNumber(comparison.sharedRate)}){" "}
                <span className="swatch swatch-untied" aria-hidden="true" /> untied (η ={" "}
                {formatNumber(comparison.untiedRate)})
                {[...comparison.shared.losses, ...comparison.untied.losses].some(
                  (loss) => loss < LOSS_FLOOR,
                )
                  ? `; losses below ${formatNumber(LOSS_FLOOR)} are drawn on the bottom line`
                  : ""}
              </p>
              {evaluation ? (
                <table className="untied-losses">
                  <caption>
                    Loss ({comparison.inputs.reduction}) after{" "}
                    {comparison.shared.steps === comparison.untied.steps
                      ? `${comparison.shared.steps} steps`
                      : `${comparison.shared.steps} and ${comparison.untied.steps} steps`}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">
                        <span className="visually-hidden">Image</span>
                      </th>
                      <th scope="col">Shared</th>
                      <th scope="col">Untied</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      <th scope="row">At step 0</th>
                      <td>
                        <Num value={comparison.shared.losses[0] ?? Number.NaN} />
                      </td>
                      <td>
                        <Num value={comparison.untied.losses[0] ?? Number.NaN} />
                      </td>
                    </tr>
                    <tr>
                      <th scope="row">Training image</th>
                      <td>
                        <Num id="untied-loss-train-shared" value={evaluation.sharedLoss} />
                      </td>
                      <td>
                        <Num id="untied-loss-train-untied" value={evaluation.untiedLoss} />
                      </td>
                    </tr>
                    <tr>
                      <th scope="row">
                        Shifted image
                        <span className="untied-sub">
                          {SHIFT.down} down, {SHIFT.right} right
                        </span>
                      </th>
                      <td>
                        {shifted ? (
                          <Num id="untied-loss-shifted-shared" value={shifted.sharedLoss} />
                        ) : (
                          "—"
                        )}
                      </td>
                      <td>
                        {shifted ? (
                          <Num id="untied-loss-shifted-untied" value={shifted.untiedLoss} />
                        ) : (
                          "—"
                        )}
                      </td>
                    </tr>
                  </tbody>
                </table>
              ) : null}
              <div className="equation">
                {untiedParams ? (
                  <figure>
                    <NumberGrid
                      grid={localFilter(untiedParams, cell.row, cell.col)}
                      label={`Untied filter of position row ${cell.row}, column ${cell.col}`}
                      scaleMax={filterScale}
                      digits={3}
                    />
                    <figcaption>
                      Position ({cell.row}, {cell.col})'s filter
                    </figcaption>
                  </figure>
                ) : null}
                <figure>
                  <NumberGrid
                    grid={comparison.shared.params.kernel}
                    label="Shared filter after training"
                    scaleMax={filterScale}
                    digits={3}
                  />
                  <figcaption>The shared filter</figcaption>
                </figure>
              </div>
            </div>
            <div className="untied-right">
              {untiedParams ? (
                <figure>
                  <Mosaic
                    params={untiedParams}
                    size={mosaicSize}
                    max={mosaicMax}
                    selected={cell}
                    onSelect={setSelected}
                  />
                  <figcaption>
                    The {count(positions)} untied filters
                    {finished ? " after training" : ` at step ${comparison.untied.steps}`}, each in
                    its position's place
                  </figcaption>
                  <Legend
                    max={mosaicMax}
                    title="untied weights"
                    width={Math.min(180, mosaicSize - 20)}
                  />
                  <p className="hint mosaic-note">
                    Where the image is black a position's patch is all zeros, so its filter never
                    changes (only its bias): it still holds the starting filter.
                  </p>
                </figure>
              ) : null}
            </div>
          </div>
        ) : null}

        {shifted ? (
          <ShiftedCopy
            shifted={shifted}
            mapSize={mapSize}
            mapColor={mapColor}
            mapMax={mapMax}
            verdict={shiftVerdict(ratio, positions)}
          />
        ) : finished && inputs.targetKernel === null ? (
          <p className="hint">
            The shifted test needs a target made by a filter; the imported target has none.
          </p>
        ) : null}
      </div>
    </Panel>
  );
}
