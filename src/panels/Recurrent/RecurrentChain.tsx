import { useId } from "react";
import type { RecurrentResult } from "../../engine/index";
import { exactNumber, formatNumber } from "../../viz/format";

export interface RecurrentChainProps {
  /** The forward and backward pass to draw. */
  result: RecurrentResult;
  /** h_0. */
  h0: number;
  /** The shared recurrent weight, written on every arrow. */
  w: number;
  /** The shared input weight. */
  u: number;
  /** The target of the last state. */
  target: number;
  /** Uses of w added so far: steps 1 … added are marked, step `added` as the current one. */
  added: number;
}

/** Horizontal distance between neighbouring states, in SVG units. */
const SPACING = 68;
const BOX_W = 50;
const BOX_H = 38;
const LEFT = 8;
/** Tops of the three rows: the loss, the states, the inputs. */
const L_TOP = 4;
const H_TOP = 72;
const X_TOP = 148;
const MARK = "#ff9f1c";

const SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉";
/** Small digits for labels inside the SVG, e.g. 12 → "₁₂". */
function sub(n: number): string {
  return String(n)
    .split("")
    .map((c) => SUBSCRIPT[Number(c)] ?? c)
    .join("");
}

/** A labelled box with a value: the label small on top, the value under it. */
function ValueBox({
  x,
  y,
  label,
  value,
  className,
}: {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** What the box holds, e.g. "h₁". */
  label: string;
  /** Its value. */
  value: number;
  /** Extra class for marking. */
  className?: string;
}) {
  return (
    <g className={`chain-box ${className ?? ""}`}>
      <title>{`${label} = ${exactNumber(value)}`}</title>
      <rect x={x} y={y} width={BOX_W} height={BOX_H} rx={6} />
      <text x={x + BOX_W / 2} y={y + 14} textAnchor="middle" className="chain-label">
        {label}
      </text>
      <text x={x + BOX_W / 2} y={y + 31} textAnchor="middle" className="chain-value">
        {formatNumber(value, 3)}
      </text>
    </g>
  );
}

/**
 * The recurrent net unrolled in time: h_0 → h_1 → … → h_T → L, the same w on every
 * horizontal arrow and the same u on every arrow up from an input.
 */
export function RecurrentChain({ result, h0, w, u, target, added }: RecurrentChainProps) {
  const T = result.steps.length;
  // The loss sits above h_T, which keeps the chain narrow enough for a phone.
  const lossX = LEFT + T * SPACING;
  const width = lossX + BOX_W + LEFT;
  const height = X_TOP + BOX_H + 8;
  const arrowY = H_TOP + BOX_H / 2;
  // Marker ids must be unique in the page.
  const id = useId().replace(/:/g, "");
  return (
    <svg
      className="recurrent-chain"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      style={{ maxWidth: width * 1.25 }}
      role="img"
      aria-label={`The recurrent net unrolled over ${T} time steps: the same weight w = ${formatNumber(w)} on every arrow from h at t−1 to h at t, and the same u = ${formatNumber(u)} from every input`}
    >
      <defs>
        {(["plain", "used"] as const).map((kind) => (
          <marker
            key={kind}
            id={`${id}-${kind}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            markerUnits="userSpaceOnUse"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className={`chain-head ${kind}`} />
          </marker>
        ))}
      </defs>
      <ValueBox x={LEFT} y={H_TOP} label={`h${sub(0)}`} value={h0} />
      {result.steps.map((s) => {
        const x = LEFT + s.t * SPACING;
        const state = s.t === added ? "current" : s.t < added ? "added" : "";
        return (
          <g key={s.t} className={`chain-step ${state}`}>
            <line
              className="chain-w"
              x1={x - SPACING + BOX_W}
              y1={arrowY}
              x2={x - 1}
              y2={arrowY}
              markerEnd={`url(#${id}-${state ? "used" : "plain"})`}
            />
            <text
              x={x - (SPACING - BOX_W) / 2}
              y={arrowY - 6}
              textAnchor="middle"
              className="chain-weight"
            >
              w
            </text>
            <ValueBox x={x} y={H_TOP} label={`h${sub(s.t)}`} value={s.h} />
            <line
              className="chain-u"
              x1={x + BOX_W / 2}
              y1={X_TOP}
              x2={x + BOX_W / 2}
              y2={H_TOP + BOX_H + 1}
              markerEnd={`url(#${id}-plain)`}
            />
            <text
              x={x + BOX_W / 2 + 5}
              y={(X_TOP + H_TOP + BOX_H) / 2 + 4}
              className="chain-weight"
            >
              u
            </text>
            <ValueBox x={x} y={X_TOP} label={`x${sub(s.t)}`} value={s.x} className="chain-input" />
            {state === "current" ? (
              <rect
                x={x - 3}
                y={H_TOP - 3}
                width={BOX_W + 6}
                height={BOX_H + 6}
                rx={8}
                fill="none"
                stroke={MARK}
                strokeWidth={3}
              />
            ) : null}
          </g>
        );
      })}
      <line
        className="chain-loss"
        x1={lossX + BOX_W / 2}
        y1={H_TOP - 1}
        x2={lossX + BOX_W / 2}
        y2={L_TOP + BOX_H + 1}
        markerEnd={`url(#${id}-plain)`}
      />
      <ValueBox x={lossX} y={L_TOP} label="L" value={result.loss} className="chain-loss-box" />
      <g className="chain-target">
        <title>{`target y = ${exactNumber(target)}`}</title>
        <text x={lossX + BOX_W / 2 - 6} y={H_TOP - 12} textAnchor="end">
          target y = {formatNumber(target, 3)}
        </text>
      </g>
    </svg>
  );
}
