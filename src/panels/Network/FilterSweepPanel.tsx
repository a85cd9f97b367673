import { useMemo } from "react";
import { type LayerSpec, layerLabel, learningRateAt } from "../../engine/index";
import { convLayers } from "../../state/network/spec";
import { labelText, useDataWords, useNetwork } from "../../state/network/store";
import { networkSums } from "../../state/network/sums";
import {
  chooseSweepFilter,
  chooseSweepImage,
  chooseSweepLayer,
  nextContributing,
  requestNetworkSweep,
  setNetworkPosition,
} from "../../state/network/sweep";
import { useWidth } from "../../viz/useWidth";
import { Panel } from "../Panel";
import { BatchStepView } from "./BatchStepView";
import { NumberField } from "./NumberField";
import { plural } from "./plural";
import { range } from "./range";
import { SweepMaps } from "./SweepMaps";
import { SweepSums } from "./SweepSums";

/** Which image, layer and filter to sweep. */
function SweepChoiceControls() {
  const choice = useNetwork((s) => s.choice);
  const layer = useNetwork((s) => s.layer);
  const filter = useNetwork((s) => s.filter);
  const spec = useNetwork((s) => s.spec);
  const words = useDataWords();
  const chosen = spec.layers[layer];
  const filters = chosen?.type === "conv2d" ? chosen.filters : 0;
  return (
    <div className="network-settings sweep-choice">
      <label className="network-field">
        <span>Image from</span>
        <select
          value={choice.set}
          onChange={(e) => {
            const set = e.target.value;
            chooseSweepImage(
              set === "drawn"
                ? { set, label: 0 }
                : { set: set === "test" ? "test" : "train", index: 0 },
            );
          }}
        >
          <option value="train">the training {words.many}</option>
          <option value="test">the test {words.many}</option>
          {words.one === "digit" ? <option value="drawn">your drawing</option> : null}
        </select>
      </label>
      {choice.set === "drawn" ? (
        <label className="network-field">
          <span>Its label</span>
          <select
            value={choice.label}
            onChange={(e) => chooseSweepImage({ set: "drawn", label: Number(e.target.value) })}
          >
            {range(10).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <NumberField
          label="Image number"
          value={choice.index}
          min={0}
          max={(choice.set === "train" ? words.train : words.test) - 1}
          step={1}
          onCommit={(index) => chooseSweepImage({ set: choice.set, index })}
        />
      )}
      <label className="network-field">
        <span>Layer</span>
        <select value={layer} onChange={(e) => chooseSweepLayer(Number(e.target.value))}>
          {convLayers(spec).map((i) => (
            <option key={i} value={i}>
              {i + 1}: {layerLabel(spec.layers[i] as LayerSpec)}
              {i === 0 ? ` (on the ${words.one})` : ""}
            </option>
          ))}
        </select>
      </label>
      <label className="network-field">
        <span>Filter</span>
        <select value={filter} onChange={(e) => chooseSweepFilter(Number(e.target.value))}>
          {range(filters).map((k) => (
            <option key={k} value={k}>
              {k + 1} of {filters}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** One filter's backpropagation inside the network, position by position, then the batch. */
export function FilterSweepPanel() {
  const result = useNetwork((s) => s.sweep);
  const position = useNetwork((s) => s.position);
  const digits = useNetwork((s) => s.digits);
  const words = useDataWords();
  const { many } = words;
  const settings = useNetwork((s) => s.settings);
  const training = useNetwork((s) => s.training);
  const stale = useNetwork((s) => s.sweepParams !== s.params);
  // The step's own η: it halves every learningRateHalfLife steps.
  const stepRate = useNetwork((s) => learningRateAt(s.settings, s.steps));
  const [ref, width] = useWidth<HTMLDivElement>(900);
  const sums = useMemo(() => (result ? networkSums(result, position) : null), [result, position]);
  const positions = result ? result.sweep.shape.outHeight * result.sweep.shape.outWidth : 0;
  // Two maps a row on a phone, five on a wide screen.
  const side =
    width < 600 ? Math.floor((width - 24) / 2) : Math.min(170, Math.floor(width / 5) - 12);
  return (
    <Panel
      id="network-sweep"
      title="One filter's sweep inside the network"
      lead="Pick an image, a layer and a filter, and step through that filter's backpropagation exactly as in the main view; δ now comes from the layers above."
      className="network-sweep"
    >
      <div ref={ref}>
        <SweepChoiceControls />
        {result === null || sums === null ? (
          <div className="tools">
            <button type="button" onClick={requestNetworkSweep}>
              Show the sweep
            </button>
            <span className="hint">{digits === "loading" ? `Loading the ${many}…` : null}</span>
          </div>
        ) : (
          <>
            <p
              className="sweep-count"
              data-quantity="contributing"
              data-value={result.sweep.contributing}
            >
              <strong>
                {result.sweep.contributing} of {plural(positions, "position")}{" "}
                {result.sweep.contributing === 1 ? "contributes" : "contribute"}
              </strong>{" "}
              <span className="hint">
                (image{result.label === undefined ? "" : ` of ${labelText(words, result.label)}`},
                loss {result.sweep.loss.toFixed(3)}
                {settings.reduction === "mean"
                  ? `, δ ×1/${settings.batchSize} for the batch mean`
                  : ""}
                )
              </span>
            </p>
            <SweepMaps result={result} position={position} side={Math.max(90, side)} />
            <div className="tools sweep-cursor">
              <label className="network-field wide">
                <span>
                  Positions summed: {position} of {positions}
                </span>
                <input
                  type="range"
                  aria-label="Where the sweep is"
                  min={0}
                  max={positions}
                  value={position}
                  onChange={(e) => setNetworkPosition(Number(e.target.value))}
                />
              </label>
              <button
                type="button"
                onClick={() => setNetworkPosition(position - 1)}
                disabled={position === 0}
              >
                Previous position
              </button>
              <button
                type="button"
                onClick={() => setNetworkPosition(position + 1)}
                disabled={position >= positions}
              >
                Next position
              </button>
              <button
                type="button"
                className="primary"
                onClick={nextContributing}
                disabled={position >= positions}
              >
                Next contributing position
              </button>
              <button
                type="button"
                onClick={() => setNetworkPosition(positions)}
                disabled={position >= positions}
              >
                All positions
              </button>
            </div>
            <SweepSums result={result} position={position} sums={sums} />
            <BatchStepView
              result={result}
              learningRate={stepRate}
              momentum={settings.momentum}
              reduction={settings.reduction}
              training={training}
              stale={stale}
            />
          </>
        )}
      </div>
    </Panel>
  );
}
