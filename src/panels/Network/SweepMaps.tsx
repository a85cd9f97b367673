import { useMemo } from "react";
import { layerLabel, type NetworkSpec } from "../../engine";
import type { NetworkFilterSweep, RouteStage } from "../../engine/net/filterSweep";
import { type NetworkSweepResult, useDataWords, useNetwork } from "../../state/network/store";
import { divergingColor, grayColor, maxAbs, type Rgb } from "../../viz/color";
import { formatNumber } from "../../viz/format";
import { type CellRect, GridCanvas } from "../../viz/GridCanvas";
import { plural } from "./plural";

/** Props of {@link SweepMaps}. */
export interface SweepMapsProps {
  /** The sweep shown. */
  result: NetworkSweepResult;
  /** Positions summed so far. */
  position: number;
  /** Displayed side of each map, CSS px. */
  side: number;
}

const CONTRIBUTES: Rgb = [214, 96, 77];
const NOTHING: Rgb = [225, 225, 225];

/** A titled map. */
function MapFigure(props: {
  title: string;
  note: string;
  data: Float64Array;
  height: number;
  width: number;
  color: (v: number) => Rgb;
  side: number;
  highlights?: CellRect[];
  fadeFrom?: number;
  valueText?: (v: number) => string;
}) {
  return (
    <figure className="sweep-map">
      <GridCanvas
        grid={{ height: props.height, width: props.width, data: props.data }}
        color={props.color}
        label={props.title}
        size={props.side}
        highlights={props.highlights ?? []}
        {...(props.fadeFrom === undefined ? {} : { fadeFrom: props.fadeFrom })}
        {...(props.valueText === undefined ? {} : { valueText: props.valueText })}
      />
      <figcaption>
        <strong>{props.title}</strong> <span className="hint">{props.note}</span>
      </figcaption>
    </figure>
  );
}

const diverging = (data: Float64Array) => {
  const m = maxAbs(data);
  return (v: number) => divergingColor(v, m);
};

/** What a layer between the filter and the layer above does to δ on its way down. */
const ROUTING: Record<
  RouteStage["type"],
  { title: string; done: string; note: (size: string) => string }
> = {
  maxpool2d: {
    title: "Routed by the max-pool",
    done: "routed by the max-pool",
    note: (size) => `each ${size} window's δ goes to the cell that won it; the others get 0`,
  },
  avgpool2d: {
    title: "Shared by the average-pool",
    done: "shared by the average-pool",
    note: (size) => `each ${size} window's δ is split equally over its cells`,
  },
  relu: {
    title: "Gated by the ReLU",
    done: "gated by the ReLU",
    note: () => "zero where the ReLU's input was negative",
  },
};

/** One δ map: a plane of δ and what made it. */
interface DeltaMap {
  readonly title: string;
  readonly note: string;
  readonly data: Float64Array;
  readonly height: number;
  readonly width: number;
}

/** "layer 3 (max-pool 2x2)". */
function layerName(spec: NetworkSpec, layer: number): string {
  const l = spec.layers[layer];
  return l === undefined ? `layer ${layer + 1}` : `layer ${layer + 1} (${layerLabel(l)})`;
}

/**
 * The δ maps from the layer above down to the filter's output: what the layer above sends,
 * then each ReLU, max- or average-pool between it and the filter, in the order δ passes them.
 */
function deltaMaps(spec: NetworkSpec, sweep: NetworkFilterSweep): DeltaMap[] {
  const { route, fromAbove, delta } = sweep;
  const { outHeight: oh, outWidth: ow } = sweep.shape;
  const sender = fromAbove.layer === null ? "the loss" : layerName(spec, fromAbove.layer);
  const maps: DeltaMap[] = [];
  const top = route.at(-1);
  if (top !== undefined) {
    maps.push({
      title: "δ from above",
      note: `at ${layerName(spec, top.layer)}'s output, ${fromAbove.height}x${fromAbove.width}: what ${sender} sends back`,
      data: fromAbove.grad,
      height: fromAbove.height,
      width: fromAbove.width,
    });
  }
  for (let i = route.length - 1; i >= 0; i--) {
    const stage = route[i] as RouteStage;
    const layer = spec.layers[stage.layer];
    const size = layer && "size" in layer ? `${layer.size}x${layer.size}` : "";
    const how = ROUTING[stage.type];
    const below = route[i - 1];
    maps.push(
      below === undefined
        ? {
            title: "δ at the filter's output",
            note: `${how.done}: ${how.note(size)}`,
            data: delta,
            height: oh,
            width: ow,
          }
        : {
            title: how.title,
            note: how.note(size),
            data: below.grad,
            height: below.height,
            width: below.width,
          },
    );
  }
  if (route.length === 0) {
    maps.push({
      title: "δ at the filter's output",
      note: `what ${sender} sends back, straight to this layer`,
      data: delta,
      height: oh,
      width: ow,
    });
  }
  return maps;
}

/**
 * Where the filter's δ comes from, left to right: the layer's input (the patch at the cursor
 * outlined), δ from the layer above, δ as each layer between routes it (pool winners or
 * shares, ReLU gates), the filter's own δ, and which positions contribute.
 */
export function SweepMaps({ result, position, side }: SweepMapsProps) {
  const s = result.sweep;
  const spec = useNetwork((state) => state.spec);
  const { outHeight: oh, outWidth: ow, inHeight: H, inWidth: W, stride, padding } = s.shape;
  const { kernelHeight: kh, kernelWidth: kw, dilation } = s.shape;
  // The last position summed (the one SweepSums shows), or the first before any is.
  const current = Math.max(0, Math.min(position, oh * ow) - 1);
  const row = Math.floor(current / ow);
  const col = current % ow;
  const maps = useMemo(() => deltaMaps(spec, s), [spec, s]);
  // A colour image (layer 1 of 3 channels) is drawn in colour: each cell's value is its index,
  // and its colour the pixel's red, green and blue.
  const colourImage = s.layer === 0 && s.shape.inChannels === 3;
  const inputColor = useMemo(() => {
    if (colourImage) {
      const byte = (v: number) => Math.round(Math.max(0, Math.min(1, v)) * 255);
      return (i: number): Rgb => [
        byte(s.input[i] as number),
        byte(s.input[H * W + i] as number),
        byte(s.input[2 * H * W + i] as number),
      ];
    }
    return s.shape.inChannels === 1 && s.layer === 0
      ? grayColor
      : diverging(s.input.subarray(0, H * W));
  }, [s, H, W, colourImage]);
  const inputData = useMemo(
    () =>
      colourImage
        ? Float64Array.from({ length: H * W }, (_, i) => i)
        : s.layer === 0
          ? s.input
          : s.input.subarray(0, H * W),
    [s, H, W, colourImage],
  );
  const words = useDataWords();
  const colors = useMemo(() => maps.map((m) => diverging(m.data)), [maps]);
  const mask = useMemo(() => s.delta.map((d) => (d !== 0 ? 1 : 0)), [s]);
  const maskColor = (v: number) => (v === 1 ? CONTRIBUTES : NOTHING);
  const cursor: CellRect = { row, col, height: 1, width: 1, color: "var(--accent, #0a7)" };
  const patch: CellRect = {
    row: row * stride - padding,
    col: col * stride - padding,
    height: (kh - 1) * dilation + 1,
    width: (kw - 1) * dilation + 1,
    color: "var(--accent, #0a7)",
  };
  const last = maps.length - 1;
  return (
    <div className="sweep-maps">
      <MapFigure
        title={
          s.layer === 0
            ? `The ${words.one} (layer 1's input${colourImage ? ": red, green and blue" : ""})`
            : `Layer ${s.layer + 1}'s input, channel 1`
        }
        note={
          s.layer === 0
            ? `the patch at the cursor outlined${colourImage ? "; the filter has a 3-channel slice for it" : ""}`
            : `(${plural(s.shape.inChannels, "channel")}: ${layerName(spec, s.layer - 1)}'s output)`
        }
        data={inputData}
        {...(colourImage
          ? {
              valueText: (i: number) =>
                `R ${formatNumber(s.input[i] as number)} G ${formatNumber(s.input[H * W + i] as number)} B ${formatNumber(s.input[2 * H * W + i] as number)}`,
            }
          : {})}
        height={H}
        width={W}
        color={inputColor}
        side={side}
        highlights={[patch]}
      />
      {maps.map((m, i) => (
        <MapFigure
          // biome-ignore lint/suspicious/noArrayIndexKey: the maps are in the fixed order δ passes them
          key={i}
          title={m.title}
          note={m.note}
          data={m.data}
          height={m.height}
          width={m.width}
          color={colors[i] as (v: number) => Rgb}
          side={side}
          {...(i === last ? { highlights: [cursor], fadeFrom: position } : {})}
        />
      ))}
      <MapFigure
        title="Contributes or adds nothing"
        note="red: δ ≠ 0, this position adds terms; grey: δ = 0, it adds nothing"
        data={mask}
        height={oh}
        width={ow}
        color={maskColor}
        side={side}
        highlights={[cursor]}
      />
    </div>
  );
}
