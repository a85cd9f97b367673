import { useMemo } from "react";
import { createGrid } from "../../engine/index";
import { applyUpdate } from "../../state/update";
import { useApp } from "../../state/useApp";
import { maxAbs } from "../../viz/color";
import { exactNumber, formatNumber } from "../../viz/format";
import { NumberGrid } from "../../viz/NumberGrid";
import { Panel } from "../Panel";
import { useStill } from "../usePositionView";

/** kernel − η · Σ, for the one kernel and the one bias; the button applies it. */
export function UpdatePanel() {
  const kernel = useApp((s) => s.kernel);
  const bias = useApp((s) => s.bias);
  const sums = useApp((s) => s.sums);
  const lr = useApp((s) => s.learningRate);
  const position = useApp((s) => s.position);
  const sweep = useApp((s) => s.sweep);
  const updates = useApp((s) => s.updates);
  const pending = useApp((s) => s.sweepPending);
  const still = useStill();
  const total = sweep ? sweep.outHeight * sweep.outWidth : 0;
  const { step, next } = useMemo(() => {
    const step = createGrid(kernel.height, kernel.width);
    const next = createGrid(kernel.height, kernel.width);
    for (let t = 0; t < kernel.data.length; t++) {
      step.data[t] = -lr * (sums?.kernelGrad.data[t] ?? 0);
      next.data[t] = (kernel.data[t] as number) - lr * (sums?.kernelGrad.data[t] ?? 0);
    }
    return { step, next };
  }, [kernel, sums, lr]);
  const scale = Math.max(maxAbs(kernel.data), maxAbs(next.data));
  const biasStep = -lr * (sums?.biasGrad ?? 0);
  return (
    <Panel
      id="update"
      title="Update: one step for the one filter"
      lead={
        <>
          w ← w − η · Σ with learning rate η = {exactNumber(lr)}. Updates so far: {updates}.
        </>
      }
    >
      <div className="equation">
        <figure>
          <NumberGrid grid={kernel} label="Kernel now" scaleMax={scale} digits={3} exact={still} />
          <figcaption>w now</figcaption>
        </figure>
        <span className="op">+</span>
        <figure>
          <NumberGrid
            grid={step}
            label="Minus learning rate times summed gradient"
            digits={3}
            exact={still}
          />
          <figcaption>−η · Σ δ·x</figcaption>
        </figure>
      </div>
      <div className="equation">
        <span className="op">=</span>
        <figure>
          <NumberGrid
            grid={next}
            label="Kernel after the update"
            scaleMax={scale}
            digits={3}
            exact={still}
          />
          <figcaption>w after</figcaption>
        </figure>
      </div>
      <p className="readout">
        Bias: {formatNumber(bias)} {biasStep < 0 ? "−" : "+"} {formatNumber(Math.abs(biasStep))} ={" "}
        <strong>{formatNumber(bias + biasStep)}</strong>
      </p>
      {position < total ? (
        <p className="hint">
          Only {position} of {total} positions are summed; finish the sweep for the full gradient.
        </p>
      ) : null}
      <button
        type="button"
        className="primary"
        onClick={applyUpdate}
        disabled={pending || sums === null}
      >
        Apply update
      </button>
    </Panel>
  );
}
