import { useId, useState } from "react";
import { DIFFERENCE_SCHEMES, type DifferenceScheme, type GradientCheck } from "../../engine/index";
import { useEngineRequest } from "../../state/useEngineRequest";
import { formatNumber } from "../../viz/format";
import { Num } from "../../viz/Num";
import { useBusy } from "../busyPanels";
import { Panel } from "../Panel";
import { useAppWhile, useLive } from "../useOnScreen";
import "./gradientCheck.css";

/** The client lane this view's requests travel in. */
const LANE = "gradient-check";
/** The finite-difference steps offered. */
const EPSILONS = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7] as const;
const DEFAULT_EPSILON = 1e-4;
/** Below this, the two gradients agree as far as float64 differences of the loss can tell. */
const AGREES = 1e-6;

/** "1e−4" for a power of ten. */
function epsilonLabel(epsilon: number): string {
  return `1e${String(Math.round(Math.log10(epsilon))).replace("-", "−")}`;
}

function verdict(check: GradientCheck): string {
  const max = check.maxRelativeError;
  const n = check.positions;
  if (!Number.isFinite(max)) {
    return "The loss is not finite at these parameters, so there is no derivative to check.";
  }
  const lead = `Max relative error ${formatNumber(max, 2)}`;
  if (max < AGREES) {
    return `${lead}: adding the ${n} contributions is the derivative.`;
  }
  if (check.scheme === "forward") {
    return `${lead}: a forward difference is off by ε/2 · ∂²L/∂θ², so this error is the difference quotient's, not the sum's. Central differences cancel it.`;
  }
  return `${lead}: with ε this small the two loss values share most of their digits, and rounding (about 1e−16 · L / ε) swamps the difference. The loss is quadratic in each weight, so a larger ε has no truncation error.`;
}

/**
 * Checks the summed gradient against the loss itself: each weight and the bias is nudged by
 * ±ε in the worker, the loss recomputed, and the difference quotient set beside the sum of
 * every position's contribution.
 */
export function GradientCheckPanel() {
  // Off screen during playback or training the inputs stay as they were (see useLive): no
  // new check for every training report.
  const live = useLive("gradient-check", useBusy());
  const image = useAppWhile(live, (s) => s.image);
  const kernel = useAppWhile(live, (s) => s.kernel);
  const bias = useAppWhile(live, (s) => s.bias);
  const target = useAppWhile(live, (s) => s.target);
  const options = useAppWhile(live, (s) => s.options);
  const reduction = useAppWhile(live, (s) => s.reduction);
  // Paint δ: the check is of L = Σ δ·out, whose ∂L/∂out is the painted δ.
  const outputGrad = useAppWhile(live, (s) => s.paintedDelta);
  const [epsilon, setEpsilon] = useState<number>(DEFAULT_EPSILON);
  const [scheme, setScheme] = useState<DifferenceScheme>("central");
  /** Clicks of the button; 0 until the first, after which input changes re-run the check. */
  const [asked, setAsked] = useState(0);
  const id = useId();
  const {
    result: check,
    error,
    pending,
  } = useEngineRequest(
    LANE,
    asked === 0
      ? null
      : (lane) =>
          lane.gradientCheck({
            ...{ image, kernel, bias, target, options, reduction, epsilon, scheme },
            ...(outputGrad === null ? {} : { outputGrad }),
          }),
    [asked, image, kernel, bias, target, options, reduction, epsilon, scheme, outputGrad],
  );

  const rows = check
    ? [
        ...Array.from(check.kernelGrad.data, (analytic, t) => ({
          name: `w[${Math.floor(t / check.kernelGrad.width)}][${t % check.kernelGrad.width}]`,
          analytic,
          numeric: check.numericKernelGrad.data[t] as number,
          error: check.kernelRelativeError.data[t] as number,
        })),
        {
          name: "b",
          analytic: check.biasGrad,
          numeric: check.numericBiasGrad,
          error: check.biasRelativeError,
        },
      ]
    : [];
  const parameters = kernel.data.length + 1;
  const formula = scheme === "central" ? "(L(θ + ε) − L(θ − ε)) / 2ε" : "(L(θ + ε) − L(θ)) / ε";

  return (
    <Panel
      id="gradient-check"
      title="The gradient check"
      lead={
        <>
          Is the sum of every position's contribution really ∂L/∂w? Nudge each of the {parameters}{" "}
          parameters θ by ε, recompute the loss, and compare <span className="math">{formula}</span>{" "}
          with the sum.
        </>
      }
    >
      <div className="tools">
        <label>
          ε{" "}
          <select
            value={epsilon}
            onChange={(e) => setEpsilon(Number(e.target.value))}
            aria-describedby={`${id}-eps`}
          >
            {EPSILONS.map((value) => (
              <option key={value} value={value}>
                {epsilonLabel(value)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Differences{" "}
          <select value={scheme} onChange={(e) => setScheme(e.target.value as DifferenceScheme)}>
            {DIFFERENCE_SCHEMES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" onClick={() => setAsked((n) => n + 1)}>
          Check the gradient
        </button>
      </div>
      <p className="hint" id={`${id}-eps`}>
        Runs in the worker on the current image, filter, target and loss, and again whenever they
        change.
      </p>
      <p className="readout gc-verdict" aria-live="polite" aria-busy={pending}>
        {error !== null
          ? `The check failed: ${error}`
          : check !== null
            ? verdict(check)
            : pending
              ? "Checking…"
              : "Not checked yet."}
      </p>
      {check ? (
        <div className="gc-table-wrap">
          <table className="gc-table">
            <caption className="visually-hidden">
              Summed gradient beside the finite-difference estimate, per parameter
            </caption>
            <thead>
              <tr>
                <th scope="col">θ</th>
                <th scope="col">
                  Σ of {check.positions}
                  <span className="gc-sub">contributions</span>
                </th>
                <th scope="col">
                  finite difference
                  <span className="gc-sub">ε = {epsilonLabel(check.epsilon)}</span>
                </th>
                <th scope="col">relative error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.name}>
                  <th scope="row" className="math">
                    {row.name}
                  </th>
                  <td>
                    <Num value={row.analytic} digits={7} />
                  </td>
                  <td>
                    <Num value={row.numeric} digits={7} />
                  </td>
                  <td className={row.error < AGREES ? "gc-ok" : "gc-off"}>
                    <Num value={row.error} digits={2} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p className="hint">
        The squared error is a quadratic in each single weight, so central differences have no
        truncation error at all: what is left is rounding. Forward differences are off by ε/2 ·
        ∂²L/∂θ².
      </p>
    </Panel>
  );
}
