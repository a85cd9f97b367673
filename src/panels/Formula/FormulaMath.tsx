/**
 * The formula's MathML pieces: a subscripted identifier, ∂L/∂(…), an input index written
 * with the stride, padding and dilation (or their numbers), and Σ δ over every position.
 */
import type { ReactNode } from "react";
import type { ResolvedConvOptions } from "../../engine/index";
import { defaultOptions, indexExpression } from "./formulaTerm";
import "./mathml";

/** A MathML identifier with a subscript of several parts, e.g. δ with "i j". */
export function Sub({
  base,
  children,
}: {
  /** The letter. */
  base: ReactNode;
  /** The subscript. */
  children: ReactNode;
}) {
  return (
    <msub>
      <mi>{base}</mi>
      <mrow>{children}</mrow>
    </msub>
  );
}

/** ∂L/∂(something) as a MathML fraction. */
export function Partial({ of }: { /** The denominator's variable. */ of: ReactNode }) {
  return (
    <mfrac>
      <mrow>
        <mo>∂</mo>
        <mi>L</mi>
      </mrow>
      <mrow>
        <mo>∂</mo>
        {of}
      </mrow>
    </mfrac>
  );
}

/** The index v·s − p + t·d in MathML: the numbers put in, or the letters when `symbolicTap` is given. */
export function IndexMath({
  v,
  tap,
  options,
  symbolicTap,
}: {
  /** The output index letter, "i" or "j". */
  v: string;
  /** The tap along this axis (a or b). */
  tap: number;
  options: ResolvedConvOptions;
  /** Write the tap as this letter (the general formula) instead of its number. */
  symbolicTap?: string;
}) {
  if (symbolicTap !== undefined) {
    if (defaultOptions(options)) {
      return (
        <mrow>
          <mi>{v}</mi>
          <mo>+</mo>
          <mi>{symbolicTap}</mi>
        </mrow>
      );
    }
    return (
      <mrow>
        <mi>{v}</mi>
        <mo>·</mo>
        <mi>s</mi>
        <mo>−</mo>
        <mi>p</mi>
        <mo>+</mo>
        <mi>{symbolicTap}</mi>
        <mo>·</mo>
        <mi>d</mi>
      </mrow>
    );
  }
  const e = indexExpression(v, options.stride, options.padding, tap, options.dilation);
  return (
    <mrow>
      {e.coefficient ? <mn>{e.coefficient}</mn> : null}
      <mi>{e.variable}</mi>
      {e.sign ? <mo>{e.sign}</mo> : null}
      {e.constant ? <mn>{e.constant}</mn> : null}
    </mrow>
  );
}

/** Σ_ij δ_ij: the sum over every position of its delta, the start of each formula. */
export function SumDelta() {
  return (
    <>
      <munder>
        <mo className="sum-op" largeop="true" movablelimits="false">
          ∑
        </mo>
        <mrow>
          <mi>i</mi>
          <mo>,</mo>
          <mi>j</mi>
        </mrow>
      </munder>
      <Sub base="δ">
        <mi>i</mi>
        <mi>j</mi>
      </Sub>
    </>
  );
}
