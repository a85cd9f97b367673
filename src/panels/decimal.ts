/**
 * Reading typed numbers: the one parser lives in the state layer (src/state/decimal.ts), which
 * the network's link reader uses too; the views import it from here.
 */
export { type Decimal, parseDecimal } from "../state/decimal";
