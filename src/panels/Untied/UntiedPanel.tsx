import { Panel } from "../Panel";

/** PLACEHOLDER — being built; replace this whole file. */
export function UntiedPanel() {
  return (
    <Panel id="untied" title="What if the weights were not shared?">
      <p className="placeholder-text">Coming in this change.</p>
    </Panel>
  );
}
