import { Panel } from "../Panel";

/** PLACEHOLDER — being built; replace this whole file. */
export function WeightMapsPanel() {
  return (
    <Panel id="weight-maps" title="Where each weight's gradient comes from">
      <p className="placeholder-text">Coming in this change.</p>
    </Panel>
  );
}
