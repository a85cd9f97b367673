import { useEffect, useId, useState } from "react";
import { createGrid, type Grid } from "../../engine/index";
import { type Decimal, parseDecimal } from "../decimal";

export interface FilterEditorProps {
  /** The filter shown in the inputs. */
  filter: Grid;
  /** Called with a new filter when every typed value is a decimal number. */
  onChange: (filter: Grid) => void;
  /** Accessible name of the group, e.g. "Target filter". */
  label: string;
}

/**
 * A filter typed in, one number box per weight. A box that is not a decimal number keeps its
 * text, is flagged, and says below the boxes what is wrong; the filter changes only once every
 * box reads as a number.
 */
export function FilterEditor({ filter, onChange, label }: FilterEditorProps) {
  const id = useId();
  const [texts, setTexts] = useState(() => Array.from(filter.data, String));
  useEffect(
    () => setTexts(Array.from(filter.data, (v) => String(Number(v.toPrecision(6))))),
    [filter],
  );
  const read = (text: string, i: number): Decimal =>
    parseDecimal(
      text,
      `the ${label.toLowerCase()}'s row ${Math.floor(i / filter.width)}, column ${i % filter.width}`,
    );
  const reads = texts.map(read);
  const commit = () => {
    const values: number[] = [];
    for (const r of reads) {
      if ("error" in r) return;
      values.push(r.value);
    }
    onChange(createGrid(filter.height, filter.width, Float64Array.from(values)));
  };
  return (
    <>
      <fieldset
        className="filter-editor"
        style={{ gridTemplateColumns: `repeat(${filter.width}, 4.2em)` }}
      >
        <legend className="visually-hidden">{label}</legend>
        {texts.map((text, i) => {
          const invalid = "error" in (reads[i] as Decimal);
          const r = Math.floor(i / filter.width);
          const c = i % filter.width;
          return (
            <input
              // biome-ignore lint/suspicious/noArrayIndexKey: the boxes are the filter's fixed cells
              key={i}
              type="text"
              inputMode="decimal"
              aria-label={`${label} row ${r} column ${c}`}
              aria-invalid={invalid}
              aria-describedby={invalid ? `${id}-${i}` : undefined}
              value={text}
              onChange={(e) => {
                const next = texts.slice();
                next[i] = e.target.value;
                setTexts(next);
              }}
              onBlur={commit}
              onKeyDown={(e) => {
                if (e.key === "Enter") commit();
              }}
            />
          );
        })}
      </fieldset>
      <p className="field-error" aria-live="polite">
        {reads.map((r, i) =>
          "error" in r ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: one message per fixed cell
            <span key={i} id={`${id}-${i}`}>
              {r.error}{" "}
            </span>
          ) : null,
        )}
      </p>
    </>
  );
}
