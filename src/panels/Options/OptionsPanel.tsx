import { Panel } from "../Panel";

/** PLACEHOLDER — being built; replace this whole file. */
export function OptionsPanel() {
  return (
    <Panel id="options" title="Stride, padding, dilation">
      <p className="placeholder-text">Coming in this change.</p>
    </Panel>
  );
}
