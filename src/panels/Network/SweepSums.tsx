import { useMemo } from "react";
import type { NetworkSweepResult } from "../../state/network/store";
import type { NetworkSums } from "../../state/network/sums";
import { divergingColor, maxAbs } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { Num } from "../../viz/Num";
import { NumberGrid } from "../../viz/NumberGrid";
import { plural } from "./plural";
import { range } from "./range";

/** Props of {@link SweepSums}. */
export interface SweepSumsProps {
  /** The sweep shown. */
  result: NetworkSweepResult;
  /** Positions summed so far. */
  position: number;
  /** The sums over those positions. */
  sums: NetworkSums;
}

/** True when two arrays hold the same float64 bits. */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Channel `c` of a `[C][kh][kw]` buffer as a kh x kw grid. */
const channelOf = (kh: number, kw: number) => (data: Float64Array, c: number) => ({
  height: kh,
  width: kw,
  data: data.subarray(c * kh * kw, (c + 1) * kh * kw),
});

/** The first `shown` channels of a `[C][kh][kw]` buffer, each captioned when there are several. */
function ChannelGrids(props: {
  data: Float64Array;
  /** What the buffer is, for each grid's accessible name ("Running sum, channel 2 (green)"). */
  name: string;
  shown: number;
  channels: number;
  channel: (data: Float64Array, c: number) => { height: number; width: number; data: Float64Array };
  /** A channel's colour, " (red)", or "" where the channels are not colours. */
  names: (c: number) => string;
}) {
  return range(props.shown).map((c) => (
    <figure key={c} className="channel-grid">
      {props.channels > 1 ? (
        <figcaption className="hint">
          channel {c + 1}
          {props.names(c)}
        </figcaption>
      ) : null}
      <NumberGrid
        grid={props.channel(props.data, c)}
        label={`${props.name}, channel ${c + 1}${props.names(c)}`}
        digits={3}
      />
    </figure>
  ));
}

/**
 * The position at the cursor (its δ and its terms), the filter's one running sum beside the
 * engine's gradient, and the layer-below buffer this filter fills.
 */
export function SweepSums({ result, position, sums }: SweepSumsProps) {
  const s = result.sweep;
  const positions = s.shape.outHeight * s.shape.outWidth;
  const C = s.shape.inChannels;
  const p = Math.min(position, positions) - 1;
  const size = s.weights.length;
  const term = p >= 0 ? s.kernelTerms.subarray(p * size, (p + 1) * size) : new Float64Array(size);
  const delta = p >= 0 ? (s.delta[p] as number) : 0;
  const done = position >= positions;
  const exact = done && sameBits(sums.weightGrad, s.weightGrad) && sums.biasGrad === s.biasGrad;
  const { inHeight: H, inWidth: W } = s.shape;
  const belowColor = useMemo(() => {
    const m = maxAbs(s.belowGrad);
    return (v: number) => divergingColor(v, m);
  }, [s]);
  const shown = Math.min(C, 4);
  // Layer 1 of a colour network reads red, green and blue: its filter has a slice for each.
  const colourName = (c: number) =>
    s.layer === 0 && C === 3 ? ` (${["red", "green", "blue"][c]})` : "";
  const channel = channelOf(s.shape.kernelHeight, s.shape.kernelWidth);
  return (
    <div className="sweep-sums">
      <section aria-label="This position's terms">
        <h3>
          {p >= 0
            ? `Position ${p + 1}: (${Math.floor(p / s.shape.outWidth)}, ${p % s.shape.outWidth})`
            : "No position summed yet"}
        </h3>
        <p>
          δ = <Num value={delta} quantity="network-delta" />{" "}
          {p >= 0 ? (delta === 0 ? "— adds nothing" : "— contributes δ · patch") : null}
        </p>
        <ChannelGrids
          data={term}
          name="δ · patch"
          shown={shown}
          channels={C}
          channel={channel}
          names={colourName}
        />
      </section>
      <section aria-label="The filter's running sum">
        <h3>
          The filter's one running sum{" "}
          <span className="hint">({plural(sums.contributed, "term")} so far)</span>
        </h3>
        <ChannelGrids
          data={sums.weightGrad}
          name="Running sum"
          shown={shown}
          channels={C}
          channel={channel}
          names={colourName}
        />
        {C > shown ? (
          <p className="hint">
            Channels 1–{shown} of {C} shown; the file has all.
          </p>
        ) : null}
        <p>
          Bias sum Σδ = <Num value={sums.biasGrad} quantity="network-bias-sum" />
        </p>
        <p className={done ? (exact ? "ok" : "error-text") : "hint"} data-quantity="network-exact">
          {done
            ? exact
              ? "All positions summed: equal to the engine's gradient of this filter, to the last bit."
              : "All positions summed, but it differs from the engine's gradient."
            : "At the last position this equals the engine's gradient of this filter exactly."}
        </p>
      </section>
      <section aria-label="The layer below's buffer">
        <h3>The layer-below buffer</h3>
        <GridCanvas
          grid={{ height: H, width: W, data: sums.below.subarray(0, H * W) }}
          color={belowColor}
          label="This filter's δ · w so far, in the layer below"
          size={150}
        />
        <p className="hint">
          Each contributing position adds δ · w over its patch.{" "}
          {s.shape.filters === 1
            ? "With no other filter in the layer, this is"
            : s.shape.filters === 2
              ? "With the other filter's share this is"
              : `With the other ${s.shape.filters - 1} filters' shares this is`}{" "}
          {s.layer === 0
            ? "the image's δ (nothing learns from it)"
            : `the δ of layer ${s.layer}'s output`}
          {C > 1 ? " (channel 1 shown)" : ""}.
        </p>
      </section>
    </div>
  );
}
