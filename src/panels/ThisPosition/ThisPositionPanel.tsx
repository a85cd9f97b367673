import { useApp } from "../../state/useApp";
import { grayColor, maxAbs } from "../../viz/color";
import { exactNumber, formatNumber } from "../../viz/format";
import { NumberGrid } from "../../viz/NumberGrid";
import { Panel } from "../Panel";
import { usePositionView, useStill } from "../usePositionView";

/** The current position's patch, its delta, and what it adds to each gradient. */
export function ThisPositionPanel() {
  const position = useApp((s) => s.position);
  const view = usePositionView();
  const still = useStill();
  if (view === null) {
    return (
      <Panel id="this-position" title="This position">
        <p className="placeholder-text">Computing the sweep…</p>
      </Panel>
    );
  }
  const added = position > 0;
  const termMax = Math.max(maxAbs(view.kernelGradTerm.data), maxAbs(view.inputGradPatch.data));
  return (
    <Panel
      id="this-position"
      title={
        <>
          This position: row {view.row}, col {view.col}{" "}
          <span className="tag">
            {added ? `#${view.index + 1}, just added` : "#1, next to add"}
          </span>
        </>
      }
      lead="The same filter is used here as everywhere; this position only contributes terms to add."
    >
      <div className="equation">
        <figure>
          <NumberGrid
            grid={view.patch}
            label="Input patch the filter sees"
            color={grayColor}
            digits={3}
            exact={still}
          />
          <figcaption>Input patch x</figcaption>
        </figure>
        <span className="op">×</span>
        <figure className="scalar">
          <span className="big-number" title={still ? exactNumber(view.delta) : undefined}>
            {formatNumber(view.delta)}
          </span>
          <figcaption>δ</figcaption>
        </figure>
      </div>
      <div className="equation">
        <span className="op">=</span>
        <figure>
          <NumberGrid
            grid={view.kernelGradTerm}
            label="Kernel-gradient contribution"
            scaleMax={termMax}
            exact={still}
          />
          <figcaption>δ·x → kernel gradient</figcaption>
        </figure>
      </div>
      <div className="equation">
        <figure className="scalar">
          <span className="big-number" title={still ? exactNumber(view.delta) : undefined}>
            {formatNumber(view.delta)}
          </span>
          <figcaption>δ → bias gradient</figcaption>
        </figure>
        <figure>
          <NumberGrid
            grid={view.inputGradPatch}
            label="Input-gradient contribution"
            scaleMax={termMax}
            exact={still}
          />
          <figcaption>δ·w → input gradient</figcaption>
        </figure>
      </div>
    </Panel>
  );
}
