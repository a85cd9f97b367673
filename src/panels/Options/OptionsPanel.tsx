import { interpolateViridis } from "d3-scale-chromatic";
import { useMemo, useState } from "react";
import { outputShape } from "../../engine/index";
import { setOptions } from "../../state/problem";
import { useApp } from "../../state/useApp";
import { parseRgb, type Rgb } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { Panel } from "../Panel";
import { tapCoverage } from "./coverage";
import "./options.css";

const CHOICES = {
  stride: [1, 2, 3],
  padding: [0, 1, 2],
  dilation: [1, 2],
} as const;

const LABELS = { stride: "Stride", padding: "Padding", dilation: "Dilation" } as const;

/** Gaps (no tap ever lands) in a warm red, counts on viridis (one colour per count, made once). */
function coverageColor(max: number): (v: number) => Rgb {
  const colors = Array.from(
    { length: max + 1 },
    (_, v): Rgb =>
      v === 0 ? [214, 39, 40] : parseRgb(interpolateViridis(max <= 1 ? 1 : (v - 1) / (max - 1))),
  );
  return (v) => colors[v] ?? (colors[colors.length - 1] as Rgb);
}

/** Stride, padding and dilation controls, and where the input gradient's terms land. */
export function OptionsPanel() {
  const options = useApp((s) => s.options);
  // Shapes are all the map needs: training changes the kernel's values many times a second,
  // and a stroke the image's.
  const imageHeight = useApp((s) => s.image.height);
  const imageWidth = useApp((s) => s.image.width);
  const image = useMemo(
    () => ({ height: imageHeight, width: imageWidth }),
    [imageHeight, imageWidth],
  );
  const kernelHeight = useApp((s) => s.kernel.height);
  const kernelWidth = useApp((s) => s.kernel.width);
  const kernel = useMemo(
    () => ({ height: kernelHeight, width: kernelWidth }),
    [kernelHeight, kernelWidth],
  );
  const training = useApp((s) => s.training);
  const [hover, setHover] = useState<{ row: number; col: number } | null>(null);
  const out = useMemo(() => outputShape(image, kernel, options), [image, kernel, options]);
  const coverage = useMemo(
    () => tapCoverage(image, kernel, out, options),
    [image, kernel, out, options],
  );
  let max = 0;
  let gaps = 0;
  let overlapped = 0;
  for (const v of coverage.data) {
    max = Math.max(max, v);
    if (v === 0) gaps++;
    if (v > 1) overlapped++;
  }
  const color = useMemo(() => coverageColor(max), [max]);
  const hovered = hover ? (coverage.data[hover.row * coverage.width + hover.col] as number) : null;
  return (
    <Panel
      id="options"
      title="Stride, padding, dilation"
      lead="Change how the filter moves. The sweep, the target and the sums start again; the map shows how many terms each input cell's gradient receives."
    >
      <div className="options-controls">
        {(Object.keys(CHOICES) as (keyof typeof CHOICES)[]).map((key) => (
          <fieldset key={key} className="segmented">
            <legend>{LABELS[key]}</legend>
            {CHOICES[key].map((v) => (
              <label key={v}>
                <input
                  type="radio"
                  name={`option-${key}`}
                  checked={options[key] === v}
                  disabled={training}
                  onChange={() => setOptions({ [key]: v })}
                />
                {v}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
      <p className="readout">
        Output {out.height}x{out.width} = {out.height * out.width} positions, each adding{" "}
        {kernel.height * kernel.width} terms.
      </p>
      <figure>
        <GridCanvas
          grid={coverage}
          color={color}
          size={192}
          label={`Terms per input cell: ${gaps} cells get none, ${overlapped} get more than one, at most ${max}`}
          onHoverCell={setHover}
          highlights={hover ? [{ ...hover, height: 1, width: 1, color: "#ff9f1c" }] : []}
        />
        <figcaption>Terms per input cell (red: none)</figcaption>
      </figure>
      <p className="readout" aria-live="polite">
        {hover && hovered !== null
          ? `Cell (row ${hover.row}, col ${hover.col}) receives ${hovered} term${hovered === 1 ? "" : "s"}.`
          : `${gaps} of ${coverage.data.length} cells are never seen (gaps, no gradient); ${overlapped} are seen by several positions (overlap, their terms add); at most ${max}.`}
      </p>
    </Panel>
  );
}
