import type { DetailedHTMLProps, HTMLAttributes } from "react";

/** Props of a MathML element in JSX (React renders these in the MathML namespace). */
type MathProps = DetailedHTMLProps<HTMLAttributes<MathMLElement>, MathMLElement> & {
  /** "block" centres the formula on its own line. */
  display?: "block" | "inline";
  /** Stretchy/large operators and accents. */
  largeop?: "true" | "false";
  movablelimits?: "true" | "false";
  mathvariant?: "normal";
};

// @types/react has no MathML elements; these are the few the formula panel uses.
declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      math: MathProps;
      mrow: MathProps;
      mi: MathProps;
      mn: MathProps;
      mo: MathProps;
      msub: MathProps;
      mfrac: MathProps;
      munder: MathProps;
      mtext: MathProps;
      mspace: MathProps & { width?: string };
    }
  }
}
