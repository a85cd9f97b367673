import { useRef } from "react";
import { appStore } from "../../state/store";
import { totalPositions } from "../../state/sweep";
import { useApp } from "../../state/useApp";
import { exactNumber, formatNumber } from "../../viz/format";
import { LiveNumberGrid, type LiveNumberGridHandle } from "../../viz/LiveNumberGrid";
import { pulse, setText, setTitle } from "../../viz/numberGridPaint";
import { useFramePaint } from "../../viz/useFramePaint";
import { useLiveSubscribe } from "../busyPanels";
import { paintInterval, positionViewOf, positionViewShape, sizesOf } from "../livePosition";
import { Panel } from "../Panel";

/** "+0.123" for a term that lands (a true minus for a negative one). */
const signed = (v: number) => `+${formatNumber(v, 3)}`.replace("+−", "−");

/**
 * The one kernel gradient and bias gradient, summed over the positions so far. React renders
 * the structure; the sums are painted every frame outside React (src/viz/useFramePaint.ts).
 */
export function RunningSumPanel() {
  const shape = useApp((s) => (s.sums === null ? null : positionViewShape(s)));
  const grid = useRef<LiveNumberGridHandle>(null);
  const lead = useRef<HTMLSpanElement>(null);
  const bias = useRef<HTMLSpanElement>(null);
  const biasNote = useRef<HTMLSpanElement>(null);
  const count = useRef<HTMLParagraphElement>(null);
  const last = useRef<unknown[]>([]);
  useFramePaint(
    useLiveSubscribe("running-sum"),
    (force) => {
      const s = appStore.getState();
      const view = positionViewShape(s) === shape ? positionViewOf(s) : null;
      const { sums, position } = s;
      const still = !s.playing;
      // The landing pulse (0.45 s) marks one step; played faster it would restart every frame,
      // never be seen, and cost a style pass for every cell each time.
      const pulsing = !s.playing || s.speed <= 2;
      const key = [view, sums, still, position];
      if (view === null || sums === null) return;
      if (!force && key.every((k, i) => k === last.current[i])) return;
      // One step landed (not a jump, not the end of a fast play): the cells pulse.
      const stepped = pulsing && !force && Math.abs(position - (last.current[3] as number)) === 1;
      last.current = key;
      const total = totalPositions(s);
      setText(lead.current, `${position} of ${total} positions added.`);
      setText(count.current, `${position} of ${total}`);
      setText(bias.current, formatNumber(sums.biasGrad));
      setTitle(bias.current, still ? exactNumber(sums.biasGrad) : null);
      setText(biasNote.current, position > 0 ? signed(view.delta) : "");
      const notes = position > 0 ? Array.from(view.kernelGradTerm.data, signed) : null;
      grid.current?.paint({
        data: sums.kernelGrad.data,
        notes,
        exact: still,
        pulse: stepped,
      });
      if (stepped && bias.current) pulse(bias.current);
    },
    paintInterval,
  );
  if (shape === null) {
    return (
      <Panel id="running-sum" title="Running sum">
        <p className="placeholder-text">Computing the sweep…</p>
      </Panel>
    );
  }
  const [rows, cols] = sizesOf(shape) as [number, number];
  return (
    <Panel
      id="running-sum"
      title="Running sum: the one shared gradient"
      lead={
        <>
          Every position adds its terms into the same {shape} buffer. <span ref={lead} />
        </>
      }
    >
      <div className="equation">
        <figure>
          <LiveNumberGrid
            rows={rows}
            cols={cols}
            label="Kernel gradient so far"
            notes
            handle={grid}
          />
          <figcaption>Σ δ·x = ∂L/∂w so far</figcaption>
        </figure>
        <figure className="scalar">
          <span className="big-number" ref={bias} />
          <span className="note" ref={biasNote} />
          <figcaption>Σ δ = ∂L/∂b so far</figcaption>
        </figure>
      </div>
      <p className="count" aria-hidden="true" ref={count} />
    </Panel>
  );
}
