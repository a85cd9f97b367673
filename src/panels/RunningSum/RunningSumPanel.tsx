import { useApp } from "../../state/useApp";
import { exactNumber, formatNumber } from "../../viz/format";
import { NumberGrid } from "../../viz/NumberGrid";
import { Panel } from "../Panel";
import { usePositionView, useStill } from "../usePositionView";

/** The one kernel gradient and bias gradient, summed over the positions so far. */
export function RunningSumPanel() {
  const sums = useApp((s) => s.sums);
  const position = useApp((s) => s.position);
  const sweep = useApp((s) => s.sweep);
  const shape = useApp((s) => `${s.kernel.height}x${s.kernel.width}`);
  const view = usePositionView();
  // The landing pulse (0.45 s) marks one step; played faster it would restart every frame,
  // never be seen, and cost a style and layout pass for every cell each time.
  const pulse = useApp((s) => !s.playing || s.speed <= 2);
  const still = useStill();
  const total = sweep ? sweep.outHeight * sweep.outWidth : 0;
  if (sums === null || view === null) {
    return (
      <Panel id="running-sum" title="Running sum">
        <p className="placeholder-text">Computing the sweep…</p>
      </Panel>
    );
  }
  const notes =
    position > 0
      ? Array.from(view.kernelGradTerm.data, (v) => `+${formatNumber(v, 3)}`.replace("+−", "−"))
      : undefined;
  return (
    <Panel
      id="running-sum"
      title="Running sum: the one shared gradient"
      lead={`Every position adds its terms into the same ${shape} buffer. ${position} of ${total} positions added.`}
    >
      <div className="equation">
        <figure>
          <NumberGrid
            grid={sums.kernelGrad}
            label="Kernel gradient so far"
            {...(pulse ? { pulseKey: position } : {})}
            notes={notes}
            exact={still}
          />
          <figcaption>Σ δ·x = ∂L/∂w so far</figcaption>
        </figure>
        <figure className="scalar">
          <span
            key={pulse ? position : "playing"}
            className={`big-number${pulse ? " pulse" : ""}`}
            title={still ? exactNumber(sums.biasGrad) : undefined}
          >
            {formatNumber(sums.biasGrad)}
          </span>
          {position > 0 ? <span className="note">+{formatNumber(view.delta, 3)}</span> : null}
          <figcaption>Σ δ = ∂L/∂b so far</figcaption>
        </figure>
      </div>
      <p className="count" aria-hidden="true">
        {position} of {total}
      </p>
    </Panel>
  );
}
