import { useRef } from "react";
import { appStore } from "../../state/store";
import { totalPositions } from "../../state/sweep";
import { applyUpdate } from "../../state/update";
import { useApp } from "../../state/useApp";
import { maxAbs } from "../../viz/color";
import { exactNumber, formatNumber } from "../../viz/format";
import { LiveNumberGrid, type LiveNumberGridHandle } from "../../viz/LiveNumberGrid";
import { setText } from "../../viz/numberGridPaint";
import { useFramePaint } from "../../viz/useFramePaint";
import { useLiveSubscribe } from "../busyPanels";
import { paintInterval } from "../livePosition";
import { Panel } from "../Panel";

/**
 * kernel − η · Σ, for the one kernel and the one bias; the button applies it. React renders
 * the structure; the preview follows the running sum every frame outside React
 * (src/viz/useFramePaint.ts).
 */
export function UpdatePanel() {
  const kH = useApp((s) => s.kernel.height);
  const kW = useApp((s) => s.kernel.width);
  const lr = useApp((s) => s.learningRate);
  const updates = useApp((s) => s.updates);
  const pending = useApp((s) => s.sweepPending);
  const noSums = useApp((s) => s.sums === null);
  const complete = useApp((s) => s.position >= totalPositions(s));
  const now = useRef<LiveNumberGridHandle>(null);
  const step = useRef<LiveNumberGridHandle>(null);
  const after = useRef<LiveNumberGridHandle>(null);
  const biasText = useRef<HTMLSpanElement>(null);
  const biasAfter = useRef<HTMLElement>(null);
  const summed = useRef<HTMLSpanElement>(null);
  const last = useRef<unknown[]>([]);
  useFramePaint(
    useLiveSubscribe("update"),
    (force) => {
      const { kernel, bias, sums, learningRate: eta, position, playing } = appStore.getState();
      const still = !playing;
      const key = [kernel, bias, sums, eta, still];
      if (kernel.height !== kH || kernel.width !== kW) return;
      if (!force && key.every((k, i) => k === last.current[i])) return;
      last.current = key;
      const grad = sums !== null && sums.kernelGrad.data.length === kernel.data.length;
      const stepData = new Float64Array(kernel.data.length);
      const next = new Float64Array(kernel.data.length);
      for (let t = 0; t < kernel.data.length; t++) {
        const g = grad ? (sums.kernelGrad.data[t] as number) : 0;
        stepData[t] = -eta * g;
        next[t] = (kernel.data[t] as number) - eta * g;
      }
      const scale = Math.max(maxAbs(kernel.data), maxAbs(next));
      now.current?.paint({ data: kernel.data, scaleMax: scale, exact: still });
      step.current?.paint({ data: stepData, exact: still });
      after.current?.paint({ data: next, scaleMax: scale, exact: still });
      const biasStep = -eta * (sums?.biasGrad ?? 0);
      setText(
        biasText.current,
        `${formatNumber(bias)} ${biasStep < 0 ? "−" : "+"} ${formatNumber(Math.abs(biasStep))} = `,
      );
      setText(biasAfter.current, formatNumber(bias + biasStep));
      setText(summed.current, String(position));
    },
    paintInterval,
  );
  const total = useApp(totalPositions);
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
          <LiveNumberGrid rows={kH} cols={kW} label="Kernel now" digits={3} handle={now} />
          <figcaption>w now</figcaption>
        </figure>
        <span className="op">+</span>
        <figure>
          <LiveNumberGrid
            rows={kH}
            cols={kW}
            label="Minus learning rate times summed gradient"
            digits={3}
            handle={step}
          />
          <figcaption>−η · Σ δ·x</figcaption>
        </figure>
      </div>
      <div className="equation">
        <span className="op">=</span>
        <figure>
          <LiveNumberGrid
            rows={kH}
            cols={kW}
            label="Kernel after the update"
            digits={3}
            handle={after}
          />
          <figcaption>w after</figcaption>
        </figure>
      </div>
      <p className="readout">
        Bias: <span ref={biasText} />
        <strong ref={biasAfter} />
      </p>
      {complete ? null : (
        <p className="hint">
          Only <span ref={summed} /> of {total} positions are summed; finish the sweep for the full
          gradient.
        </p>
      )}
      <button type="button" className="primary" onClick={applyUpdate} disabled={pending || noSums}>
        Apply update
      </button>
    </Panel>
  );
}
