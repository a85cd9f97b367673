import { useMemo } from "react";
import {
  type DataWords,
  latestEvaluation,
  useDataWords,
  useNetwork,
  useNetworkModel,
} from "../../state/network/store";
import { css, divergingColor, maxAbs, type Rgb, textOn } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { RgbCanvas } from "../../viz/RgbCanvas";
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
  /**
   * The filters read a colour image (3 channels): each is drawn in colour, its R, G and B
   * weights on one scale (mid grey 0, brighter positive), as the colour it responds to most.
   */
  colour?: boolean;
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
  colour = false,
}: FilterBankProps) {
  const [kh, kw] = kernel;
  const scale = maxAbs(weights);
  const color = useMemo(() => (v: number) => divergingColor(v, scale), [scale]);
  const toByte = useMemo(() => (v: number) => Math.round(127.5 + (127.5 * v) / scale), [scale]);
  if (colour) {
    return (
      <ol className="filter-bank">
        {range(filters).map((k) => (
          <li key={k} className={k === chosen ? "chosen" : undefined}>
            <RgbCanvas
              planes={weights.subarray(k * size, k * size + 3 * kh * kw)}
              height={kh}
              width={kw}
              toByte={toByte}
              label={`${name} ${k + 1} (its red, green and blue weights)`}
              size={side}
            />
            <span className="hint">{k + 1}</span>
          </li>
        ))}
      </ol>
    );
  }
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

/** The held-out images' confusion matrix: rows are the true class, columns the prediction. */
function ConfusionMatrix({ confusion, words }: { confusion: Int32Array; words: DataWords }) {
  let top = 1;
  for (const n of confusion) top = Math.max(top, n);
  const names = words.classNames;
  const classes = range(names.length);
  return (
    <table className="confusion" aria-label={`Confusion matrix of the held-out ${words.many}`}>
      <thead>
        <tr>
          <th scope="col">true \ said</th>
          {classes.map((d) => (
            <th key={d} scope="col">
              {names[d]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {classes.map((row) => (
          <tr key={row}>
            <th scope="row">{names[row]}</th>
            {classes.map((col) => {
              const n = confusion[row * names.length + col] as number;
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
  const colour = conv?.conv.inChannels === 3;
  const words = useDataWords();
  return (
    <Panel
      id="network-filters"
      title="What it has learned"
      lead={
        colour
          ? "The first conv layer's K filters, each in the colours of its red, green and blue weights (grey is 0, one scale for all), and which class the network says for each held-out image."
          : `The first conv layer's K filters (red positive, blue negative, one scale for all), and which ${words.one === "digit" ? "digit" : "class"} the network says for each held-out ${words.one}.`
      }
    >
      {conv ? (
        <FilterBank
          weights={weights}
          filters={filters}
          kernel={[conv.conv.kernelHeight, conv.conv.kernelWidth]}
          size={size}
          side={44}
          name={`Layer ${first + 1} filter`}
          colour={colour}
          {...(layer === first ? { chosen: filter } : {})}
        />
      ) : null}
      {evaluation ? (
        <>
          <ConfusionMatrix confusion={evaluation.confusion} words={words} />
          <p className="hint">
            At step {evaluation.step}: rows are the true {words.one === "digit" ? "digit" : "class"}
            .
          </p>
        </>
      ) : (
        <p className="hint">The confusion matrix appears after the first evaluation.</p>
      )}
    </Panel>
  );
}
