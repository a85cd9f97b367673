// The network section's number fields (NumberField, its logic in fieldText.ts): numbers are read
// with the main view's parser, and after a commit the field shows the store's value, so a
// value the action refused does not stay in the field while the network keeps the old one.
import { describe, expect, test } from "vitest";
import {
  commitField,
  type FieldText,
  readFieldText,
  SHOWING_VALUE,
  shownText,
} from "../../../src/panels/Network/fieldText";

const typed = (text: string): FieldText => ({ text, error: null });

describe("reading a field's text", () => {
  test.each([
    ["0.05", 0.05],
    ["1e-7", 1e-7],
    ["16", 16],
    ["1,5", 1.5],
    [" 3 ", 3],
  ])("%j is %d", (text, value) => {
    expect(readFieldText(text, "η (step size)", 0.1)).toEqual({ value });
  });

  test("1e-400 is refused, not taken as 0, with a message naming the field", () => {
    expect(readFieldText("1e-400", "η (step size)", 0.1)).toEqual({
      error: '“η (step size)” ("1e-400") is too small to represent; type 0 if you mean zero.',
    });
  });

  test("1e400 and an empty field are refused", () => {
    expect(readFieldText("1e400", "Seed", 1)).toEqual({
      error: '“Seed” ("1e400") is too large to represent.',
    });
    expect(readFieldText("", "Seed", 1)).toEqual({ error: "Type a number for “Seed”." });
  });

  test("text the browser could not read as a number is named, with the store's value as example", () => {
    expect(readFieldText("", "Batch size", 64, true)).toEqual({
      error: "“Batch size” must be a decimal number such as 64.",
    });
  });
});

describe("committing", () => {
  test("a number goes to the action and the field shows the store's value again", () => {
    const { field, commit } = commitField(typed("4294967296"), "Seed", 1);
    expect(commit).toBe(4294967296);
    expect(field).toEqual(SHOWING_VALUE);
    // The action refused it: the store still holds 1, and so does the field.
    expect(shownText(field, 1)).toBe("1");
    // It took it (or a layer editor's draft holds it): the field shows it.
    expect(shownText(field, 4294967296)).toBe("4294967296");
  });

  test("the store's own value is not committed again", () => {
    expect(commitField(typed("64.0"), "Batch size", 64)).toEqual({
      field: SHOWING_VALUE,
      commit: null,
    });
  });

  test("text that is not a number stays, with its message, and nothing is committed", () => {
    const { field, commit } = commitField(typed("1e-400"), "η (step size)", 0.1);
    expect(commit).toBeNull();
    expect(field.text).toBe("1e-400");
    expect(field.error).toMatch(/too small to represent/);
    expect(shownText(field, 0.1)).toBe("1e-400");
  });

  test("nothing typed commits nothing", () => {
    expect(commitField(SHOWING_VALUE, "Seed", 1)).toEqual({ field: SHOWING_VALUE, commit: null });
  });
});
