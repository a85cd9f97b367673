import { useEffect, useState } from "react";
import { createGrid, type Grid } from "../../engine/index";

export interface FilterEditorProps {
  /** The filter shown in the inputs. */
  filter: Grid;
  /** Called with a new filter when every typed value is a finite number. */
  onChange: (filter: Grid) => void;
  /** Accessible name of the group, e.g. "Target filter". */
  label: string;
}

/** A filter typed in, one number box per weight; a box that is not a number is flagged, not used. */
export function FilterEditor({ filter, onChange, label }: FilterEditorProps) {
  const [texts, setTexts] = useState(() => Array.from(filter.data, String));
  useEffect(
    () => setTexts(Array.from(filter.data, (v) => String(Number(v.toPrecision(6))))),
    [filter],
  );
  const commit = (next: string[]) => {
    const values = next.map((t) => Number(t.replace("−", "-")));
    if (next.every((t) => t.trim() !== "") && values.every(Number.isFinite)) {
      onChange(createGrid(filter.height, filter.width, Float64Array.from(values)));
    }
  };
  return (
    <fieldset
      className="filter-editor"
      style={{ gridTemplateColumns: `repeat(${filter.width}, 4.2em)` }}
    >
      <legend className="visually-hidden">{label}</legend>
      {texts.map((text, i) => {
        const valid = text.trim() !== "" && Number.isFinite(Number(text.replace("−", "-")));
        const r = Math.floor(i / filter.width);
        const c = i % filter.width;
        return (
          <input
            // biome-ignore lint/suspicious/noArrayIndexKey: the boxes are the filter's fixed cells
            key={i}
            type="text"
            inputMode="decimal"
            aria-label={`${label} row ${r} column ${c}`}
            aria-invalid={!valid}
            value={text}
            onChange={(e) => {
              const next = texts.slice();
              next[i] = e.target.value;
              setTexts(next);
            }}
            onBlur={() => commit(texts)}
            onKeyDown={(e) => {
              if (e.key === "Enter") commit(texts);
            }}
          />
        );
      })}
    </fieldset>
  );
}
