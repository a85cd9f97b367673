import { type ReactNode, useMemo, useState } from "react";
import type { ResolvedConvOptions } from "../../engine/index";
import { Num } from "../../viz/Num";
import { Panel } from "../Panel";
import { useAppWhile, useBusy, useLive } from "../useOnScreen";
import { defaultOptions, formulaTerm, indexExpression } from "./formulaTerm";
import "./formula.css";
import "./mathml";

/** A MathML identifier with a subscript of several parts, e.g. δ with "i j". */
function Sub({
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
function Partial({ of }: { /** The denominator's variable. */ of: ReactNode }) {
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
function IndexMath({
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
function SumDelta() {
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

/**
 * The gradient of one weight as the formula it is, ∂L/∂w_ab = Σ_ij δ_ij · x(…), with the term
 * at the current position filled in with its numbers and the partial sums around it.
 */
export function FormulaPanel() {
  // Off screen during playback or training the panel keeps what it showed (see useLive).
  const live = useLive("formula", useBusy());
  const sweep = useAppWhile(live, (s) => s.sweep);
  const sums = useAppWhile(live, (s) => s.sums);
  const position = useAppWhile(live, (s) => s.position);
  const image = useAppWhile(live, (s) => s.image);
  const pending = useAppWhile(live, (s) => s.sweepPending);
  const [selected, setSelected] = useState(0);
  const kH = sweep?.kernelHeight ?? 3;
  const kW = sweep?.kernelWidth ?? 3;
  const tap = Math.min(selected, kH * kW - 1);
  const a = Math.floor(tap / kW);
  const b = tap % kW;
  const fits =
    sweep !== null &&
    sums !== null &&
    !pending &&
    sweep.inputHeight === image.height &&
    sweep.inputWidth === image.width &&
    sums.kernelGrad.data.length === kH * kW;
  const term = useMemo(
    () => (fits && sweep ? formulaTerm(sweep, image, position, tap) : null),
    [fits, sweep, image, position, tap],
  );
  const options = sweep?.options ?? { stride: 1, padding: 0, dilation: 1 };
  const general = !defaultOptions(options);
  const w = (
    <Sub base="w">
      <mn>{a}</mn>
      <mn>{b}</mn>
    </Sub>
  );
  const wText = `w[${a}][${b}]`;

  return (
    <Panel
      id="formula"
      title="The formula, live"
      lead="One weight's gradient is a sum with one term per output position; the current position's term is filled in."
    >
      <fieldset className="formula-picker">
        <legend>Weight</legend>
        <div className="formula-picker-grid" style={{ gridTemplateColumns: `repeat(${kW}, auto)` }}>
          {Array.from({ length: kH * kW }, (_, t) => {
            const name = `w[${Math.floor(t / kW)}][${t % kW}]`;
            return (
              <button
                key={name}
                type="button"
                aria-pressed={t === tap}
                onClick={() => setSelected(t)}
              >
                {name}
              </button>
            );
          })}
        </div>
      </fieldset>

      <div className="formula-math">
        <span className="formula-tag" aria-hidden="true">
          any weight
        </span>
        <div className="formula-eq">
          <math aria-label="General formula">
            <Partial
              of={
                <Sub base="w">
                  <mi>a</mi>
                  <mi>b</mi>
                </Sub>
              }
            />
            <mo>=</mo>
            <SumDelta />
            <mo>·</mo>
            <Sub base="x">
              <IndexMath v="i" tap={a} options={options} symbolicTap="a" />
              <mo>,</mo>
              <IndexMath v="j" tap={b} options={options} symbolicTap="b" />
            </Sub>
          </math>
        </div>
        {general ? (
          <p className="hint formula-options">
            With stride <span className="math">s = {options.stride}</span>, padding{" "}
            <span className="math">p = {options.padding}</span>, dilation{" "}
            <span className="math">d = {options.dilation}</span>; x is 0 in the padding.
          </p>
        ) : null}
        <span className="formula-tag" aria-hidden="true">
          {wText}
        </span>
        <div className="formula-eq">
          <math aria-label={`Formula for ${wText}`}>
            <Partial of={w} />
            <mo>=</mo>
            <SumDelta />
            <mo>·</mo>
            <Sub base="x">
              <IndexMath v="i" tap={a} options={options} />
              <mo>,</mo>
              <IndexMath v="j" tap={b} options={options} />
            </Sub>
          </math>
        </div>
        <span className="formula-tag" aria-hidden="true">
          the bias
        </span>
        <div className="formula-eq">
          <math aria-label="Bias formula">
            <Partial of={<mi>b</mi>} />
            <mo>=</mo>
            <SumDelta />
          </math>
        </div>
      </div>

      {term === null || sums === null ? (
        <p className="placeholder-text">Computing the sweep…</p>
      ) : (
        <FormulaNumbers
          term={term}
          wText={wText}
          after={sums.kernelGrad.data[tap] as number}
          biasAfter={sums.biasGrad}
        />
      )}
    </Panel>
  );
}

/** The numbers of the current term and the partial sums before and after it. */
function FormulaNumbers({
  term,
  wText,
  after,
  biasAfter,
}: {
  /** The term at the current position. */
  term: ReturnType<typeof formulaTerm>;
  /** The weight's name, "w[a][b]". */
  wText: string;
  /** The store's ∂L/∂w_ab so far. */
  after: number;
  /** The store's ∂L/∂b so far. */
  biasAfter: number;
}) {
  const { row, col, inputRow, inputCol } = term;
  const d = (
    <>
      δ
      <sub>
        {row},{col}
      </sub>
    </>
  );
  const x = (
    <>
      x
      <sub>
        {inputRow},{inputCol}
      </sub>
    </>
  );
  return (
    <div className="formula-numbers">
      <p className="formula-count">
        <strong>
          {term.count} of {term.total} terms
        </strong>{" "}
        added.{" "}
        {term.added
          ? `Term ${term.count} is position (row ${row}, col ${col}):`
          : `The first term, position (row ${row}, col ${col}), is next:`}
      </p>
      <table className="formula-table">
        <tbody>
          <tr>
            <th scope="row">
              <span className="math">{d}</span> = ∂L/∂out at ({row}, {col})
            </th>
            <td>
              <Num value={term.delta} quantity="delta" />
            </td>
          </tr>
          <tr>
            <th scope="row">
              <span className="math">{x}</span> ={" "}
              {term.inside ? `input at (${inputRow}, ${inputCol})` : "zero padding"}
            </th>
            <td>
              <Num value={term.x} quantity="x" />
            </td>
          </tr>
          <tr>
            <th scope="row">
              <span className="math">
                {d} · {x}
              </span>{" "}
              = this term
            </th>
            <td>
              <Num value={term.product} quantity="product" />
            </td>
          </tr>
          {term.added ? (
            <tr>
              <th scope="row">Sum of the first {term.count - 1} terms</th>
              <td>
                <Num value={term.before} quantity="before" />
              </td>
            </tr>
          ) : null}
          <tr className="formula-after">
            <th scope="row">
              ∂L/∂{wText} so far ({term.count} terms)
            </th>
            <td>
              <Num value={after} quantity="after" />
            </td>
          </tr>
        </tbody>
      </table>
      {term.added ? (
        <p className="formula-line">
          <span className="math">∂L/∂{wText}</span> = <Num value={term.before} quantity="before" />{" "}
          + <Num value={term.delta} quantity="delta" /> × <Num value={term.x} quantity="x" /> ={" "}
          <Num value={after} quantity="after" />
        </p>
      ) : null}
      <p className="formula-line">
        <span className="math">∂L/∂b</span> ={" "}
        {term.added ? (
          <>
            <Num value={term.biasBefore} quantity="bias-before" /> +{" "}
            <Num value={term.delta} quantity="delta" /> ={" "}
          </>
        ) : null}
        <Num value={biasAfter} quantity="bias-after" />{" "}
        <span className="hint">
          ({term.count} of {term.total} terms)
        </span>
      </p>
    </div>
  );
}
