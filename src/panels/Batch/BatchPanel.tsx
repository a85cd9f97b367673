import { Panel } from "../Panel";

/** PLACEHOLDER — being built; replace this whole file. */
export function BatchPanel() {
  return (
    <Panel id="batch" title="A batch">
      <p className="placeholder-text">Coming in this change.</p>
    </Panel>
  );
}
