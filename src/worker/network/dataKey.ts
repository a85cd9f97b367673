/**
 * Which images a network request trains, evaluates or sweeps on, as one string the worker
 * loads once and keeps (a replaced worker loads the same images from the same key):
 *
 * - the digits asset's URL: the digits, 1x32x32 (MNIST padded by 2);
 * - `digits28:` + that URL: the same digits without the padding, 1x28x28, for models made
 *   for MNIST's own size;
 * - `images:C:` + a set's id: a person's images (stored in this browser's IndexedDB), read
 *   with C channels (3: colour, 1: gray).
 */

/** What a data key names. */
export type DataSource =
  | { readonly kind: "digits"; readonly url: string; readonly side: 28 | 32 }
  | { readonly kind: "images"; readonly id: string; readonly channels: 1 | 3 };

/** The key of a data source. */
export function dataKey(source: DataSource): string {
  if (source.kind === "images") return `images:${source.channels}:${source.id}`;
  return source.side === 28 ? `digits28:${source.url}` : source.url;
}

/** The source a key names (any other string is the digits asset's URL). */
export function dataSourceOf(key: string): DataSource {
  const images = /^images:([13]):(.+)$/.exec(key);
  if (images !== null) {
    return { kind: "images", channels: images[1] === "1" ? 1 : 3, id: images[2] as string };
  }
  if (key.startsWith("digits28:")) {
    return { kind: "digits", url: key.slice("digits28:".length), side: 28 };
  }
  return { kind: "digits", url: key, side: 32 };
}
