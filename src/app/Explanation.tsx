import { useApp } from "../state/useApp";

/** Plain words beside the panels: what is shown, and why the weights stay shared. */
export function Explanation() {
  const kH = useApp((s) => s.kernel.height);
  const kW = useApp((s) => s.kernel.width);
  const imageH = useApp((s) => s.image.height);
  const imageW = useApp((s) => s.image.width);
  const positions = useApp((s) => (s.sweep ? s.sweep.outHeight * s.sweep.outWidth : 0));
  const weights = kH * kW;
  const n = positions > 0 ? positions.toLocaleString("en") : "N";
  return (
    <section className="panel explanation" aria-labelledby="why-title">
      <h2 id="why-title">Why the weights stay shared</h2>
      <p>
        A {kH}x{kW} filter on a {imageH}x{imageW} image has{" "}
        <strong>{weights + 1} parameters</strong> ({weights} weights and a bias), yet it is applied
        at <strong>{n} positions</strong>. Backpropagation visits every one of them, and each
        position does want to change the weights in its own way.
      </p>
      <p>
        But no position owns a copy of the filter. Each one computes its wish, δ times the patch it
        saw, and <strong>adds</strong> it into one shared {kH}x{kW} buffer. The bias collects δ the
        same way, and δ times the filter goes back to the input cells the position covered.
      </p>
      <p>
        When all {n} are in, the buffer holds exactly ∂L/∂w, the derivative of the loss, because the
        loss depends on w through every position and the chain rule adds those paths. One update, w
        ← w − η·Σ, then moves the one filter. It is a sum, not an average: dividing by {n} would
        only rescale η.
      </p>
      <p>
        The same rule holds wherever one parameter is used in many places, such as a recurrent
        network reusing its weights at every time step.
      </p>
      <p className="hint">
        Keys: → step, ← step back, Space play/pause, Home/End jump to start/end, Enter apply the
        update.
      </p>
    </section>
  );
}
