/**
 * The train/test split: per class, a seeded shuffle, then 20% to test (round(n·0.2), at least
 * 1 when the class has 2 images or more, none when it has 1) and the rest to train. Each class
 * has its own random stream (the seed mixed with the class's name), so adding or removing one
 * class leaves every other class's split as it was; items are taken in path order, so the
 * order they are given in does not matter.
 */
import { compareCodePoints } from "./names";

/** The share of each class that goes to test. */
export const TEST_SHARE = 0.2;
/** The seed when none is given. */
export const DEFAULT_SEED = 1;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): numbers in [0, 1) from a 32-bit state. Not
 * for anything secret; small, fast and the same on every engine, which is all a split needs.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string's UTF-16 units: a class name as a 32-bit number. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

/** How many of a class's n images are test images. */
export function testCount(n: number): number {
  if (n < 2) return 0;
  return Math.max(1, Math.round(n * TEST_SHARE));
}

/** Why a class's train and test counts break the rule, or null when they keep it. */
export function splitProblem(train: number, test: number): string | null {
  const n = train + test;
  if (n === 0) return "it has no image";
  if (n === 1 && test === 1) return "its only image is a test image (a class of 1 trains on it)";
  if (n >= 2 && test === 0) return "it has no test image (a class of 2 or more needs one)";
  if (n >= 2 && train === 0) return "it has no training image";
  return null;
}

/** 0…count-1 shuffled (Fisher–Yates). */
export function shuffled(count: number, random: () => number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = order[i] as number;
    order[i] = order[j] as number;
    order[j] = a;
  }
  return order;
}

/**
 * Which of `added` new images of a class go to test (true) when the class already holds
 * `held` images, `heldTest` of them test images: enough to bring the class's test count to
 * testCount(held + added), never moving one already held. For a new class (held 0) this is
 * the plain rule; for pictures added one at a time it puts about every fifth one in test.
 */
export function pickTest(
  added: number,
  held: number,
  heldTest: number,
  seed: number,
  key: string,
): boolean[] {
  const need = Math.min(added, Math.max(0, testCount(held + added) - heldTest));
  const random = mulberry32(seed ^ hashText(key) ^ Math.imul(held, 0x9e3779b9));
  const test = new Array<boolean>(added).fill(false);
  for (const i of shuffled(added, random).slice(0, need)) test[i] = true;
  return test;
}

/** One image to split: its path (the order), class index, and a split a manifest fixed. */
export interface SplitItem {
  readonly path: string;
  readonly label: number;
  readonly fixed?: "train" | "test" | undefined;
}

/**
 * The split of each item, in the items' order. Within a class, fixed items keep their split
 * and the others are added by pickTest; a class whose fixed items break the rule (a manifest
 * that named images which did not decode) is split afresh.
 */
export function splitItems(
  items: readonly SplitItem[],
  classes: readonly string[],
  seed = DEFAULT_SEED,
): ("train" | "test")[] {
  const order = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => compareCodePoints(a.item.path, b.item.path) || a.index - b.index);
  const byClass = classes.map(() => [] as { item: SplitItem; index: number }[]);
  for (const entry of order) byClass[entry.item.label]?.push(entry);
  const result = new Array<"train" | "test">(items.length).fill("train");
  byClass.forEach((members, label) => {
    const key = classes[label] ?? "";
    const fixed = members.filter((m) => m.item.fixed !== undefined);
    const free = members.filter((m) => m.item.fixed === undefined);
    const fixedTest = fixed.filter((m) => m.item.fixed === "test").length;
    const picks = pickTest(free.length, fixed.length, fixedTest, seed, key);
    const train = fixed.length - fixedTest + picks.filter((t) => !t).length;
    const test = fixedTest + picks.filter((t) => t).length;
    if (fixed.length > 0 && splitProblem(train, test) !== null) {
      const fresh = pickTest(members.length, 0, 0, seed, key);
      members.forEach((m, i) => {
        result[m.index] = fresh[i] ? "test" : "train";
      });
      return;
    }
    for (const m of fixed) result[m.index] = m.item.fixed ?? "train";
    free.forEach((m, i) => {
      result[m.index] = picks[i] ? "test" : "train";
    });
  });
  return result;
}
