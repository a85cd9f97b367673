import { Panel } from "../Panel";

/** PLACEHOLDER — being built; replace this whole file. */
export function ReductionPanel() {
  return (
    <Panel id="reduction" title="Sum or mean">
      <p className="placeholder-text">Coming in this change.</p>
    </Panel>
  );
}
