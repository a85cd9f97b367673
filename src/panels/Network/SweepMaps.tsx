import { useMemo } from "react";
import type { NetworkSweepResult } from "../../state/network/store";
import { divergingColor, grayColor, maxAbs, type Rgb } from "../../viz/color";
import { type CellRect, GridCanvas } from "../../viz/GridCanvas";

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

/**
 * Where the filter's δ comes from, left to right: the layer's input (the patch at the cursor
 * outlined), δ at the pool's output (what the layer above sends), δ routed to each window's
 * winner, δ after the ReLU (the filter's own δ), and which positions contribute.
 */
export function SweepMaps({ result, position, side }: SweepMapsProps) {
  const s = result.sweep;
  const { outHeight: oh, outWidth: ow, inHeight: H, inWidth: W, stride, padding } = s.shape;
  const ph = Math.floor(oh / 2);
  const pw = Math.floor(ow / 2);
  const current = Math.min(position, oh * ow - 1);
  const row = Math.floor(current / ow);
  const col = current % ow;
  const colors = useMemo(
    () => ({
      input: s.shape.inChannels === 1 ? grayColor : diverging(s.input.subarray(0, H * W)),
      pool: diverging(s.poolGrad),
      routed: diverging(s.reluGrad),
      delta: diverging(s.delta),
    }),
    [s, H, W],
  );
  const mask = useMemo(() => s.delta.map((d) => (d !== 0 ? 1 : 0)), [s]);
  const maskColor = (v: number) => (v === 1 ? CONTRIBUTES : NOTHING);
  const cursor: CellRect = { row, col, height: 1, width: 1, color: "var(--accent, #0a7)" };
  const patch: CellRect = {
    row: row * stride - padding,
    col: col * stride - padding,
    height: 3,
    width: 3,
    color: "var(--accent, #0a7)",
  };
  return (
    <div className="sweep-maps">
      <MapFigure
        title={s.layer === 1 ? "The digit (layer 1's input)" : "Layer 2's input, channel 1"}
        note={
          s.layer === 1
            ? "the patch at the cursor outlined"
            : `(${s.shape.inChannels} channels: pool 1's output)`
        }
        data={s.layer === 1 ? s.input : s.input.subarray(0, H * W)}
        height={H}
        width={W}
        color={colors.input}
        side={side}
        highlights={[patch]}
      />
      <MapFigure
        title="δ from above"
        note={`at the pool's output, ${ph}x${pw}: what the layer above sends back`}
        data={s.poolGrad}
        height={ph}
        width={pw}
        color={colors.pool}
        side={side}
      />
      <MapFigure
        title="Routed by the pool"
        note="each 2x2 window's δ goes to the cell that won it; the other three get 0"
        data={s.reluGrad}
        height={oh}
        width={ow}
        color={colors.routed}
        side={side}
      />
      <MapFigure
        title="δ at the filter's output"
        note="ReLU zeroes it where the output was negative"
        data={s.delta}
        height={oh}
        width={ow}
        color={colors.delta}
        side={side}
        highlights={[cursor]}
        fadeFrom={position}
      />
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
