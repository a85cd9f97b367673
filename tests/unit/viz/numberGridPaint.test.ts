// The live grids' cells: each colour's CSS string and text colour come from a cache keyed by
// the colour, so a wrong key would paint one colour's cell in another's. Checked against the
// colour functions called directly.
import fc from "fast-check";
import { expect, test } from "vitest";
import { css, divergingColor, grayColor, textOn } from "../../../src/viz/color";
import { formatNumber } from "../../../src/viz/format";
import { frameCells, sameCells } from "../../../src/viz/numberGridPaint";

const values = fc.oneof(
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0, -0),
);

test("every cell's fill, ink and text are those of its value, diverging or gray", () => {
  fc.assert(
    fc.property(
      fc.array(values, { minLength: 1, maxLength: 25 }),
      fc.option(fc.double({ min: 1e-3, max: 20, noNaN: true }), { nil: undefined }),
      fc.boolean(),
      (data, scaleMax, gray) => {
        const cells = frameCells(
          {
            data,
            exact: false,
            ...(scaleMax === undefined ? {} : { scaleMax }),
            ...(gray ? { color: grayColor } : {}),
          },
          4,
        );
        const max =
          scaleMax ?? Math.max(1e-12, ...data.filter(Number.isFinite).map((v) => Math.abs(v)));
        cells.forEach((cell, i) => {
          const v = data[i] as number;
          const bg = gray ? grayColor(v) : divergingColor(v, max);
          expect(cell).toEqual({
            fill: css(bg),
            ink: textOn(bg),
            text: formatNumber(v, 4),
            note: "",
          });
        });
      },
    ),
    { numRuns: 2000 },
  );
});

test("sameCells tells frames that look alike from frames that do not", () => {
  const a = frameCells({ data: [1, -2, 3], notes: ["+1", "", "x"], exact: false }, 4);
  expect(
    sameCells(a, frameCells({ data: [1, -2, 3], notes: ["+1", "", "x"], exact: false }, 4)),
  ).toBe(true);
  // Another number, another colour alone (a new scale), another note, another length.
  expect(
    sameCells(a, frameCells({ data: [1, -2, 3.5], notes: ["+1", "", "x"], exact: false }, 4)),
  ).toBe(false);
  expect(
    sameCells(
      a,
      frameCells({ data: [1, -2, 3], scaleMax: 6, notes: ["+1", "", "x"], exact: false }, 4),
    ),
  ).toBe(false);
  expect(
    sameCells(a, frameCells({ data: [1, -2, 3], notes: ["+1", "", "y"], exact: false }, 4)),
  ).toBe(false);
  expect(sameCells(a, a.slice(0, 2))).toBe(false);
});
