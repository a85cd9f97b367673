import { Panel } from "../Panel";

/** PLACEHOLDER — being built; replace this whole file. */
export function RecurrentPanel() {
  return (
    <Panel id="recurrent" title="Weight sharing in time">
      <p className="placeholder-text">Coming in this change.</p>
    </Panel>
  );
}
