import { useEffect, useId, useState } from "react";

/** Props of {@link NumberField}. */
export interface NumberFieldProps {
  /** The visible label (also the accessible name). */
  label: string;
  /** The value in the store. */
  value: number;
  /** Called with the typed number on Enter or leaving the field (the action may refuse it). */
  onCommit: (value: number) => void;
  /** Whole numbers only (a spin button), with these bounds. */
  min?: number;
  max?: number;
  step?: number | "any";
  /** Disabled while a run is live. */
  disabled?: boolean;
}

/**
 * A labelled number input that commits on Enter or blur, so half-typed values ("0.") never
 * reach the store; the store's value shows again when it changes or the field is left.
 */
export function NumberField({
  label,
  value,
  onCommit,
  min,
  max,
  step = "any",
  disabled,
}: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const commit = () => {
    const n = Number(text);
    if (text.trim() !== "" && Number.isFinite(n) && n !== value) onCommit(n);
    else setText(String(value));
  };
  return (
    <label className="network-field" htmlFor={id}>
      <span>{label}</span>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={text}
        min={min}
        max={max}
        step={step}
        disabled={disabled}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
        }}
      />
    </label>
  );
}
