// Messages name a value, never copy it (issue 26, item 6): shown() cuts any value to a short
// preview and says its size, walking no more of it than it shows; the state file's reader
// refuses deep nesting before JSON.parse spends seconds on it.
import { describe, expect, test } from "vitest";
import { conv2d, createGrid, type Grid } from "../../../src/engine/index";
import {
  MAX_STATE_DEPTH,
  parseState,
  StateFileError,
  serializeState,
} from "../../../src/state/stateFile";
import { SHOWN_CHARS, shown } from "../../../src/state/stateRules";

/** The longest a shown value may be: its preview, "…", and the words saying its size. */
const SHOWN_MAX = SHOWN_CHARS + 60;

function grid(height: number, width: number, at: (i: number) => number): Grid {
  return createGrid(
    height,
    width,
    Float64Array.from({ length: height * width }, (_, i) => at(i)),
  );
}

/** A good state file's document (4x4 image, 3x3 kernel, output 2x2). */
function goodDoc(): Record<string, unknown> {
  const image = grid(4, 4, (i) => (i % 4 > 1 ? 1 : 0));
  const kernel = grid(3, 3, (i) => (i === 4 ? 1 : 0));
  const options = { stride: 1, padding: 0, dilation: 1 };
  const text = serializeState({
    image,
    kernel,
    bias: 0,
    target: conv2d(image, kernel, 0, options),
    targetKernel: null,
    options,
    reduction: "sum",
    learningRate: 0.01,
    updates: 0,
    position: 0,
    sums: { kernelGrad: grid(3, 3, () => 0), biasGrad: 0, inputGrad: grid(4, 4, () => 0) },
  });
  return JSON.parse(text) as Record<string, unknown>;
}

function refusal(text: string): string {
  try {
    parseState(text);
  } catch (error) {
    expect(error).toBeInstanceOf(StateFileError);
    return (error as Error).message;
  }
  throw new Error("the file was accepted");
}

/** `depth` arrays, each holding the next, the innermost empty. */
function nested(depth: number): unknown {
  let value: unknown[] = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

describe("shown()", () => {
  test("short values are shown whole, as before", () => {
    expect(shown(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(shown(-0.5)).toBe("-0.5");
    expect(shown("1")).toBe('"1"');
    expect(shown("a\nb")).toBe('"a\\nb"');
    expect(shown(null)).toBe("null");
    expect(shown(undefined)).toBe("undefined");
    expect(shown([1, "x", { a: null }])).toBe('[1,"x",{"a":null}]');
    expect(shown({ height: 3 })).toBe('{"height":3}');
  });

  test("a 20,000,000-character string: its first characters and its length", () => {
    const text = shown("a".repeat(20_000_000));
    expect(text.length).toBeLessThanOrEqual(SHOWN_MAX);
    expect(text).toMatch(/^a string of 20,000,000 characters beginning "a{20,}…"$/);
  });

  test("a 200,000-deep array: no stack overflow, a short preview and its length", () => {
    let text = "";
    expect(() => {
      text = shown(nested(200_000));
    }).not.toThrow();
    expect(text.length).toBeLessThanOrEqual(SHOWN_MAX);
    expect(text).toMatch(/^an array of 1 item beginning \[{20,}…$/);
  });

  test("long arrays and objects are cut after SHOWN_CHARS characters, their size said", () => {
    const array = shown(new Array(1_000_000).fill(0.125));
    expect(array).toMatch(/^an array of 1,000,000 items beginning \[0\.125,0\.125,.*…$/);
    expect(array.length).toBeLessThanOrEqual(SHOWN_MAX);
    const object = shown(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])));
    expect(object).toMatch(/^an object of 5,000 keys beginning \{"k0":0,"k1":1,.*…$/);
    expect(object.length).toBeLessThanOrEqual(SHOWN_MAX);
    // A long key or a long string inside is cut too.
    expect(shown({ ["k".repeat(1e6)]: 1 }).length).toBeLessThanOrEqual(SHOWN_MAX);
    expect(shown([["x".repeat(1e6)]]).length).toBeLessThanOrEqual(SHOWN_MAX);
  });
});

describe("the state file's messages stay short", () => {
  const MB = 1024 * 1024;

  test("a 4.3 MB format string is named by its length, not copied", () => {
    const message = refusal(JSON.stringify({ ...goodDoc(), format: "a".repeat(4.3 * MB) }));
    expect(message).toMatch(/"format" must be "convsweep-state", but it is a string of 4,508,876/);
    expect(message.length).toBeLessThan(300);
  });

  test("4.3 MB of nested brackets is refused before it is parsed, in words", () => {
    const half = Math.floor(2.15 * MB);
    const message = refusal(`{"format":${"[".repeat(half)}${"]".repeat(half)}}`);
    expect(message).toMatch(/nests its values more than 32 levels deep/);
    expect(refusal(`{"version":${JSON.stringify(nested(100))}}`)).toMatch(/levels deep/);
  });

  test("nesting up to the limit is read as before; brackets inside strings do not count", () => {
    const doc = goodDoc();
    // Unknown keys are ignored, however they nest within the limit.
    const deepest = { ...doc, extra: nested(MAX_STATE_DEPTH - 1) };
    expect(() => parseState(JSON.stringify(deepest))).not.toThrow();
    const tooDeep = { ...doc, extra: nested(MAX_STATE_DEPTH) };
    expect(refusal(JSON.stringify(tooDeep))).toMatch(/levels deep/);
    const brackets = { ...doc, note: `\\"${"[{".repeat(1000)}\\` };
    expect(() => parseState(JSON.stringify(brackets))).not.toThrow();
  });
});
