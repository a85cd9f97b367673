import { grayColor, type Rgb } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { Legend } from "../../viz/Legend";
import { Num } from "../../viz/Num";
import { type Evaluation, SHIFT } from "./evaluation";

export interface ShiftedCopyProps {
  /** The trained sides on the shifted image. */
  shifted: NonNullable<Evaluation["shifted"]>;
  /** Each map's size in CSS pixels. */
  mapSize: number;
  /** The colour of an output value. */
  mapColor: (value: number) => Rgb;
  /** The colour scale saturates at ±mapMax. */
  mapMax: number;
  /** What the two losses say (shiftVerdict). */
  verdict: string;
}

/** The image moved by SHIFT, its target, and both trained sides' outputs and losses on it. */
export function ShiftedCopy({ shifted, mapSize, mapColor, mapMax, verdict }: ShiftedCopyProps) {
  return (
    <div className="untied-shifted">
      <h3>
        The same picture, moved {SHIFT.down} down and {SHIFT.right} right
      </h3>
      <div className="maps">
        <figure>
          <GridCanvas grid={shifted.image} color={grayColor} label="Shifted image" size={mapSize} />
          <figcaption>Shifted image</figcaption>
        </figure>
        <figure>
          <GridCanvas
            grid={shifted.target}
            color={mapColor}
            label="Target on the shifted image"
            size={mapSize}
          />
          <figcaption>Target</figcaption>
        </figure>
        <figure>
          <GridCanvas
            grid={shifted.shared}
            color={mapColor}
            label="Shared filter's output on the shifted image"
            size={mapSize}
          />
          <figcaption>
            Shared
            <br />
            loss <Num value={shifted.sharedLoss} />
          </figcaption>
        </figure>
        <figure>
          <GridCanvas
            grid={shifted.untied}
            color={mapColor}
            label="Untied layer's output on the shifted image"
            size={mapSize}
          />
          <figcaption>
            Untied
            <br />
            loss <Num value={shifted.untiedLoss} />
          </figcaption>
        </figure>
      </div>
      <Legend max={mapMax} title="output" />
      <p className="readout">{verdict}</p>
    </div>
  );
}
