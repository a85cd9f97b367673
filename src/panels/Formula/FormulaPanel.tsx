import { type RefObject, useRef, useState } from "react";
import { emptySums, type Sweep, type SweepSums } from "../../engine/index";
import { type AppState, appStore } from "../../state/store";
import { useApp } from "../../state/useApp";
import { LiveNum, paintNum } from "../../viz/Num";
import { setText } from "../../viz/numberGridPaint";
import { useFramePaint } from "../../viz/useFramePaint";
import { useLiveSubscribe } from "../busyPanels";
import { paintInterval } from "../livePosition";
import { Panel } from "../Panel";
import { IndexMath, Partial, Sub, SumDelta } from "./FormulaMath";
import { defaultOptions, type FormulaTerm, formulaTerm } from "./formulaTerm";
import "./formula.css";
import "./mathml";

/** True when the state's sweep and sums are there and match its image: the term can be shown. */
function fits(s: AppState): boolean {
  const { sweep, sums, image } = s;
  return (
    sweep !== null &&
    sums !== null &&
    !s.sweepPending &&
    sweep.inputHeight === image.height &&
    sweep.inputWidth === image.width &&
    sums.kernelGrad.data.length === sweep.kernelHeight * sweep.kernelWidth
  );
}

/**
 * The gradient of one weight as the formula it is, ∂L/∂w_ab = Σ_ij δ_ij · x(…), with the term
 * at the current position filled in with its numbers and the partial sums around it. React
 * renders the structure (the kernel's shape, the options, the weight picked); the numbers are
 * painted every frame outside React (src/viz/useFramePaint.ts), and not at all while a sweep
 * plays with the panel off screen (useLiveSubscribe).
 */
export function FormulaPanel() {
  const kH = useApp((s) => s.sweep?.kernelHeight ?? 3);
  const kW = useApp((s) => s.sweep?.kernelWidth ?? 3);
  const stride = useApp((s) => s.sweep?.options.stride ?? 1);
  const padding = useApp((s) => s.sweep?.options.padding ?? 0);
  const dilation = useApp((s) => s.sweep?.options.dilation ?? 1);
  const ready = useApp(fits);
  const [selected, setSelected] = useState(0);
  const tap = Math.min(selected, kH * kW - 1);
  const a = Math.floor(tap / kW);
  const b = tap % kW;
  const options = { stride, padding, dilation };
  const general = !defaultOptions(options);

  const numbers = useRef<HTMLDivElement>(null);
  // The partial sums of the sweep shown, carried from frame to frame (see formulaTerm).
  const running = useRef<{ sweep: Sweep; sums: SweepSums } | null>(null);
  const last = useRef<unknown[]>([]);
  useFramePaint(
    useLiveSubscribe("formula"),
    (force) => {
      const s = appStore.getState();
      const { sweep, sums, image, position } = s;
      // Until React renders a new kernel shape, the picker and the tap are the old shape's.
      if (numbers.current === null || sweep === null || sums === null || !fits(s)) return;
      if (sweep.kernelHeight !== kH || sweep.kernelWidth !== kW) return;
      const still = !s.playing;
      const key = [sweep, image, position, sums, tap, still];
      if (!force && key.every((k, i) => k === last.current[i])) return;
      last.current = key;
      if (running.current?.sweep !== sweep) running.current = { sweep, sums: emptySums(sweep) };
      const term = formulaTerm(sweep, image, position, tap, running.current.sums);
      paintNumbers(
        numbers.current,
        term,
        sums.kernelGrad.data[tap] as number,
        sums.biasGrad,
        still,
      );
    },
    paintInterval,
  );

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

      {ready ? (
        <FormulaNumbers wText={wText} numbersRef={numbers} />
      ) : (
        <p className="placeholder-text">Computing the sweep…</p>
      )}
    </Panel>
  );
}

/**
 * Writes a term into FormulaNumbers' elements: each `data-slot`'s text, each number by its
 * `data-quantity` (exact values only when `exact`), and the parts that exist once a term is
 * added (`data-added`) shown or hidden.
 */
function paintNumbers(
  root: HTMLElement,
  term: FormulaTerm,
  after: number,
  biasAfter: number,
  exact: boolean,
): void {
  const { row, col, inputRow, inputCol, count, total, added } = term;
  const slots: Record<string, string> = {
    terms: `${count} of ${total} terms`,
    which: added
      ? `Term ${count} is position (row ${row}, col ${col}):`
      : `The first term, position (row ${row}, col ${col}), is next:`,
    ij: `${row},${col}`,
    at: `(${row}, ${col})`,
    xij: `${inputRow},${inputCol}`,
    x: term.inside ? `input at (${inputRow}, ${inputCol})` : "zero padding",
    earlier: String(count - 1),
    count: String(count),
  };
  const values: Record<string, number> = {
    delta: term.delta,
    x: term.x,
    product: term.product,
    before: term.before,
    after,
    "bias-before": term.biasBefore,
    "bias-after": biasAfter,
  };
  for (const el of root.querySelectorAll<HTMLElement>("[data-slot]"))
    setText(el, slots[el.dataset.slot ?? ""] ?? "");
  for (const el of root.querySelectorAll<HTMLElement>(".num[data-quantity]"))
    paintNum(el, values[el.dataset.quantity ?? ""] ?? Number.NaN, exact);
  for (const el of root.querySelectorAll<HTMLElement>("[data-added]"))
    if (el.hidden === added) el.hidden = !added;
}

/**
 * The numbers of the current term and the partial sums before and after it: the structure,
 * which paintNumbers fills in.
 */
function FormulaNumbers({
  wText,
  numbersRef,
}: {
  /** The weight's name, "w[a][b]". */
  wText: string;
  /** Receives the element paintNumbers paints. */
  numbersRef: RefObject<HTMLDivElement | null>;
}) {
  const d = (
    <>
      δ<sub data-slot="ij" />
    </>
  );
  const x = (
    <>
      x<sub data-slot="xij" />
    </>
  );
  return (
    <div className="formula-numbers" ref={numbersRef}>
      <p className="formula-count">
        <strong data-slot="terms" /> added. <span className="formula-which" data-slot="which" />
      </p>
      <table className="formula-table">
        <tbody>
          <tr>
            <th scope="row">
              <span className="math">{d}</span> = ∂L/∂out at <span data-slot="at" />
            </th>
            <td>
              <LiveNum quantity="delta" />
            </td>
          </tr>
          <tr>
            <th scope="row">
              <span className="math">{x}</span> = <span data-slot="x" />
            </th>
            <td>
              <LiveNum quantity="x" />
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
              <LiveNum quantity="product" />
            </td>
          </tr>
          <tr data-added>
            <th scope="row">
              Sum of the first <span data-slot="earlier" /> terms
            </th>
            <td>
              <LiveNum quantity="before" />
            </td>
          </tr>
          <tr className="formula-after">
            <th scope="row">
              ∂L/∂{wText} so far (<span data-slot="count" /> terms)
            </th>
            <td>
              <LiveNum quantity="after" />
            </td>
          </tr>
        </tbody>
      </table>
      {/* The result on a line of its own: lines that rewrap as the numbers change width
          would move the page under the reader every frame of a playing sweep. */}
      <p className="formula-line" data-added>
        <span className="math">∂L/∂{wText}</span> = <LiveNum quantity="before" /> +{" "}
        <LiveNum quantity="delta" /> × <LiveNum quantity="x" />
        <span className="formula-result">
          = <LiveNum quantity="after" />
        </span>
      </p>
      <p className="formula-line">
        <span className="math">∂L/∂b</span>
        <span data-added>
          {" "}
          = <LiveNum quantity="bias-before" /> + <LiveNum quantity="delta" />
        </span>
        <span className="formula-result">
          = <LiveNum quantity="bias-after" />{" "}
          <span className="hint">
            (<span data-slot="terms" />)
          </span>
        </span>
      </p>
    </div>
  );
}
