import { useMemo } from "react";
import { recordInputGradOffset } from "../../engine/index";
import { useApp } from "../../state/useApp";
import { divergingColor, maxAbs } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { Legend } from "../../viz/Legend";
import { Panel } from "../Panel";
import { usePositionView } from "../usePositionView";

/** ∂L/∂x accumulating: every position adds delta · kernel over the cells it saw. */
export function InputGradientPanel({ size }: { /** Canvas width in CSS pixels. */ size: number }) {
  const sums = useApp((s) => s.sums);
  const sweep = useApp((s) => s.sweep);
  const view = usePositionView();
  // The colour scale is fixed by the whole sweep's final map, so colours deepen as sums grow.
  const finalMax = useMemo(() => {
    if (sweep === null) return 1;
    let m = 1e-12;
    const kCells = sweep.kernelHeight * sweep.kernelWidth;
    for (let p = 0; p < sweep.outHeight * sweep.outWidth; p++) {
      const base = p * sweep.recordLength + recordInputGradOffset(kCells);
      for (let t = 0; t < kCells; t++) m = Math.max(m, Math.abs(sweep.records[base + t] as number));
    }
    return m * 2;
  }, [sweep]);
  const max = sums ? Math.max(finalMax, maxAbs(sums.inputGrad.data)) : finalMax;
  const color = useMemo(() => (v: number) => divergingColor(v, max), [max]);
  return (
    <Panel
      id="input-gradient"
      title="Input gradient ∂L/∂x"
      lead="What the previous layer would receive: each position adds δ·w over the cells it saw."
    >
      {sums ? (
        <GridCanvas
          grid={sums.inputGrad}
          color={color}
          label="Input gradient so far"
          size={size}
          highlights={
            view && sums.position > 0
              ? [{ row: 0, col: 0, height: 0, width: 0, color: "#ff9f1c", cells: view.taps }]
              : []
          }
        />
      ) : (
        <div className="placeholder" style={{ width: size, height: size }} />
      )}
      <Legend max={max} title="∂L/∂x" />
    </Panel>
  );
}
