import { useMemo } from "react";
import { sweepMaps } from "../../state/positionView";
import { useApp } from "../../state/useApp";
import { divergingColor, maxAbs } from "../../viz/color";
import { formatNumber } from "../../viz/format";
import { GridCanvas } from "../../viz/GridCanvas";
import { Legend } from "../../viz/Legend";
import { Panel } from "../Panel";
import { usePositionView } from "../usePositionView";

/** The output map filling in as the sweep passes, the target beside it, and the delta map. */
export function ForwardPanel({ size }: { /** Width of each map in CSS pixels. */ size: number }) {
  const sweep = useApp((s) => s.sweep);
  const target = useApp((s) => s.target);
  const position = useApp((s) => s.position);
  const reduction = useApp((s) => s.reduction);
  const view = usePositionView();
  const maps = useMemo(() => (sweep ? sweepMaps(sweep) : null), [sweep]);
  const valueMax = useMemo(
    () => Math.max(maxAbs(target.data), maps ? maxAbs(maps.out.data) : 0),
    [target, maps],
  );
  const deltaMax = useMemo(() => (maps ? maxAbs(maps.delta.data) : 1), [maps]);
  const valueColor = useMemo(() => (v: number) => divergingColor(v, valueMax), [valueMax]);
  const deltaColor = useMemo(() => (v: number) => divergingColor(v, deltaMax), [deltaMax]);
  const mark = view
    ? [{ row: view.row, col: view.col, height: 1, width: 1, color: "#ff9f1c" }]
    : [];
  const shapeMatches =
    maps !== null && maps.out.height === target.height && maps.out.width === target.width;
  return (
    <Panel
      id="forward"
      title="Forward pass"
      lead={
        <>
          The output fills in as the filter sweeps (faded: not reached yet). Delta is{" "}
          <span className="math">
            ∂L/∂out = {reduction === "sum" ? "out − target" : "(out − target) / N"}
          </span>
          .
        </>
      }
    >
      <div className="maps">
        <figure>
          {maps && shapeMatches ? (
            <GridCanvas
              grid={maps.out}
              color={valueColor}
              label="Output map"
              size={size}
              fadeFrom={position}
              highlights={mark}
            />
          ) : (
            <div className="placeholder" style={{ width: size, height: size }} />
          )}
          <figcaption>Output</figcaption>
        </figure>
        <figure>
          <GridCanvas
            grid={target}
            color={valueColor}
            label="Target map"
            size={size}
            highlights={mark}
          />
          <figcaption>Target</figcaption>
        </figure>
        <figure>
          {maps && shapeMatches ? (
            <GridCanvas
              grid={maps.delta}
              color={deltaColor}
              label="Delta map"
              size={size}
              fadeFrom={position}
              highlights={mark}
            />
          ) : (
            <div className="placeholder" style={{ width: size, height: size }} />
          )}
          <figcaption>Delta</figcaption>
        </figure>
      </div>
      <div className="legends">
        <Legend max={valueMax} title="Output and target" />
        <Legend max={deltaMax} title="Delta" />
      </div>
      {view ? (
        <p className="readout">
          At (row {view.row}, col {view.col}): out = {formatNumber(view.out)}, target ={" "}
          {formatNumber(view.target)}, δ = {formatNumber(view.delta)}. Loss of this sweep:{" "}
          {sweep ? formatNumber(sweep.loss) : "—"}.
        </p>
      ) : null}
    </Panel>
  );
}
