import { Panel } from "../Panel";

/** PLACEHOLDER — being built; replace this whole file. */
export function GradientCheckPanel() {
  return (
    <Panel id="gradient-check" title="Gradient check">
      <p className="placeholder-text">Coming in this change.</p>
    </Panel>
  );
}
