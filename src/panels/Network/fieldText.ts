/**
 * What a network section's number field shows and commits (NumberField), apart from React:
 * the text being typed, the message of a text that is not a number, and the store's value
 * otherwise. Numbers are read with the main view's parser (decimal.ts): "1e-400" is refused,
 * not taken as 0. Whether the number is in range is the action's to say.
 */
import { type Decimal, parseDecimal } from "../decimal";

/** A field's own state: what is typed (null: the store's value is shown) and its message. */
export interface FieldText {
  /** The text being typed, until it is committed; null shows the store's value. */
  readonly text: string | null;
  /** Why the typed text is not a number (shown under the field), or null. */
  readonly error: string | null;
}

/** Nothing typed: the field shows the store's value. */
export const SHOWING_VALUE: FieldText = { text: null, error: null };

/** The field's text: what is typed, else the store's value. */
export function shownText(field: FieldText, value: number): string {
  return field.text ?? String(value);
}

/**
 * Reads a field's text. `badInput` is the browser's word that a number input holds text it
 * cannot read (its value is then ""); `value`, the store's, is the example in the message.
 */
export function readFieldText(text: string, label: string, value: number, badInput = false) {
  const what = `“${label}”`;
  const example = Number.isFinite(value) ? String(value) : "1";
  if (badInput) return { error: `${what} must be a decimal number such as ${example}.` } as Decimal;
  return parseDecimal(text, what, example);
}

/**
 * Enter or leaving the field: a text that is not a number stays, with its message; a number
 * is handed to the action (unless it is the store's value already) and the field shows the
 * store's value again — the new one if the action took it, the old one if it refused it (its
 * message says why).
 */
export function commitField(
  field: FieldText,
  label: string,
  value: number,
  badInput = false,
): { field: FieldText; commit: number | null } {
  if (field.text === null) return { field: SHOWING_VALUE, commit: null };
  const read = readFieldText(field.text, label, value, badInput);
  if ("error" in read) return { field: { text: field.text, error: read.error }, commit: null };
  return { field: SHOWING_VALUE, commit: Object.is(read.value, value) ? null : read.value };
}
