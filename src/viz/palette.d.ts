/** d3's interpolateRdBu at t = i / 255, 256 "rrggbb" codes in one string (scripts/palette.ts). */
declare module "virtual:convsweep/rd-bu" {
  const codes: string;
  export default codes;
}
