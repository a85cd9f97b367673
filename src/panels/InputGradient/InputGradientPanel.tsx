import { useMemo, useRef, useState } from "react";
import { recordInputGradOffset } from "../../engine/index";
import { appStore } from "../../state/store";
import { useApp } from "../../state/useApp";
import { divergingColor, maxAbs } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { Legend } from "../../viz/Legend";
import { MovingWindow, moveWindow } from "../../viz/MovingWindow";
import { paintGrid } from "../../viz/paintGrid";
import { useFramePaint } from "../../viz/useFramePaint";
import { useLiveSubscribe } from "../busyPanels";
import { paintInterval, positionViewOf, sizesOf, useWindowCells } from "../livePosition";
import { Panel } from "../Panel";

/**
 * ∂L/∂x accumulating: every position adds delta · kernel over the cells it saw. React renders
 * the canvas when the sweep or the image's shape changes; the sums and the window's taps are
 * painted every frame outside React (src/viz/useFramePaint.ts).
 */
export function InputGradientPanel({ size }: { /** Canvas width in CSS pixels. */ size: number }) {
  const sweep = useApp((s) => s.sweep);
  const shape = useApp((s) =>
    s.sums ? `${s.sums.inputGrad.height}x${s.sums.inputGrad.width}` : null,
  );
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
  // Should the sums ever outgrow it, the scale follows (a rare re-render, not one a frame).
  const [max, setMax] = useState(finalMax);
  const shownMax = Math.max(max, finalMax);
  const color = useMemo(() => (v: number) => divergingColor(v, shownMax), [shownMax]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const windowCells = useWindowCells();
  const taps = useRef<HTMLCanvasElement>(null);
  useFramePaint(
    useLiveSubscribe("input-gradient"),
    () => {
      const s = appStore.getState();
      const { sums } = s;
      if (sums === null || `${sums.inputGrad.height}x${sums.inputGrad.width}` !== shape) return;
      const m = maxAbs(sums.inputGrad.data);
      if (m > shownMax) {
        setMax(m);
        return;
      }
      if (canvas.current) paintGrid(canvas.current, sums.inputGrad, color);
      const view = positionViewOf(s);
      moveWindow(taps.current, view && sums.position > 0 ? view.origin : null);
    },
    paintInterval,
  );
  const [h, w] = shape ? (sizesOf(shape) as [number, number]) : [0, 0];
  const sized = useMemo(() => ({ height: h, width: w, data: new Float64Array(h * w) }), [h, w]);
  return (
    <Panel
      id="input-gradient"
      title="Input gradient ∂L/∂x"
      lead="What the previous layer would receive: each position adds δ·w over the cells it saw."
    >
      {shape ? (
        <GridCanvas
          grid={sized}
          color={color}
          label="Input gradient so far"
          size={size}
          paintSelf={false}
          canvasRef={canvas}
          overlay={
            windowCells ? (
              <MovingWindow
                cells={windowCells}
                color="#ff9f1c"
                cell={size / w}
                width={size}
                height={(size / w) * h}
                layerRef={taps}
              />
            ) : null
          }
        />
      ) : (
        <div className="placeholder" style={{ width: size, height: size }} />
      )}
      <Legend max={shownMax} title="∂L/∂x" />
    </Panel>
  );
}
