import { useEffect, useMemo, useRef } from "react";
import {
  applyBatchUpdate,
  batchTotal,
  batchTotals,
  MAX_BATCH,
  openBatchImageFile,
  setBatchPosition,
  setBatchSize,
  setBatchSource,
  watchBatchInputs,
} from "../../state/batchActions";
import { type BatchSource, defaultSource, describeSource } from "../../state/batchImages";
import { makeTarget } from "../../state/store";
import { useApp } from "../../state/useApp";
import { grayColor, maxAbs } from "../../viz/color";
import { exactNumber, formatNumber } from "../../viz/format";
import { GridCanvas } from "../../viz/GridCanvas";
import { NumberGrid } from "../../viz/NumberGrid";
import { Panel } from "../Panel";
import { focusIndex, positionView } from "../positionView";
import { useLive } from "../useOnScreen";
import "./batch.css";

function SourcePicker({
  k,
  source,
}: {
  /** Which extra image (0-based). */
  k: number;
  source: BatchSource;
}) {
  const file = useRef<HTMLInputElement>(null);
  const value = source.kind === "loaded" ? "loaded" : source.kind;
  return (
    <>
      <select
        aria-label={`How image ${k + 1} is made`}
        value={value}
        onChange={(e) => {
          if (e.target.value === "loaded") file.current?.click();
          else if (e.target.value === "shifted")
            setBatchSource(k, { kind: "shifted", down: k, right: 2 * k > 8 ? k : 2 * k });
          else setBatchSource(k, { kind: "noisy", sigma: 0.15, seed: k });
        }}
      >
        <option value="shifted">Shifted copy</option>
        <option value="noisy">Noisy copy</option>
        <option value="loaded">Image file…</option>
      </select>
      <input
        ref={file}
        type="file"
        accept="image/*"
        hidden
        aria-label={`Image file for image ${k + 1}`}
        onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = "";
          if (!f) return;
          void openBatchImageFile(k, f);
        }}
      />
    </>
  );
}

/** Several images swept one after another; their subtotals add into the one gradient. */
export function BatchPanel() {
  const targetKernel = useApp((s) => s.targetKernel);
  const options = useApp((s) => s.options);
  const sources = useApp((s) => s.batchSources);
  const images = useApp((s) => s.batchImages);
  const sweeps = useApp((s) => s.batchSweeps);
  const sums = useApp((s) => s.batchSums);
  const position = useApp((s) => s.batchPosition);
  const pending = useApp((s) => s.batchPending);
  const error = useApp((s) => s.batchError);
  const perImage = useApp((s) => batchTotals(s).perImage);
  const total = useApp((s) => batchTotals(s).total);

  // During training or a stroke, the batch follows each new kernel or image only while the
  // panel is on screen: four sweeps per change would compete with the training or the
  // drawing itself (see useLive).
  const busy = useApp((s) => s.training || s.dragging);
  const live = useLive("batch", busy);
  useEffect(() => (live ? watchBatchInputs() : undefined), [live]);

  const totals = useMemo(() => (sums ? batchTotal(sums) : null), [sums]);
  const scale = totals ? maxAbs(totals.kernelGrad.data) : 1;
  const current =
    perImage > 0
      ? Math.min(sweeps ? sweeps.length - 1 : 0, Math.floor(Math.max(0, position - 1) / perImage))
      : 0;
  const within = position - current * perImage;
  const ready = sweeps !== null && sums !== null && images !== null && !pending;
  const view = useMemo(() => {
    if (!ready || targetKernel === null) return null;
    const sweep = sweeps[current];
    const img = images[current];
    if (!sweep || !img || within <= 0) return null;
    return positionView(sweep, focusIndex(within), img, makeTarget(img, targetKernel, options));
  }, [ready, sweeps, images, current, within, targetKernel, options]);

  return (
    <Panel
      id="batch"
      className="wide"
      title="A batch: images add up too"
      lead="The batch loss is the sum of the images' losses, so the sweep runs over every position of every image and the one gradient is the sum of the images' subtotals."
    >
      <div className="tools">
        <label>
          Images in the batch{" "}
          <select
            value={sources.length + 1}
            onChange={(e) => setBatchSize(Number(e.target.value), defaultSource)}
          >
            {Array.from({ length: MAX_BATCH }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => setBatchPosition(position + 1)}
          disabled={!ready || position >= total}
        >
          +1 position
        </button>
        <button
          type="button"
          onClick={() => setBatchPosition((Math.floor(position / perImage) + 1) * perImage)}
          disabled={!ready || position >= total}
        >
          +1 image
        </button>
        <button
          type="button"
          onClick={() => setBatchPosition(total)}
          disabled={!ready || position >= total}
        >
          Whole batch
        </button>
        <button
          type="button"
          onClick={() => setBatchPosition(0)}
          disabled={!ready || position === 0}
        >
          Back to 0
        </button>
        <input
          type="range"
          aria-label="Batch cursor"
          min={0}
          max={total}
          value={position}
          disabled={!ready}
          onChange={(e) => setBatchPosition(Number(e.target.value))}
        />
      </div>
      <p className="readout" aria-live="polite">
        {error
          ? error
          : ready
            ? `Batch position ${position} of ${total}: image ${current + 1}, position ${Math.max(0, within)} of ${perImage}.`
            : "Sweeping the batch…"}
      </p>
      {ready ? (
        <div className="batch-cards">
          {sums.map((s, i) => {
            const img = images[i];
            if (!img) return null;
            const slot = `slot-${i + 1}`;
            return (
              <figure
                key={slot}
                className={`batch-card${i === current && position > 0 ? " current" : ""}`}
              >
                <GridCanvas
                  grid={img}
                  color={grayColor}
                  size={72}
                  label={`Batch image ${i + 1}: ${i === 0 ? "the drawn image" : describeSource(sources[i - 1] as BatchSource)}`}
                  highlights={
                    view && i === current
                      ? [
                          {
                            row: 0,
                            col: 0,
                            height: 0,
                            width: 0,
                            color: "#ff9f1c",
                            cells: view.taps,
                          },
                        ]
                      : []
                  }
                />
                <figcaption>
                  {i + 1}. {i === 0 ? "drawn" : describeSource(sources[i - 1] as BatchSource)}
                  {i > 0 ? <SourcePicker k={i} source={sources[i - 1] as BatchSource} /> : null}
                </figcaption>
                <NumberGrid
                  grid={s.kernelGrad}
                  label={`Image ${i + 1} subtotal of the kernel gradient`}
                  scaleMax={scale}
                  digits={3}
                />
                <span className="note" title={exactNumber(s.biasGrad)}>
                  Σδ {formatNumber(s.biasGrad, 3)} · {s.position}/{perImage}
                </span>
              </figure>
            );
          })}
          {totals ? (
            <figure className="batch-card total">
              <span className="op">= Σ</span>
              <NumberGrid
                grid={totals.kernelGrad}
                label="Batch gradient: the sum of the subtotals"
                scaleMax={scale}
                digits={3}
              />
              <span className="note" title={exactNumber(totals.biasGrad)}>
                ∂L/∂b {formatNumber(totals.biasGrad, 3)}
              </span>
              <figcaption>The one gradient</figcaption>
            </figure>
          ) : null}
        </div>
      ) : null}
      <button type="button" className="primary" onClick={applyBatchUpdate} disabled={!ready}>
        Apply batch update
      </button>
    </Panel>
  );
}
