// The state file's parser, rule by rule (docs/state-file.md and stateRules.ts). Each bad file
// breaks exactly one rule of a good one, and the message expected is one only that rule
// writes: a test passes on the right reason, not on whatever message came first.
import { describe, expect, test } from "vitest";
import { conv2d, createGrid, type Grid } from "../../../src/engine/index";
import {
  MAX_STATE_FILE_BYTES,
  parseState,
  readState,
  type SavedState,
  StateFileError,
  serializeState,
} from "../../../src/state/stateFile";
import { checkState, stateProblem } from "../../../src/state/stateRules";

function grid(height: number, width: number, at: (i: number) => number): Grid {
  return createGrid(
    height,
    width,
    Float64Array.from({ length: height * width }, (_, i) => at(i)),
  );
}

/** A good 6x5 state with a 2x3 kernel, stride 1, padding 1: output 7x5. */
function good(): SavedState {
  const image = grid(6, 5, (i) => (i % 4) / 4);
  const kernel = grid(2, 3, (i) => i / 10 - 0.25);
  const targetKernel = grid(2, 3, (i) => (i % 2 === 0 ? 1 : -1));
  const options = { stride: 1, padding: 1, dilation: 1 };
  return {
    image,
    kernel,
    bias: 0.125,
    target: conv2d(image, targetKernel, 0, options),
    targetKernel,
    options,
    reduction: "mean",
    learningRate: 0.01,
    updates: 4,
    position: 7,
    sums: {
      kernelGrad: grid(2, 3, (i) => i - 2.5),
      biasGrad: -1.5,
      inputGrad: grid(6, 5, (i) => i / 100),
    },
  };
}

type Doc = Record<string, unknown> & {
  image: { height: number; width: number; data: number[] };
  kernel: { height: number; width: number; data: number[] };
  target: { height: number; width: number; data: number[] };
  targetKernel: { height: number; width: number; data: number[] } | null;
  options: Record<string, unknown>;
  sums: {
    kernelGrad: { height: number; width: number; data: number[] };
    biasGrad: unknown;
    inputGrad: { height: number; width: number; data: number[] };
  };
};

/** The good state's document, changed by `edit`, as text (JSON cannot write Infinity: 1e999). */
function fileWith(edit: (doc: Doc) => void, raw?: (text: string) => string): string {
  const doc = JSON.parse(serializeState(good())) as Doc;
  edit(doc);
  const text = JSON.stringify(doc);
  return raw ? raw(text) : text;
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

describe("a good file", () => {
  test("parses to exactly the state it was written from", () => {
    const state = good();
    const back = parseState(serializeState(state));
    expect(serializeState(back)).toBe(serializeState(state));
    expect(back.targetKernel?.data).toEqual(state.targetKernel?.data);
  });

  test("values at the limits are accepted", () => {
    const text = fileWith((d) => {
      d.kernel.data[0] = -1e6;
      d.bias = 1e6;
      d.target.data[0] = 1e8;
      d.learningRate = 1e6;
      d.updates = Number.MAX_SAFE_INTEGER;
      d.position = 35;
      d.image.data[0] = 1;
      d.image.data[1] = 0;
    });
    expect(() => parseState(text)).not.toThrow();
  });
});

describe("each rule, broken alone, is named", () => {
  const cases: [string, string, RegExp][] = [
    ["over 5 MB", " ".repeat(MAX_STATE_FILE_BYTES + 1), /at most 5 MB/],
    ["not JSON", "{", /not JSON/],
    ["an array", "[]", /not a ConvSweep state object/],
    ["another format", fileWith((d) => (d.format = "x")), /"format" must be "convsweep-state"/],
    ["another version", fileWith((d) => (d.version = 2)), /version 1; this one is version 2/],
    [
      "an image value above 1",
      fileWith((d) => (d.image.data[3] = 1.5)),
      /"image\.data\[3\]" is 1\.5; image values must be from 0 to 1/,
    ],
    [
      "a negative image value",
      fileWith((d) => (d.image.data[2] = -0.01)),
      /"image\.data\[2\]" is -0\.01; image values must be from 0 to 1/,
    ],
    [
      "an image wider than 128",
      fileWith((d) => (d.image = { height: 1, width: 129, data: [] })),
      /"image\.width" must be a whole number from 1 to 128, but it is 129/,
    ],
    [
      "an image whose data disagrees with its size",
      fileWith((d) => d.image.data.pop()),
      /"image" says 6x5 \(30 values\) but its data has 29 values/,
    ],
    [
      "a kernel larger than 7",
      fileWith((d) => (d.kernel = { height: 8, width: 1, data: [] })),
      /"kernel\.height" must be a whole number from 1 to 7, but it is 8/,
    ],
    [
      "a kernel weight past ±1e6",
      fileWith((d) => (d.kernel.data[4] = -1000001)),
      /"kernel\.data\[4\]" is -1000001; filter weights must be from −1,000,000 to 1,000,000/,
    ],
    [
      "a bias past ±1e6",
      fileWith((d) => (d.bias = 2e6)),
      /"bias" is 2000000; the bias must be from −1,000,000/,
    ],
    [
      "Infinity as a huge literal",
      fileWith(
        () => {},
        (t) => t.replace(/"learningRate":[^,]+/, '"learningRate":1e999'),
      ),
      /"learningRate" must be a finite number, but it is Infinity\./,
    ],
    [
      "minus Infinity in a grid",
      fileWith(
        () => {},
        (t) =>
          t.replace(
            /"kernel":\{"height":2,"width":3,"data":\[[^,]+/,
            '"kernel":{"height":2,"width":3,"data":[-1e999',
          ),
      ),
      /"kernel\.data\[0\]" must be a finite number, but it is -Infinity\./,
    ],
    [
      "a string for a number",
      fileWith((d) => (d.bias = "1")),
      /"bias" must be a finite number, but it is "1"/,
    ],
    [
      "a stride of 5",
      fileWith((d) => (d.options.stride = 5)),
      /"options\.stride" must be a whole number from 1 to 4, but it is 5/,
    ],
    [
      "a kernel that does not fit",
      fileWith((d) => {
        d.options.padding = 0;
        d.options.dilation = 3;
      }),
      /The kernel does not fit the image: kernel \(2x3, spanning 4x7/,
    ],
    [
      "no targetKernel",
      fileWith((d) => {
        delete (d as Record<string, unknown>).targetKernel;
      }),
      /"targetKernel" is missing/,
    ],
    [
      "a targetKernel of another shape",
      fileWith((d) => (d.targetKernel = { height: 3, width: 2, data: [0, 0, 0, 0, 0, 0] })),
      /"targetKernel" must have the kernel's shape: expected 2x3, found 3x2/,
    ],
    [
      "a target of another shape",
      fileWith((d) => (d.target = { height: 5, width: 6, data: new Array(30).fill(0) })),
      /"target" must have the output's shape: expected 7x5, found 5x6/,
    ],
    [
      "a target value past ±1e8",
      fileWith((d) => (d.target.data[1] = 1.5e8)),
      /"target\.data\[1\]" is 150000000; target values must be/,
    ],
    [
      "another reduction",
      fileWith((d) => (d.loss = { reduction: "max" })),
      /"loss\.reduction" must be "sum" or "mean"/,
    ],
    [
      "a negative learning rate",
      fileWith((d) => (d.learningRate = -0.1)),
      /"learningRate" is -0\.1; it must be from 0 to 1,000,000/,
    ],
    [
      "a learning rate past 1e6",
      fileWith((d) => (d.learningRate = 1e7)),
      /"learningRate" is 10000000; it must be from 0 to 1,000,000/,
    ],
    [
      "updates past 2^53 − 1",
      fileWith((d) => (d.updates = 2 ** 53)),
      /"updates" must be a whole number from 0 to 9,007,199,254,740,991, but it is 9007199254740992/,
    ],
    [
      "a fractional position",
      fileWith((d) => (d.position = 1.5)),
      /"position" must be a whole number from 0 to 35, but it is 1\.5/,
    ],
    [
      "a position past the output",
      fileWith((d) => (d.position = 36)),
      /"position" must be a whole number from 0 to 35, but it is 36/,
    ],
    [
      "no sums",
      fileWith((d) => delete (d as Record<string, unknown>).sums),
      /"sums" must be an object/,
    ],
    [
      "sums.kernelGrad of another shape",
      fileWith((d) => (d.sums.kernelGrad = { height: 3, width: 2, data: [0, 0, 0, 0, 0, 0] })),
      /"sums\.kernelGrad" must have the kernel's shape: expected 2x3, found 3x2/,
    ],
    [
      "sums.inputGrad of another shape",
      fileWith((d) => (d.sums.inputGrad = { height: 5, width: 6, data: new Array(30).fill(0) })),
      /"sums\.inputGrad" must have the image's shape: expected 6x5, found 5x6/,
    ],
    [
      "a non-number biasGrad",
      fileWith((d) => (d.sums.biasGrad = null)),
      /"sums\.biasGrad" must be a finite number, but it is null/,
    ],
  ];
  test.each(cases)("%s", (_, text, message) => {
    expect(refusal(text)).toMatch(message);
  });
});

describe("links", () => {
  test("a link without a target makes it from its target filter", () => {
    const doc = JSON.parse(serializeState(good())) as Doc;
    delete (doc as Record<string, unknown>).target;
    const state = readState(doc, "link");
    expect(state.target.data).toEqual(good().target.data);
  });

  test("a link's target filter of another shape is named before a target is made", () => {
    const doc = JSON.parse(serializeState(good())) as Doc;
    delete (doc as Record<string, unknown>).target;
    doc.targetKernel = { height: 1, width: 1, data: [1] };
    expect(() => readState(doc, "link")).toThrow(/"targetKernel" must have the kernel's shape/);
  });
});

describe("the rules on a state the app holds", () => {
  test("only changed fields are scanned again, but shapes are always checked", () => {
    const state = { ...good(), sums: null };
    state.kernel.data[0] = Number.NaN;
    // The kernel is not named as changed: its values are trusted from the last check.
    expect(stateProblem(state, new Set(["bias"]))).toBeNull();
    expect(stateProblem(state, new Set(["kernel"]))).toMatch(/"kernel\.data\[0\]"/);
    const reshaped = { ...good(), sums: null, target: createGrid(1, 1) };
    expect(stateProblem(reshaped, new Set(["bias"]))).toMatch(
      /"target" must have the output's shape/,
    );
  });

  test("checkState throws StateFileError and stateProblem returns its message", () => {
    const state = { ...good(), learningRate: -1 };
    expect(() => checkState(state, null)).toThrow(StateFileError);
    expect(stateProblem(state)).toMatch(/"learningRate" is -1/);
  });
});
