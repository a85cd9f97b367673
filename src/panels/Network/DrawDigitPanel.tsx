import { useRef } from "react";
import { IMAGE_SIDE } from "../../engine/index";
import { useNetwork } from "../../state/network/store";
import { clearNetworkDigit, paintNetworkDigit } from "../../state/network/sweep";
import { grayColor } from "../../viz/color";
import { GridCanvas } from "../../viz/GridCanvas";
import { Panel } from "../Panel";
import { percent } from "./NetworkTrainingPanel";
import { range } from "./range";

/** The pointer's place in cell coordinates (fractional). */
function cellAt(e: React.PointerEvent<HTMLCanvasElement>) {
  const box = e.currentTarget.getBoundingClientRect();
  return {
    x: ((e.clientX - box.left) / box.width) * IMAGE_SIDE,
    y: ((e.clientY - box.top) / box.height) * IMAGE_SIDE,
  };
}

/** Draw a digit and see the network's ten probabilities change with each stroke. */
export function DrawDigitPanel() {
  const drawn = useNetwork((s) => s.drawn);
  const probabilities = useNetwork((s) => s.probabilities);
  const last = useRef<{ x: number; y: number } | null>(null);
  const grid = { height: IMAGE_SIDE, width: IMAGE_SIDE, data: drawn };
  let best = -1;
  if (probabilities) {
    best = 0;
    probabilities.forEach((p, d) => {
      if (p > (probabilities[best] as number)) best = d;
    });
  }
  return (
    <Panel
      id="network-draw"
      title="Draw a digit"
      lead="Draw with the mouse, a pen or a finger, large and centred like the training digits; each stroke asks the network again."
    >
      <div className="draw-digit">
        <div className="draw-canvas">
          <GridCanvas
            grid={grid}
            color={grayColor}
            label="Draw a digit"
            size={192}
            canvasProps={{
              style: { width: 192, height: 192, touchAction: "none", cursor: "crosshair" },
              onPointerDown: (e) => {
                e.currentTarget.setPointerCapture?.(e.pointerId);
                const at = cellAt(e);
                last.current = at;
                paintNetworkDigit(at, at);
              },
              onPointerMove: (e) => {
                if (last.current === null) return;
                const at = cellAt(e);
                paintNetworkDigit(last.current, at);
                last.current = at;
              },
              onPointerUp: () => {
                last.current = null;
              },
              onPointerCancel: () => {
                last.current = null;
              },
            }}
          />
          <button type="button" onClick={clearNetworkDigit}>
            Clear the drawing
          </button>
        </div>
        <ol className="probabilities" aria-label="The ten class probabilities">
          {range(10).map((d) => {
            const p = probabilities?.[d] ?? 0;
            return (
              <li key={d} className={d === best ? "best" : undefined}>
                <span className="digit">{d}</span>
                <span className="bar" style={{ width: `${Math.max(0, p * 100)}%` }} />
                <span
                  className="p"
                  data-quantity={`probability-${d}`}
                  data-value={probabilities ? p : ""}
                >
                  {probabilities ? percent(p) : "—"}
                </span>
              </li>
            );
          })}
        </ol>
      </div>
      <p className="hint" data-quantity="prediction">
        {probabilities
          ? `The network says ${best} (${percent(probabilities[best] as number)}).`
          : "Nothing drawn yet."}
      </p>
    </Panel>
  );
}
