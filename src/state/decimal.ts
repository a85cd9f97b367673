/**
 * The one reader of numbers in text: what a person types (the learning rate, the steps, filter
 * cells, the recurrent panel's inputs, the network section's fields) and, more strictly, the
 * numbers a link writes (the network's `net=…`). It decides only whether the text is a decimal
 * number; the store decides whether that number is in range. (In the state layer so that both
 * the views and the state's link readers use it; `src/panels/decimal.ts` re-exports it.)
 */
import { SHOWN_CHARS, shown } from "./shown";

/** A number read from text, or what is wrong with the text, in words for a person. */
export type Decimal = { value: number } | { error: string };

/**
 * A decimal number: optional sign, digits with an optional fraction (".5" and "5." too), an
 * optional exponent. No hex, binary or octal, no Infinity or NaN, no spaces inside.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** "the learning rate" → "The learning rate". */
function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "The learning rate ("1e-400")": the quantity and the text, cut short when it is long. */
function quote(what: string, typed: string): string {
  return `${capitalised(what)} (${typed.length > SHOWN_CHARS ? shown(typed) : `"${typed}"`})`;
}

/**
 * Reads `text` as a decimal number. `what` names the quantity for the messages, as it reads
 * inside a sentence ("the learning rate", "input 2"), and `example` is a number that would do.
 *
 * Spaces around the number are ignored, a true minus (−) is a minus, and a comma is a decimal
 * point when it is the only separator ("1,5" is 1.5); a comma followed by exactly three digits
 * after a non-zero whole part ("1,000") could be a thousands separator, so it is refused. Empty
 * text, anything but a decimal number, a non-zero number too small to tell from 0 (1e-400) and a
 * number too large to represent (1e400) are refused with a message that quotes the text.
 */
export function parseDecimal(text: string, what: string, example = "0.5"): Decimal {
  const typed = text.trim();
  const quoted = quote(what, typed);
  if (typed === "") return { error: `Type a number for ${what}.` };
  let t = typed.replace(/\u2212/g, "-");
  const comma = /^([+-]?)(\d*),(\d+)((?:[eE][+-]?\d+)?)$/.exec(t);
  if (comma) {
    const [, sign = "", whole = "", fraction = "", exponent = ""] = comma;
    if (fraction.length === 3 && /[1-9]/.test(whole) && exponent === "") {
      return {
        error: `${quoted} could be ${sign}${whole}${fraction} or ${sign}${whole}.${fraction}: type one of them.`,
      };
    }
    t = `${sign}${whole}.${fraction}${exponent}`;
  }
  if (!DECIMAL.test(t)) {
    return { error: `${quoted} must be a decimal number such as ${example}.` };
  }
  const value = Number(t);
  if (!Number.isFinite(value)) return { error: `${quoted} is too large to represent.` };
  const mantissa = t.split(/[eE]/)[0] as string;
  if (value === 0 && /[1-9]/.test(mantissa)) {
    return { error: `${quoted} is too small to represent; type 0 if you mean zero.` };
  }
  // −0 reads back as 0.
  return { value: value === 0 ? 0 : value };
}

/**
 * A number as JSON and JavaScript write it: an optional minus, digits without a leading zero,
 * an optional fraction and exponent. What a link or a file carries is written, not typed.
 */
const WRITTEN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Reads a number a program wrote (a link's field): only the form JSON writes ("16", "0.1",
 * "1e-7"), then {@link parseDecimal}'s checks (no 1e-400 read as 0, no 1e400). What a person
 * might type but a link never carries is refused: spaces (a link's "%20"), "+", "−", a comma,
 * ".5" or "5.", leading zeros, hex, binary, Infinity.
 */
export function parseWrittenDecimal(text: string, what: string, example = "0.5"): Decimal {
  if (text === "")
    return { error: `${capitalised(what)} is empty; it must be a number such as ${example}.` };
  if (!WRITTEN.test(text)) {
    return {
      error: `${quote(what, text)} must be a number in decimal digits, written as in ${example} (no spaces, no hex, no leading dot).`,
    };
  }
  return parseDecimal(text, what, example);
}
