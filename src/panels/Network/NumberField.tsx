import { useId, useState } from "react";
import { commitField, type FieldText, SHOWING_VALUE, shownText } from "./fieldText";

/** Props of {@link NumberField}. */
export interface NumberFieldProps {
  /** The visible label (also the accessible name). */
  label: string;
  /** The value in the store (a layer editor's draft included). */
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
 * reach the store. Numbers are read as the main view reads them: a text that is not one
 * (1e-400, too small to tell from 0) stays with a message under the field and is not used.
 * After a commit the field shows the store's value: a value the action refused gives way to
 * the one the network keeps (the section's message says why); a layer editor's draft, which
 * keeps what was typed, shows it. A new value from elsewhere (a link, a file) replaces what
 * was typed; Escape goes back to the store's value.
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
  const [field, setField] = useState<FieldText>(SHOWING_VALUE);
  const [bad, setBad] = useState(false);
  // The store's value when last rendered: a change replaces what was typed.
  const [seen, setSeen] = useState(value);
  if (!Object.is(seen, value)) {
    setSeen(value);
    setField(SHOWING_VALUE);
  }
  const commit = () => {
    const next = commitField(field, label, value, bad);
    setField(next.field);
    if (next.commit !== null) onCommit(next.commit);
  };
  return (
    <div className="network-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={shownText(field, value)}
        min={min}
        max={max}
        step={step}
        disabled={disabled}
        aria-invalid={field.error !== null}
        aria-describedby={field.error !== null ? `${id}-error` : undefined}
        onChange={(e) => {
          setBad(e.target.validity?.badInput === true);
          setField({ text: e.target.value, error: null });
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          else if (e.key === "Escape" && field.text !== null) {
            e.preventDefault();
            setField(SHOWING_VALUE);
          }
        }}
      />
      <span
        className="field-error"
        id={`${id}-error`}
        aria-live="polite"
        style={{ maxWidth: "16rem" }}
      >
        {field.error}
      </span>
    </div>
  );
}
