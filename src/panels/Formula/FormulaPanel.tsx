import { Panel } from "../Panel";

/** PLACEHOLDER — being built; replace this whole file. */
export function FormulaPanel() {
  return (
    <Panel id="formula" title="The formula, live">
      <p className="placeholder-text">Coming in this change.</p>
    </Panel>
  );
}
