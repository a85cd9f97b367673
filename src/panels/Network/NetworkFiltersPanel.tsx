import { useMemo } from "react";
import { latestEvaluation, useNetwork, useNetworkModel } from "../../state/network/store";
import { css, divergingColor, maxAbs, type Rgb, textOn } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { Panel } from "../Panel";
import { range } from "./range";

/** Props of {@link FilterBank}. */
export interface FilterBankProps {
  /** The layer's weights `[K][C][kh][kw]` (channel 0 of each filter is drawn). */
  weights: Float64Array;
  /** K. */
  filters: number;
  /** The kernel's height and width. */
  kernel: readonly [number, number];
  /** Weights per filter (C·kh·kw). */
  size: number;
  /** Displayed side of each filter, CSS px. */
  side: number;
  /** What the bank is, for each picture's name ("Filter 3 of layer 1"). */
  name: string;
  /** The filter to outline, if any. */
  chosen?: number;
}

/** K filters as small pictures on one diverging scale (so their sizes compare). */
export function FilterBank({
  weights,
  filters,
  kernel,
  size,
  side,
  name,
  chosen,
}: FilterBankProps) {
  const [kh, kw] = kernel;
  const scale = maxAbs(weights);
  const color = useMemo(() => (v: number) => divergingColor(v, scale), [scale]);
  return (
    <ol className="filter-bank">
      {range(filters).map((k) => (
        <li key={k} className={k === chosen ? "chosen" : undefined}>
          <GridCanvas
            grid={{ height: kh, width: kw, data: weights.subarray(k * size, k * size + kh * kw) }}
            color={color}
            label={`${name} ${k + 1}`}
            size={side}
          />
          <span className="hint">{k + 1}</span>
        </li>
      ))}
    </ol>
  );
}

/** The held-out digits' confusion matrix: rows are the true digit, columns the prediction. */
function ConfusionMatrix({ confusion }: { confusion: Int32Array }) {
  let top = 1;
  for (const n of confusion) top = Math.max(top, n);
  const digits = range(10).map((d) => d);
  return (
    <table className="confusion" aria-label="Confusion matrix of the held-out digits">
      <thead>
        <tr>
          <th scope="col">true \ said</th>
          {digits.map((d) => (
            <th key={d} scope="col">
              {d}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {digits.map((row) => (
          <tr key={row}>
            <th scope="row">{row}</th>
            {digits.map((col) => {
              const n = confusion[row * 10 + col] as number;
              const t = Math.sqrt(n / top);
              const bg: Rgb =
                row === col
                  ? [Math.round(255 - 150 * t), Math.round(255 - 60 * t), Math.round(255 - 150 * t)]
                  : [255, Math.round(255 - 170 * t), Math.round(255 - 170 * t)];
              return (
                <td key={col} style={{ background: css(bg), color: textOn(bg) }}>
                  {n || ""}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The K learned filters of the first conv layer and the confusion matrix of the held-out digits. */
export function NetworkFiltersPanel() {
  const net = useNetworkModel();
  const params = useNetwork((s) => s.params);
  const evaluation = useNetwork(latestEvaluation);
  const layer = useNetwork((s) => s.layer);
  const filter = useNetwork((s) => s.filter);
  const first = net.plans.findIndex((p) => p.type === "conv2d");
  const plan = net.plans[first];
  const conv = plan?.type === "conv2d" ? plan : null;
  const size = conv ? conv.conv.inChannels * conv.conv.kernelHeight * conv.conv.kernelWidth : 0;
  const filters = conv?.conv.filters ?? 0;
  const weights = conv ? params.subarray(conv.weights, conv.weights + filters * size) : params;
  return (
    <Panel
      id="network-filters"
      title="What it has learned"
      lead="The first conv layer's K filters (red positive, blue negative, one scale for all), and which digit the network says for each held-out digit."
    >
      {conv ? (
        <FilterBank
          weights={weights}
          filters={filters}
          kernel={[conv.conv.kernelHeight, conv.conv.kernelWidth]}
          size={size}
          side={44}
          name={`Layer ${first + 1} filter`}
          {...(layer === first ? { chosen: filter } : {})}
        />
      ) : null}
      {evaluation ? (
        <>
          <ConfusionMatrix confusion={evaluation.confusion} />
          <p className="hint">At step {evaluation.step}: rows are the true digit.</p>
        </>
      ) : (
        <p className="hint">The confusion matrix appears after the first evaluation.</p>
      )}
    </Panel>
  );
}
