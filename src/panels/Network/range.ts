/** 0, 1, …, n − 1: the numbers of a fixed list (digits, filters, channels), usable as keys. */
export function range(n: number): number[] {
  return [...Array(n).keys()];
}
