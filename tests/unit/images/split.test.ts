import fc from "fast-check";
import { expect, test } from "vitest";
import { mulberry32, splitItems, testCount } from "../../../src/images";
import { pickTest, splitProblem } from "../../../src/images/split";
import { shuffledCopy } from "./helpers";

test("mulberry32 is the published generator: the same numbers for the same seed, in [0, 1)", () => {
  const random = mulberry32(1);
  expect([random(), random(), random()]).toEqual([
    0.6270739405881613, 0.002735721180215478, 0.5274470399599522,
  ]);
  const a = mulberry32(42);
  const b = mulberry32(42);
  for (let i = 0; i < 1000; i++) {
    const x = a();
    expect(x).toBe(b());
    expect(x >= 0 && x < 1).toBe(true);
  }
});

test.each([
  [0, 0],
  [1, 0],
  [2, 1],
  [3, 1],
  [5, 1],
  [7, 1],
  [8, 2],
  [12, 2],
  [13, 3],
  [100, 20],
  [5000, 1000],
])("a class of %i images has %i test images", (n, test) => {
  expect(testCount(n)).toBe(test);
});

/** Items for classes of the given sizes, paths "c<label>/<i>.png". */
function items(sizes: readonly number[]) {
  return sizes.flatMap((n, label) =>
    Array.from({ length: n }, (_, i) => ({
      path: `c${label}/${String(i).padStart(4, "0")}.png`,
      label,
    })),
  );
}
const names = (count: number) => Array.from({ length: count }, (_, i) => `c${i}`);

test("each class is split 80/20 on its own: round(n·0.2) test, at least 1 from 2 images, a lone image trains", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 2, maxLength: 8 }),
      fc.integer(),
      (sizes, seed) => {
        const all = items(sizes);
        const split = splitItems(all, names(sizes.length), seed);
        sizes.forEach((n, label) => {
          const mine = split.filter((_, i) => all[i]?.label === label);
          const test = mine.filter((s) => s === "test").length;
          expect(test).toBe(testCount(n));
          expect(splitProblem(n - test, test)).toBeNull();
          if (n === 1) expect(mine).toEqual(["train"]);
        });
      },
    ),
    { numRuns: 300 },
  );
});

test("the split depends on paths, not on the order items come in", () => {
  const all = items([23, 9, 1, 40]);
  const byPath = (list: typeof all, seed: number) => {
    const split = splitItems(list, names(4), seed);
    return new Map(list.map((item, i) => [item.path, split[i]]));
  };
  const first = byPath(all, 1);
  for (const order of [1, 2, 3]) expect(byPath(shuffledCopy(all, order), 1)).toEqual(first);
  // Another seed picks other test images.
  expect(byPath(all, 2)).not.toEqual(first);
});

test("adding a class leaves every other class's split as it was", () => {
  const before = items([30, 30]);
  const after = [...before, ...items([0, 0, 25]).map((item) => ({ ...item, label: 2 }))];
  const a = splitItems(before, names(2), 7);
  const b = splitItems(after, names(3), 7);
  expect(b.slice(0, before.length)).toEqual(a);
});

test("fixed splits are kept, and the free images top the class up to its share", () => {
  const all = items([10]).map((item, i) => ({
    ...item,
    label: 0,
    fixed: i < 4 ? ("train" as const) : undefined,
  }));
  const split = splitItems([...all, ...items([3]).map((x) => ({ ...x, label: 1 }))], names(2));
  expect(split.slice(0, 4)).toEqual(["train", "train", "train", "train"]);
  expect(split.slice(0, 10).filter((s) => s === "test").length).toBe(2);
  // A fixed split that breaks the rule (every image in test) is split afresh.
  const broken = items([5]).map((item) => ({ ...item, fixed: "test" as const }));
  const fresh = splitItems([...broken, ...items([0, 2])], names(2));
  expect(fresh.slice(0, 5).filter((s) => s === "test").length).toBe(1);
});

test("pictures added one at a time keep the class at its share of test images", () => {
  let held = 0;
  let heldTest = 0;
  for (let n = 1; n <= 60; n++) {
    const [isTest] = pickTest(1, held, heldTest, 1, "cats");
    held++;
    if (isTest) heldTest++;
    expect(heldTest, `after ${n}`).toBe(testCount(n));
  }
  // Never more than were added, never a held image moved.
  expect(pickTest(3, 10, 9, 1, "x")).toEqual([false, false, false]);
  expect(pickTest(2, 0, 0, 5, "y").filter(Boolean).length).toBe(1);
});
