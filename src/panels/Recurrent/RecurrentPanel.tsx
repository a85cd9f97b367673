import { type ChangeEvent, useId, useMemo, useState } from "react";
import {
  type RecurrentProblem,
  type RecurrentResult,
  recurrentGradients,
  recurrentLoss,
} from "../../engine/index";
import { Num } from "../../viz/Num";
import { Panel } from "../Panel";
import { RecurrentChain } from "./RecurrentChain";
import {
  DEFAULT_RECURRENT,
  draftsOf,
  PANEL_MAX_STEPS,
  parseDrafts,
  type RecurrentDrafts,
} from "./recurrentInputs";
import "./recurrent.css";

/** The step for a central difference of the loss (a check shown beside the exact value). */
const FD_STEP = 1e-6;

/** (L(v + h) − L(v − h)) / 2h for w or u: an independent check of backpropagation. */
function centralDifference(p: RecurrentProblem, key: "w" | "u"): number {
  const up = recurrentLoss({ ...p, [key]: p[key] + FD_STEP });
  const down = recurrentLoss({ ...p, [key]: p[key] - FD_STEP });
  return (up - down) / (2 * FD_STEP);
}

/** One labelled field of the form. */
function Field({
  id,
  label,
  value,
  error,
  onChange,
  wide,
}: {
  /** The input's id. */
  id: string;
  /** Its visible label. */
  label: string;
  /** The text typed. */
  value: string;
  /** What is wrong with it, if anything. */
  error: string | undefined;
  /** Called with the new text. */
  onChange: (text: string) => void;
  /** A longer text field (the input sequence). */
  wide?: boolean;
}) {
  return (
    <div className={`recurrent-field${wide ? " wide" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode={wide ? "text" : "decimal"}
        value={value}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
      />
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/**
 * Weight sharing in time: a one-unit recurrent net uses the same w at every step, and
 * backpropagation through time gives w the sum of what each use contributes.
 */
export function RecurrentPanel() {
  const [drafts, setDrafts] = useState<RecurrentDrafts>(() => draftsOf(DEFAULT_RECURRENT));
  const [problem, setProblem] = useState<RecurrentProblem>(DEFAULT_RECURRENT);
  const [added, setAdded] = useState(0);
  const [which, setWhich] = useState<"w" | "u">("w");
  const id = useId();
  const parsed = useMemo(() => parseDrafts(drafts), [drafts]);
  const result: RecurrentResult = useMemo(() => recurrentGradients(problem), [problem]);
  const check = useMemo(
    () => ({ w: centralDifference(problem, "w"), u: centralDifference(problem, "u") }),
    [problem],
  );
  const T = result.steps.length;
  const k = Math.min(added, T);
  const current = result.steps[k - 1];
  const errors = parsed.ok ? {} : parsed.errors;

  const edit = (field: keyof RecurrentDrafts) => (text: string) => {
    const next = { ...drafts, [field]: text };
    setDrafts(next);
    const p = parseDrafts(next);
    if (p.ok) setProblem(p.problem);
  };

  return (
    <Panel
      id="recurrent"
      title="Weight sharing in time"
      lead={
        <>
          The same rule as the convolution: one parameter used in many places gets the sum of the
          gradients from each use. Here one weight <span className="math">w</span> is used at every
          time step of a recurrent net, as one filter is used at every position of the image.
        </>
      }
    >
      <p className="recurrent-rule">
        <span className="math">
          h<sub>t</sub> = tanh(w·h<sub>t−1</sub> + u·x<sub>t</sub>)
        </span>
        , <span className="math">t = 1…{T}</span>; the loss is on the last state only:{" "}
        <span className="math">
          L = ½ (h<sub>{T}</sub> − y)²
        </span>
        .
      </p>
      <RecurrentChain
        result={result}
        h0={problem.h0}
        w={problem.w}
        u={problem.u}
        target={problem.target}
        added={k}
      />
      <p className="recurrent-shared">
        One <span className="math">w</span> = <Num value={problem.w} /> on every → arrow, one{" "}
        <span className="math">u</span> = <Num value={problem.u} /> on every ↑ arrow.
      </p>

      <fieldset className="recurrent-form">
        <legend>Inputs and weights</legend>
        <Field
          id={`${id}-xs`}
          label={`Inputs x₁, x₂, … (1 to ${PANEL_MAX_STEPS} numbers, commas between)`}
          value={drafts.xs}
          error={errors.xs}
          onChange={edit("xs")}
          wide
        />
        <Field id={`${id}-w`} label="w" value={drafts.w} error={errors.w} onChange={edit("w")} />
        <Field id={`${id}-u`} label="u" value={drafts.u} error={errors.u} onChange={edit("u")} />
        <Field
          id={`${id}-h0`}
          label="h₀"
          value={drafts.h0}
          error={errors.h0}
          onChange={edit("h0")}
        />
        <Field
          id={`${id}-y`}
          label="target y"
          value={drafts.target}
          error={errors.target}
          onChange={edit("target")}
        />
        {parsed.ok ? null : (
          <p className="hint">Showing the last valid inputs until the form is fixed.</p>
        )}
      </fieldset>

      <div className="recurrent-nav">
        <button type="button" onClick={() => setAdded(k - 1)} disabled={k === 0}>
          Back in time
        </button>
        <button type="button" onClick={() => setAdded(k + 1)} disabled={k >= T}>
          Forward in time
        </button>
        <button type="button" onClick={() => setAdded(T)} disabled={k >= T}>
          Add every use
        </button>
        <button type="button" onClick={() => setAdded(0)} disabled={k === 0}>
          Start over
        </button>
      </div>

      <div className="recurrent-sum" aria-live="polite">
        <p>
          <strong>
            {k} of {T} uses of w added
          </strong>
          {current ? (
            <>
              {" "}
              (just added t = {current.t}: δ<sub>{current.t}</sub>·h<sub>{current.t - 1}</sub> ={" "}
              <Num value={current.wGrad} />)
            </>
          ) : null}
        </p>
        <p>
          <span className="math">∂L/∂w</span> so far ={" "}
          <Num value={current ? current.wGradSum : 0} quantity="w-running" />
          {"; "}
          <span className="math">∂L/∂u</span> so far ={" "}
          <Num value={current ? current.uGradSum : 0} quantity="u-running" />
        </p>
      </div>

      <fieldset className="recurrent-which">
        <legend className="visually-hidden">Contributions shown in the table</legend>
        <span aria-hidden="true">Table of contributions to</span>
        {(["w", "u"] as const).map((p) => (
          <label key={p}>
            <input
              type="radio"
              name={`${id}-which`}
              checked={which === p}
              onChange={() => setWhich(p)}
            />{" "}
            <span className="math">∂L/∂{p}</span>
          </label>
        ))}
      </fieldset>
      <div className="recurrent-table-wrap">
        <table className="recurrent-table">
          <caption className="visually-hidden">
            Each time step's contribution to ∂L/∂{which} and the running sum
          </caption>
          <thead>
            <tr>
              <th scope="col">t</th>
              <th scope="col">
                {which === "w" ? (
                  <>
                    h<sub>t−1</sub>
                  </>
                ) : (
                  <>
                    x<sub>t</sub>
                  </>
                )}
              </th>
              <th scope="col">
                δ<sub>t</sub>
              </th>
              <th scope="col">
                δ<sub>t</sub>·{which === "w" ? "h" : "x"}
                <sub>{which === "w" ? "t−1" : "t"}</sub>
              </th>
              <th scope="col">Σ so far = ∂L/∂{which}</th>
            </tr>
          </thead>
          <tbody>
            {result.steps.map((s) => {
              const state = s.t === k ? "current" : s.t < k ? "added" : "pending";
              const factor = which === "w" ? s.hPrev : s.x;
              const term = which === "w" ? s.wGrad : s.uGrad;
              const sum = which === "w" ? s.wGradSum : s.uGradSum;
              return (
                <tr key={s.t} className={state}>
                  <th scope="row">{s.t}</th>
                  <td>
                    <Num value={factor} />
                  </td>
                  <td>
                    <Num value={s.delta} />
                  </td>
                  <td>
                    <Num value={term} />
                  </td>
                  <td>{s.t <= k ? <Num value={sum} /> : "not yet"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="hint">
        δ<sub>t</sub> = ∂L/∂(w·h<sub>t−1</sub> + u·x<sub>t</sub>) comes back from the loss through
        every later step (backpropagation through time); each row is what one use of w (or u) would
        get if it were a separate weight.
      </p>

      <dl className="recurrent-totals">
        <div>
          <dt>∂L/∂w, all {T} contributions summed (BPTT)</dt>
          <dd>
            <Num value={result.wGrad} quantity="w-total" />
          </dd>
        </div>
        <div>
          <dt>∂L/∂w by finite differences (check)</dt>
          <dd>
            <Num value={check.w} quantity="w-check" />
          </dd>
        </div>
        <div>
          <dt>∂L/∂u, all {T} contributions summed</dt>
          <dd>
            <Num value={result.uGrad} quantity="u-total" />
          </dd>
        </div>
        <div>
          <dt>∂L/∂u by finite differences (check)</dt>
          <dd>
            <Num value={check.u} quantity="u-check" />
          </dd>
        </div>
        <div>
          <dt>
            Loss L = ½ (h<sub>{T}</sub> − y)²
          </dt>
          <dd>
            <Num value={result.loss} quantity="loss" />
          </dd>
        </div>
      </dl>
    </Panel>
  );
}
