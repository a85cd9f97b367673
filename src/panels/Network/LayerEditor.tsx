import { type DragEvent, useMemo, useState } from "react";
import {
  type LayerShape,
  type LayerSpec,
  layerLabel,
  NETWORK_PRESETS,
  type NetworkPresetName,
} from "../../engine";
import {
  insertAt,
  kernelOf,
  LAYER_RANGES,
  LAYER_TYPES,
  type LayerRow,
  layerRows,
  newLayer,
} from "../../state/network/spec";
import { useDataWords, useNetwork } from "../../state/network/store";
import {
  chooseNetworkPreset,
  discardLayerDraft,
  setNetworkLayers,
} from "../../state/network/training";
import { Panel } from "../Panel";
import { NumberField } from "./NumberField";

/** How the editor names each kind of layer. */
const KIND_NAMES: Record<LayerSpec["type"], string> = {
  conv2d: "conv",
  relu: "ReLU",
  maxpool2d: "max-pool",
  avgpool2d: "average-pool",
  flatten: "flatten",
  dense: "dense",
};

/** The presets, as the menu names them. */
const PRESET_NAMES: Record<NetworkPresetName, string> = {
  default: "Today's network: conv 3x3 ×8, pool, dense 10",
  twoConv: "Two conv layers: ×8 and ×16",
  leNet5: "LeNet-5: conv 5x5 ×6, ×16, dense 120, 84, 10",
  allConv: "All-convolutional: stride 2, no pooling",
};

/** The kinds of layer, as a menu's options. */
function KindOptions() {
  return LAYER_TYPES.map((t) => (
    <option key={t} value={t}>
      {KIND_NAMES[t]}
    </option>
  ));
}

const count = (n: number) => n.toLocaleString("en-US");

/** "8x30x30", or "120" for a flat output. */
function shapeText(shape: LayerShape, flat: boolean): string {
  return flat
    ? count(shape.channels * shape.height * shape.width)
    : `${shape.channels}x${shape.height}x${shape.width}`;
}

/** The fields of one layer, each a number field that commits on Enter or leaving it. */
function LayerFields({
  layer,
  onChange,
}: {
  layer: LayerSpec;
  onChange: (layer: LayerSpec) => void;
}) {
  const r = LAYER_RANGES;
  const field = (
    label: string,
    value: number,
    range: { min: number; max: number },
    set: (n: number) => LayerSpec,
  ) => (
    <NumberField
      key={label}
      label={label}
      value={value}
      min={range.min}
      max={range.max}
      step={1}
      onCommit={(n) => onChange(set(n))}
    />
  );
  switch (layer.type) {
    case "conv2d": {
      const [kh, kw] = kernelOf(layer);
      const kernel = (h: number, w: number): LayerSpec => ({
        ...layer,
        kernelSize: h === w ? h : [h, w],
      });
      return (
        <>
          {field("Filters", layer.filters, r.filters, (filters) => ({ ...layer, filters }))}
          {field("Kernel height", kh, r.kernel, (h) => kernel(h, kw))}
          {field("Kernel width", kw, r.kernel, (w) => kernel(kh, w))}
          {field("Stride", layer.stride ?? 1, r.stride, (stride) => ({ ...layer, stride }))}
          {field("Padding", layer.padding ?? 0, r.padding, (padding) => ({ ...layer, padding }))}
          {field("Dilation", layer.dilation ?? 1, r.dilation, (dilation) => ({
            ...layer,
            dilation,
          }))}
        </>
      );
    }
    case "maxpool2d":
    case "avgpool2d":
      return (
        <>
          {field("Size", layer.size, r.size, (size) => ({ ...layer, size }))}
          {field("Stride", layer.stride ?? layer.size, r.stride, (stride) => ({
            ...layer,
            stride,
          }))}
        </>
      );
    case "dense":
      return field("Units", layer.units, r.units, (units) => ({ ...layer, units }));
    default:
      return null;
  }
}

/** What a layer makes: its output, its parameters and, for a conv layer, what sharing saves. */
function RowFigures({ row }: { row: LayerRow }) {
  if (row.shape === null) return <p className="hint layer-figures">— (fix the layers above)</p>;
  return (
    <p className="layer-figures">
      <span data-quantity="layer-shape">→ {shapeText(row.shape, row.flat)}</span>
      {row.params ? <span> · {count(row.params)} parameters</span> : null}
      {row.saving ? (
        <span className="hint" data-quantity="layer-sharing">
          {" "}
          · shared: {count(row.saving.shared)} parameters; untied, one filter per position, it would
          be {count(row.saving.untied)}
        </span>
      ) : null}
    </p>
  );
}

/**
 * The network's layers as an editable list: each layer's kind and fields, its output shape and
 * parameters; Add layer, remove, reorder (the arrows, Alt+↑/↓ on a layer's handle, or dragging
 * it); the presets. Layers that do not make a network stay in the editor with the problem
 * named at its layer, and the network keeps training as it was until they do.
 */
export function LayerEditor() {
  const spec = useNetwork((s) => s.spec);
  const draft = useNetwork((s) => s.draft);
  const training = useNetwork((s) => s.training);
  const words = useDataWords();
  const input = spec.input;
  const layers = draft?.layers ?? spec.layers;
  const rows = useMemo(() => layerRows(layers, spec.input), [layers, spec.input]);
  const [kind, setKind] = useState<LayerSpec["type"]>("conv2d");
  const [dragged, setDragged] = useState<number | null>(null);
  const total = rows.reduce((sum, r) => sum + (r.params ?? 0), 0);
  const change = (next: LayerSpec[]) => setNetworkLayers(next);
  const move = (from: number, to: number) => {
    if (to < 0 || to >= layers.length || from === to) return;
    const next = [...layers];
    const [layer] = next.splice(from, 1);
    next.splice(to, 0, layer as LayerSpec);
    change(next);
  };
  const drop = (to: number) => (e: DragEvent) => {
    e.preventDefault();
    if (dragged !== null) move(dragged, to);
    setDragged(null);
  };
  return (
    <Panel
      id="network-layers"
      title="The network's layers"
      lead={`Build the network the ${words.many} go through: each layer's output and parameters update as you edit. A conv layer's filters are shared by every position, which the last figure of its line counts.`}
      className="network-layers"
    >
      <fieldset className="layer-editor" disabled={training}>
        <legend>Layers (pause training to change)</legend>
        <label className="network-field">
          <span>Start from</span>
          <select
            value=""
            onChange={(e) => {
              if (e.target.value in NETWORK_PRESETS) {
                chooseNetworkPreset(e.target.value as NetworkPresetName);
              }
            }}
          >
            <option value="">a preset…</option>
            {(Object.keys(PRESET_NAMES) as NetworkPresetName[]).map((name) => (
              <option key={name} value={name}>
                {PRESET_NAMES[name]}
              </option>
            ))}
          </select>
        </label>
        <p className="layer-input">
          Input: {input.channels}x{input.height}x{input.width} (
          {words.one === "digit"
            ? input.height === 28
              ? "a digit, unpadded"
              : "a digit"
            : input.channels === 3
              ? "an image in colour"
              : "an image in gray"}
          ){words.one === "digit" ? null : `, ${words.classNames.length} classes out`}
        </p>
        <ol className="layer-list">
          {layers.map((layer, i) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: a layer is its place in the list
              key={i}
              className={dragged === i ? "layer-row dragged" : "layer-row"}
              onDragOver={(e) => e.preventDefault()}
              onDrop={drop(i)}
            >
              <fieldset>
                <legend>
                  <button
                    type="button"
                    className="layer-handle"
                    draggable
                    aria-label={`Layer ${i + 1}, ${layerLabel(layer)}: drag, or Alt+↑ / Alt+↓, to move it`}
                    title="Drag to move, or Alt+↑ / Alt+↓"
                    onDragStart={(e) => {
                      e.dataTransfer.effectAllowed = "move";
                      e.dataTransfer.setData("text/plain", String(i));
                      setDragged(i);
                    }}
                    onDragEnd={() => setDragged(null)}
                    onKeyDown={(e) => {
                      if (!e.altKey) return;
                      if (e.key === "ArrowUp") move(i, i - 1);
                      else if (e.key === "ArrowDown") move(i, i + 1);
                      else return;
                      e.preventDefault();
                    }}
                  >
                    ⠿
                  </button>{" "}
                  Layer {i + 1}
                </legend>
                <label className="network-field">
                  <span>Kind</span>
                  <select
                    value={layer.type}
                    onChange={(e) => {
                      const next = [...layers];
                      next[i] = newLayer(e.target.value as LayerSpec["type"]);
                      change(next);
                    }}
                  >
                    <KindOptions />
                  </select>
                </label>
                <LayerFields
                  layer={layer}
                  onChange={(l) => {
                    const next = [...layers];
                    next[i] = l;
                    change(next);
                  }}
                />
                <span className="layer-buttons">
                  <button
                    type="button"
                    aria-label={`Move layer ${i + 1} up`}
                    disabled={i === 0}
                    onClick={() => move(i, i - 1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    aria-label={`Move layer ${i + 1} down`}
                    disabled={i === layers.length - 1}
                    onClick={() => move(i, i + 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    aria-label={`Remove layer ${i + 1}`}
                    disabled={layers.length === 1}
                    onClick={() => change(layers.filter((_, j) => j !== i))}
                  >
                    ✕
                  </button>
                </span>
                <RowFigures row={rows[i] as LayerRow} />
              </fieldset>
            </li>
          ))}
        </ol>
        <div className="tools layer-add">
          <label className="network-field">
            <span>New layer</span>
            <select value={kind} onChange={(e) => setKind(e.target.value as LayerSpec["type"])}>
              <KindOptions />
            </select>
          </label>
          <button
            type="button"
            onClick={() => {
              const next = [...layers];
              next.splice(insertAt(layers, kind), 0, newLayer(kind));
              change(next);
            }}
          >
            Add layer
          </button>
          <span className="hint">
            Image layers go in before the flatten, dense layers before the output layer.
          </span>
        </div>
      </fieldset>
      {draft === null ? (
        <p data-quantity="network-parameters">
          {count(total)} parameters in all · the network trains on these layers
        </p>
      ) : (
        <div className="layer-problem" role="alert">
          <p className="error-text" data-quantity="layer-problem">
            These layers do not make a network yet: {draft.problem}. Training waits until they do;
            the network keeps its{" "}
            {spec.layers.length === 1 ? "layer" : `${count(spec.layers.length)} layers`} and weights
            meanwhile.
          </p>
          <button type="button" onClick={discardLayerDraft}>
            Back to the network's layers
          </button>
        </div>
      )}
    </Panel>
  );
}
